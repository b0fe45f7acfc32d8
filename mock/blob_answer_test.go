package mock

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/generated/csmsapi"
)

// blobAnswer must write, header and bytes, what the generated response type writes, and
// announce the length of what it writes.
func TestBlobAnswerWritesWhatTheGeneratedTypeWrites(t *testing.T) {
	for _, blob := range []string{
		")CloudSecretManagementBackupV1.comeyJraWQiOiJhIn0.QUJD-_.REVG.R0hJ.SktM",
		strings.Repeat("eyJraWQiOiI5ZjNl", 4096),
		"",
		`quote " and backslash \ and slash /`,
		"html <b> & </b>",
		"control \x00 \t \n \x1f del \x7f",
		"unicode é ✓ 😀 \u2028 \u2029",
		"invalid UTF-8 \xff\xfe",
	} {
		want := httptest.NewRecorder()
		if err := (csmsapi.DownloadSecretBlob200JSONResponse{Body: csmsapi.DownloadSecretBlobResponse{SecretBlob: blob}}).VisitDownloadSecretBlobResponse(want); err != nil {
			t.Fatal(err)
		}
		got := httptest.NewRecorder()
		if err := blobAnswer(blob).VisitDownloadSecretBlobResponse(got); err != nil {
			t.Fatal(err)
		}
		if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Errorf("%.40q: status %d %q, the generated type sends %d %q", blob, got.Code, got.Header().Get("Content-Type"), want.Code, want.Header().Get("Content-Type"))
		}
		if cl := got.Header().Get("Content-Length"); cl != strconv.Itoa(got.Body.Len()) {
			t.Errorf("%.40q: Content-Length %q for a body of %d bytes", blob, cl, got.Body.Len())
		}
		if got.Body.String() != want.Body.String() {
			t.Errorf("%.40q: body\n%.200q\nthe generated type writes\n%.200q", blob, got.Body.String(), want.Body.String())
		}
	}
}
