package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// blobAnswer is DownloadSecretBlob's 200 answer. It writes exactly what the generated
// csmsapi.DownloadSecretBlob200JSONResponse writes (the same header, the same bytes as
// encoding/json with its HTML escaping, and the encoder's newline), but builds the body in one
// buffer of its final size. The generated type encodes through a growing bytes.Buffer and
// escapes byte by byte, a large part of a large backup's cost (BENCHMARKS.md); a blob is
// printable ASCII that needs no escape, so it is copied as it is.
type blobAnswer string

const (
	blobAnswerStart = `{"secret_blob":"`
	blobAnswerEnd   = "\"}\n"
)

// VisitDownloadSecretBlobResponse implements csmsapi.DownloadSecretBlobResponseObject.
func (b blobAnswer) VisitDownloadSecretBlobResponse(w http.ResponseWriter) error {
	var parts []string
	if jsonvalue.Verbatim(string(b)) {
		parts = []string{blobAnswerStart, string(b), blobAnswerEnd}
	} else {
		// Anything else is left to encoding/json, so that the bytes never differ.
		body, err := json.Marshal(struct {
			SecretBlob string `json:"secret_blob"`
		}{string(b)})
		if err != nil {
			return err
		}
		parts = []string{string(body), "\n"}
	}
	w.Header().Set("Content-Type", "application/json")
	// The length is known, so net/http need not switch a large answer to chunked encoding.
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	for _, p := range parts {
		if _, err := io.WriteString(w, p); err != nil {
			return err
		}
	}
	return nil
}
