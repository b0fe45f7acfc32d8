package blob

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
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

// update rewrites the seed corpus instead of checking it.
var update = flag.Bool("update", false, "rewrite testdata/fuzz seed corpora")

// sealedSeeds are the seeds that take a fresh seal: every other seed is made from them.
type sealedSeeds struct {
	valid, emptyPlaintext, twoBlocks string // under the fuzz key
	wrongKey, otherKey               string // under another key; otherKey's header is replaced
}

// Plaintexts of the valid seeds.
var (
	validPlaintext     = []byte("fuzz seed: demo-value: s3cr3t")
	twoBlocksPlaintext = []byte("0123456789abcdef0123456789abcdef")
)

// TestFuzzCorpus checks that the committed seed corpus of FuzzOpen is what fuzzSeeds makes of
// its sealed seeds, and that those open (or are refused) under the fuzz key as their names say.
// With -update it seals afresh and rewrites the corpus, making testdata/fuzz-key.pem if it is
// missing:
//
//	go test ./mock/blob/ -run TestFuzzCorpus -update
func TestFuzzCorpus(t *testing.T) {
	if *update {
		writeFuzzCorpus(t)
		return
	}
	k := fuzzKey(t)
	committed := corpusSeeds(t)
	sealed := sealedSeeds{
		valid: committed["valid"], emptyPlaintext: committed["valid-empty-plaintext"],
		twoBlocks: committed["valid-two-blocks"], wrongKey: committed["wrong-key"],
		otherKey: committed["kid-edited-to-this-key"],
	}
	for name, want := range map[string][]byte{"valid": validPlaintext, "valid-empty-plaintext": {}, "valid-two-blocks": twoBlocksPlaintext} {
		if got, err := k.Open(committed[name]); err != nil || !bytes.Equal(got, want) {
			t.Errorf("seed %s opens to %q (%v), want %q", name, got, err, want)
		}
	}
	_, err := k.Open(sealed.wrongKey)
	wantErr(t, err, errWrongKey)
	_, err = k.Open(sealed.otherKey)
	wantErr(t, err, errTampered)

	want := fuzzSeeds(t, k, sealed)
	for name, s := range want {
		if got, ok := committed[name]; !ok || got != s {
			t.Errorf("seed %s is not what fuzzSeeds makes (present: %v); run with -update", name, ok)
		}
	}
	for name := range committed {
		if _, ok := want[name]; !ok {
			t.Errorf("seed %s is not one fuzzSeeds makes; run with -update", name)
		}
	}
}

// writeFuzzCorpus seals the sealed seeds afresh and writes the corpus.
func writeFuzzCorpus(t *testing.T) {
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
	seeds := fuzzSeeds(t, k, sealedSeeds{
		valid: seal(t, k, validPlaintext), emptyPlaintext: seal(t, k, nil),
		twoBlocks: seal(t, k, twoBlocksPlaintext), wrongKey: seal(t, other, []byte("fuzz seed")),
		otherKey: seal(t, other, []byte("fuzz seed")),
	})
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

// fuzzSeeds are the seed corpus: the sealed seeds, and every kind of damage done to the valid one.
func fuzzSeeds(t *testing.T, k *Key, sealed sealedSeeds) map[string]string {
	valid := sealed.valid
	segs := segments(t, valid)
	kid := k.ID()
	return map[string]string{
		"valid":                  valid,
		"valid-empty-plaintext":  sealed.emptyPlaintext,
		"valid-two-blocks":       sealed.twoBlocks,
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
		"wrong-key":              sealed.wrongKey,
		"kid-edited-to-this-key": withHeader(t, sealed.otherKey, `{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"`+kid+`"}`),
		"flipped-key":            flipBit(t, valid, 1, 9),
		"flipped-iv":             flipBit(t, valid, 2, 9),
		"flipped-ciphertext":     flipBit(t, valid, 3, 9),
		"flipped-tag":            flipBit(t, valid, 4, 9),
		"short-iv":               replace(t, valid, 2, b64("twelve bytes")),
	}
}
