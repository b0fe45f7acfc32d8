package blob

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The fuzz target opens with a fixed key, testdata/fuzz-key.pem, so that the valid blobs in the
// committed seed corpus open and the fuzzer starts from the success path, not from errWrongKey.
// The key protects nothing. As in the Go standard library's tests, its PEM type is written
// "TESTING KEY" so that secret scanners do not take it for a real one.
const (
	fuzzKeyFile = "testdata/fuzz-key.pem"
	corpusDir   = "testdata/fuzz/FuzzOpen"
)

var (
	fuzzKeyOnce sync.Once
	fuzzKeyVal  *Key
	fuzzKeyErr  error
)

func fuzzKey(tb testing.TB) *Key {
	tb.Helper()
	fuzzKeyOnce.Do(func() {
		var data []byte
		if data, fuzzKeyErr = os.ReadFile(fuzzKeyFile); fuzzKeyErr == nil {
			fuzzKeyVal, fuzzKeyErr = ParsePEM(bytes.ReplaceAll(data, []byte("TESTING KEY"), []byte("PRIVATE KEY")))
		}
	})
	if fuzzKeyErr != nil {
		tb.Fatal(fuzzKeyErr)
	}
	return fuzzKeyVal
}

// corpusSeeds reads the string inputs of the committed seed corpus.
func corpusSeeds(tb testing.TB) map[string]string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	seeds := map[string]string{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 2*maxLen)
		if !sc.Scan() || sc.Text() != "go test fuzz v1" || !sc.Scan() {
			tb.Fatalf("%s: not a fuzz corpus file", file)
		}
		lit, ok := strings.CutPrefix(sc.Text(), "string(")
		lit, ok2 := strings.CutSuffix(lit, ")")
		s, err := strconv.Unquote(lit)
		if !ok || !ok2 || err != nil {
			tb.Fatalf("%s: not a string seed", file)
		}
		seeds[filepath.Base(file)] = s
	}
	return seeds
}

// FuzzOpen checks that Open never panics, that every refusal wraps exactly one sentinel, and that
// nothing opens but the blobs the tests sealed: a mutation that still opened would be a forgery
// or a second encoding of the same blob.
func FuzzOpen(f *testing.F) {
	k := fuzzKey(f)
	sealed := map[string]bool{}
	for _, s := range corpusSeeds(f) {
		if _, err := k.Open(s); err == nil {
			sealed[s] = true
		}
	}
	if len(sealed) == 0 {
		f.Fatalf("no blob in %s opens under %s", corpusDir, fuzzKeyFile)
	}
	// No seed is sealed here: each fuzz worker is its own process and would seal a different
	// blob, which the others would then take for a forgery. The committed valid seeds are the
	// same in every process.
	f.Add(docExample)

	f.Fuzz(func(t *testing.T, blob string) {
		plaintext, err := k.Open(blob)
		if err == nil {
			if !sealed[blob] {
				t.Fatalf("a blob the tests did not seal opened (%d characters)", len(blob))
			}
			return
		}
		n := 0
		for _, s := range sentinels {
			if errors.Is(err, s) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("error wraps %d sentinels, want 1: %v", n, err)
		}
		if plaintext != nil {
			t.Fatal("Open returned plaintext along with an error")
		}
	})
}

// TestWriteFuzzCorpus rewrites the committed seed corpus (and makes testdata/fuzz-key.pem if it
// is missing) when BLOB_WRITE_FUZZ_CORPUS=1:
//
//	BLOB_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus ./mock/blob/
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("BLOB_WRITE_FUZZ_CORPUS") != "1" {
		t.Skip("set BLOB_WRITE_FUZZ_CORPUS=1 to rewrite " + corpusDir)
	}
	if _, err := os.Stat(fuzzKeyFile); os.IsNotExist(err) {
		k, err := GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		data := bytes.ReplaceAll(k.marshalPEM(), []byte("PRIVATE KEY"), []byte("TESTING KEY"))
		if err := os.WriteFile(fuzzKeyFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k := fuzzKey(t)
	_, other := testKeys(t)

	valid := seal(t, k, []byte("fuzz seed: demo-value: s3cr3t"))
	segs := segments(t, valid)
	kid := k.ID()
	seeds := map[string]string{
		"valid":                  valid,
		"valid-empty-plaintext":  seal(t, k, nil),
		"valid-two-blocks":       seal(t, k, []byte("0123456789abcdef0123456789abcdef")),
		"doc-example-truncated":  docExample,
		"empty":                  "",
		"prefix-only":            Prefix,
		"prefix-cut":             Prefix[:12],
		"bare-jwe":               strings.TrimPrefix(valid, Prefix),
		"three-segments":         assemble(segs[:3]...),
		"four-segments":          assemble(segs[:4]...),
		"six-segments":           valid + ".AAAA",
		"many-dots":              Prefix + strings.Repeat(".", 64),
		"padded-iv":              replace(t, valid, 2, segs[2]+"=="),
		"standard-base64":        replace(t, valid, 3, "+/"+segs[3][2:]),
		"crlf":                   replace(t, valid, 1, segs[1][:64]+"\r\n"+segs[1][64:]),
		"tag-cut":                valid[:len(valid)-1],
		"header-not-json":        withHeader(t, valid, "not json"),
		"header-zip":             withHeader(t, valid, `{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"`+kid+`","zip":"DEF"}`),
		"header-duplicate-alg":   withHeader(t, valid, `{"alg":"RSA1_5","alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"`+kid+`"}`),
		"alg-none":               withHeader(t, valid, `{"alg":"none","enc":"A128CBC-HS256","kid":"`+kid+`"}`),
		"alg-RSA1_5":             withHeader(t, valid, `{"alg":"RSA1_5","enc":"A128CBC-HS256","kid":"`+kid+`"}`),
		"enc-A256GCM":            withHeader(t, valid, `{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"`+kid+`"}`),
		"missing-kid":            withHeader(t, valid, `{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256"}`),
		"header-reordered":       withHeader(t, valid, `{"kid":"`+kid+`","enc":"A128CBC-HS256","alg":"RSA-OAEP-256"}`),
		"wrong-key":              seal(t, other, []byte("fuzz seed")),
		"kid-edited-to-this-key": withHeader(t, seal(t, other, []byte("fuzz seed")), `{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"`+kid+`"}`),
		"flipped-key":            flipBit(t, valid, 1, 9),
		"flipped-iv":             flipBit(t, valid, 2, 9),
		"flipped-ciphertext":     flipBit(t, valid, 3, 9),
		"flipped-tag":            flipBit(t, valid, 4, 9),
		"short-iv":               replace(t, valid, 2, b64("twelve bytes")),
	}
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	for _, file := range old {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range seeds {
		data := fmt.Sprintf("go test fuzz v1\nstring(%s)\n", strconv.Quote(s))
		if err := os.WriteFile(filepath.Join(corpusDir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
