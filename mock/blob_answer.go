package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
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
	if needsNoEscape(string(b)) {
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

// jsonVerbatim holds the bytes encoding/json writes between quotes unchanged: printable ASCII
// other than the quote, the backslash and the three characters it escapes for HTML.
var jsonVerbatim = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// needsNoEscape reports whether encoding/json writes s between quotes unchanged. It tests
// eight bytes at a time (a blob is a kilobyte or more of base64url), and the table the rest.
func needsNoEscape(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !wordVerbatim(uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if !jsonVerbatim[s[i]] {
			return false
		}
	}
	return true
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte reports whether some byte of x equals c: x^c has a zero byte exactly there, and
// v - 0x01… borrows into that byte's top bit where v's own top bit was clear.
func hasByte(x uint64, c byte) bool {
	v := x ^ (ones * uint64(c))
	return (v-ones)&^v&highs != 0
}

// wordVerbatim is jsonVerbatim for each of the eight bytes of x: none below 0x20 (the same
// borrow), none with the top bit set, and none of DEL and the five bytes JSON escapes.
func wordVerbatim(x uint64) bool {
	return x&highs == 0 && (x-ones*0x20)&^x&highs == 0 &&
		!hasByte(x, 0x7f) && !hasByte(x, '"') && !hasByte(x, '\\') &&
		!hasByte(x, '<') && !hasByte(x, '>') && !hasByte(x, '&')
}
