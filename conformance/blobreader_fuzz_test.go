package conformance

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzBlobReader feeds arbitrary secret_blob strings to the suite's own blob-format reader, used
// as the blob checks use it (blob_checks.go): splitBlob, checkPrefix, checkLengthByte, parseJWE,
// header and checkSizes. A hostile target chooses the blob, so the reader must not panic, must
// accept only a prefixed, complete, canonical five-segment JWE with a well-sized header, and must
// not quote the blob in its messages (a blob that is not encrypted may be the secret in clear).
// Seeds: testdata/fuzz/FuzzBlobReader (the documented truncated example, a blob the mock sealed,
// well-formed and broken layouts).
func FuzzBlobReader(f *testing.F) {
	f.Add(documentedBlob())
	f.Fuzz(func(t *testing.T, blob string) {
		prefixErr := checkPrefix(blob)
		layout := splitBlob(blob)
		if !strings.HasSuffix(blob, layout.jwe) {
			t.Fatalf("splitBlob's JWE is not the end of the blob")
		}
		if layout.hasPrefix != (prefixErr == nil) {
			t.Fatalf("splitBlob says prefix %v, checkPrefix says %v", layout.hasPrefix, prefixErr)
		}
		if layout.hasPrefix && !strings.HasPrefix(layout.magic, blobMagic) {
			t.Fatalf("magic %q does not start with %q", layout.magic, blobMagic)
		}
		lengthErr := checkLengthByte(blob)
		if !layout.hasPrefix && lengthErr == nil {
			t.Fatal("checkLengthByte passed a blob without the prefix")
		}
		j, structErr := parseJWE(layout.jwe)
		if j == nil || len(j.decoded) != len(j.segments) {
			t.Fatal("parseJWE returned no JWE, or decoded segments out of step")
		}
		h, headerErr := j.header()
		var sizeErr error
		// As the size check does: only five decodable segments and a header naming alg and enc.
		if len(j.segments) == len(jweParts) && !containsNil(j.decoded) && h.Alg != "" && h.Enc != "" {
			sizeErr = j.checkSizes(h)
		}
		for _, err := range []error{prefixErr, lengthErr, structErr, headerErr, sizeErr} {
			if err != nil {
				noQuote(t, blob, err.Error())
			}
		}
		if prefixErr != nil || structErr != nil || headerErr != nil || sizeErr != nil {
			return
		}
		// Everything a must-level check asks passed: the blob has to be what the checks promise.
		if len(j.segments) != 5 {
			t.Fatalf("accepted a JWE of %d segments", len(j.segments))
		}
		for i, seg := range j.segments {
			if base64.RawURLEncoding.EncodeToString(j.decoded[i]) != seg {
				t.Fatalf("accepted segment %d, which is not canonical base64url without padding", i+1)
			}
		}
		if h.Alg == "" || h.Enc == "" || h.Kid == "" {
			t.Fatalf("accepted a header without alg, enc or kid: %+v", h)
		}
		if len(j.decoded[3]) == 0 {
			t.Fatal("accepted an empty ciphertext")
		}
	})
}

// noQuote fails t when msg repeats a long run of the blob (past the documented prefix, which
// messages may name).
func noQuote(t *testing.T, blob, msg string) {
	t.Helper()
	const window = 32
	for i := 0; i+window <= len(blob); i++ {
		w := blob[i : i+window]
		if strings.Contains(blobPrefix, w) {
			continue
		}
		if strings.Contains(msg, w) {
			t.Fatalf("a message quotes %d characters of the blob from offset %d: %s", window, i, msg)
		}
	}
}

// TestFuzzBlobReaderCorpusIsCommitted keeps the seed corpus, which `make test` replays, in place.
func TestFuzzBlobReaderCorpusIsCommitted(t *testing.T) {
	files, _ := filepath.Glob("testdata/fuzz/FuzzBlobReader/*")
	if len(files) < 10 {
		t.Fatalf("testdata/fuzz/FuzzBlobReader holds %d seeds, want at least 10", len(files))
	}
}
