package aksk

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Keys of the SDK's own signer tests (signer_test.go).
const (
	testAK = "AccessKey"
	testSK = "SecretKey"
)

// Keys of the vendor documentation example.
const (
	docAK = "QTWAOYTTINDUT2QVKYUC"
	docSK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
)

// Keys testdata/sdkgen signed testdata/sdk/*.http with.
const (
	sdkgenAK = "HPUAXXXXXXXXXXXXXXXX"
	sdkgenSK = "sdkgen-secret-key-0123456789abcdefghijkl"
)

var testKeys = map[string]string{testAK: testSK, docAK: docSK, sdkgenAK: sdkgenSK}

func lookupTest(ak string) (string, bool) {
	sk, ok := testKeys[ak]
	return sk, ok
}

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(DateFormat, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readBody(t testing.TB, req *http.Request) string {
	t.Helper()
	if req.Body == nil {
		return ""
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatalf("reading body again: %v", err)
	}
	return string(b)
}

// overWire sends a client request through its HTTP/1.1 serialization and
// parses it back as a server would see it.
func overWire(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("writing request: %v", err)
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("reading request back: %v\n%s", err, buf.Bytes())
	}
	return sreq
}

type goldenVector struct {
	name    string
	method  string
	target  string
	headers [][2]string
	body    string
	ak, sk  string
	signed  []string
	date    string
	wantCR  string
	wantSig string
}

var goldenVectors = []goldenVector{
	{
		name:   "vendor doc example",
		method: "GET",
		target: "http://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		headers: [][2]string{
			{"Content-Type", "application/json"},
			{"X-Sdk-Date", "20191115T033655Z"},
		},
		ak: docAK, sk: docSK,
		signed: []string{"content-type", "host", "x-sdk-date"},
		date:   "20191115T033655Z",
		wantCR: "GET\n" +
			"/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n" +
			"limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
			"content-type:application/json\n" +
			"host:service.region.example.com\n" +
			"x-sdk-date:20191115T033655Z\n" +
			"\n" +
			"content-type;host;x-sdk-date\n" +
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		wantSig: "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
	},
	{
		// signer_test.go testParam1: the underscore header is sent but never signed.
		name:   "SDK test GET",
		method: "GET",
		target: "https://example.huaweicloud.com/path?limit=1",
		headers: [][2]string{
			{"X-Sdk-Date", "20060102T150405Z"},
			{"TEST_UNDERSCORE", "TEST_VALUE"},
		},
		ak: testAK, sk: testSK,
		signed: []string{"x-sdk-date"},
		date:   "20060102T150405Z",
		wantCR: "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		wantSig: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
	},
	{
		// signer_test.go testParam2: json.Encoder output, so the body ends in "\n".
		name:   "SDK test POST",
		method: "POST",
		target: "https://example.huaweicloud.com/path?key=value",
		headers: [][2]string{
			{"X-Sdk-Date", "20060102T150405Z"},
			{"TEST_UNDERSCORE", "TEST_VALUE"},
			{"Content-Type", "application/json"},
		},
		body: "{\"Name\":\"test\",\"Id\":1}\n",
		ak:   testAK, sk: testSK,
		signed: []string{"x-sdk-date"},
		date:   "20060102T150405Z",
		wantCR: "POST\n/path/\nkey=value\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
			hashHex([]byte("{\"Name\":\"test\",\"Id\":1}\n")),
		wantSig: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
	},
}

func (v goldenVector) request(t testing.TB) *http.Request {
	t.Helper()
	var body io.Reader
	if v.body != "" {
		body = strings.NewReader(v.body)
	}
	req := httptest.NewRequest(v.method, v.target, body)
	for _, h := range v.headers {
		req.Header.Add(h[0], h[1])
	}
	return req
}

func (v goldenVector) authorization() string {
	return Authorization{AccessKey: v.ak, SignedHeaders: v.signed, Signature: v.wantSig}.String()
}

func TestGoldenVectors(t *testing.T) {
	for _, v := range goldenVectors {
		t.Run(v.name, func(t *testing.T) {
			req := v.request(t)
			cr, err := canonicalRequest(req, v.signed, hashHex([]byte(v.body)))
			if err != nil {
				t.Fatal(err)
			}
			if cr != v.wantCR {
				t.Errorf("canonical request\n got %q\nwant %q", cr, v.wantCR)
			}
			if got := signature(v.sk, stringToSign(v.date, cr)); got != v.wantSig {
				t.Errorf("signature = %s, want %s", got, v.wantSig)
			}

			// Sign at the vector's time produces the vector's header.
			sreq := v.request(t)
			if err := Sign(sreq, v.ak, v.sk, mustDate(t, v.date), v.signed...); err != nil {
				t.Fatal(err)
			}
			if got, want := sreq.Header.Get("Authorization"), v.authorization(); got != want {
				t.Errorf("Sign Authorization\n got %s\nwant %s", got, want)
			}

			// Verify accepts the vector as published, and leaves the body readable.
			vreq := v.request(t)
			vreq.Header.Set("Authorization", v.authorization())
			ak, err := Verify(vreq, lookupTest, mustDate(t, v.date))
			if err != nil || ak != v.ak {
				t.Fatalf("Verify = %q, %v; want %q, nil", ak, err, v.ak)
			}
			if got := readBody(t, vreq); got != v.body {
				t.Errorf("body after Verify = %q, want %q", got, v.body)
			}
		})
	}
}

// TestSDKCaptures replays requests the real SDK sent (see testdata/sdkgen).
func TestSDKCaptures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "sdk", "*.http"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			load := func() *http.Request {
				req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
				if err != nil {
					t.Fatal(err)
				}
				return req
			}
			req := load()
			now := mustDate(t, req.Header.Get(DateHeader))
			_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			ak, err := Verify(req, lookupTest, now)
			if err != nil || ak != sdkgenAK {
				t.Fatalf("Verify = %q, %v", ak, err)
			}
			if got := readBody(t, req); got != string(body) {
				t.Errorf("body after Verify = %q, want %q", got, body)
			}

			// Any change to the signed parts must be caught.
			req = load()
			req.URL.RawQuery += "&extra=1"
			if _, err := Verify(req, lookupTest, now); !errors.Is(err, ErrSignatureMismatch) {
				t.Errorf("tampered query: err = %v, want ErrSignatureMismatch", err)
			}
		})
	}
}

type roundTripCase struct {
	name    string
	method  string
	url     string
	body    string
	headers [][2]string
	signed  []string
	wantCR  string // optional: canonical URI and query lines only
}

var roundTripCases = []roundTripCase{
	{
		name: "GET no query", method: "GET", url: "https://csms.example.com/v1/p/secrets",
		wantCR: "/v1/p/secrets/\n",
	},
	{
		name: "GET repeated keys and escapes", method: "GET",
		url:    "https://csms.example.com/v1/p/secrets?b=2&a=z&a=y&a=a%20b&q=%E4%B8%80+(%26%3D%3F!%23%25.*)&empty=&bare&tilde=~_-.",
		wantCR: "/v1/p/secrets/\na=a%20b&a=y&a=z&b=2&bare=&empty=&q=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29&tilde=~_-.",
	},
	{
		// The SDK sorts raw values, then escapes: "a_" before "a}" although "%7D" < "_".
		name: "values sorted before escaping", method: "GET", url: "https://h/x?v=a%7D&v=a_",
		wantCR: "/x/\nv=a_&v=a%7D",
	},
	{
		name: "path needing escapes", method: "GET", url: "https://h/v1/p/secrets/odd%20name+%C3%A9!*'()",
		wantCR: "/v1/p/secrets/odd%20name%2B%C3%A9%21%2A%27%28%29/\n",
	},
	{
		name: "encoded slash stays in its segment", method: "DELETE", url: "https://h/v1/p/secrets/a%2Fb",
		wantCR: "/v1/p/secrets/a%2Fb/\n",
	},
	{
		name: "literal percent", method: "GET", url: "https://h/v1/p/secrets/a%252Fb",
		wantCR: "/v1/p/secrets/a%252Fb/\n",
	},
	{
		name: "trailing slash kept single", method: "GET", url: "https://h/v1/p/secrets/",
		wantCR: "/v1/p/secrets/\n",
	},
	{name: "root", method: "GET", url: "https://h", wantCR: "/\n"},
	{
		name: "POST JSON body", method: "POST", url: "https://h/v1/p/secrets",
		body:    "{\"name\":\"db\",\"secret_string\":\"p@ss\"}\n",
		headers: [][2]string{{"Content-Type", "application/json"}, {"X-Project-Id", "p"}, {"User-Agent", "huaweicloud-usdk-go/3.0"}},
		signed:  []string{"user-agent", "x-project-id"},
	},
	{
		name: "PUT binary body, host and content-type signed", method: "PUT", url: "https://h:8443/v1/p/blob?x=1",
		body:    "\x00\x01\xff binary \r\n",
		headers: [][2]string{{"Content-Type", "application/octet-stream"}},
		signed:  []string{"Host", "Content-Type"},
	},
	{
		name: "multi-valued and padded headers", method: "GET", url: "https://h/x",
		headers: [][2]string{{"X-Multi", "b"}, {"X-Multi", "a"}, {"X-Pad", "  padded\t"}, {"X-Empty", ""}},
		signed:  []string{"x-multi", "x-pad", "x-empty", "x-multi"},
	},
	{
		name: "non-ASCII header value", method: "PATCH", url: "https://h/x",
		headers: [][2]string{{"X-Name", "dépôt 秘密"}}, signed: []string{"x-name"},
		body: "x",
	},
}

func (c roundTripCase) request(t testing.TB) *http.Request {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.headers {
		req.Header.Add(h[0], h[1])
	}
	return req
}

func TestSignVerifyRoundTrip(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, c := range roundTripCases {
		t.Run(c.name, func(t *testing.T) {
			req := c.request(t)
			if err := Sign(req, testAK, testSK, now, c.signed...); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get(DateHeader); got != "20250304T050607Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
			a, err := ParseAuthorization(req.Header.Get("Authorization"))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(a.SignedHeaders, "x-sdk-date") || !slices.IsSorted(a.SignedHeaders) {
				t.Errorf("SignedHeaders = %v", a.SignedHeaders)
			}
			if c.wantCR != "" {
				cr, err := canonicalRequest(req, a.SignedHeaders, "")
				if err != nil {
					t.Fatal(err)
				}
				if lines := strings.SplitN(cr, "\n", 4); lines[1]+"\n"+lines[2] != c.wantCR {
					t.Errorf("canonical URI and query = %q, want %q", lines[1]+"\n"+lines[2], c.wantCR)
				}
			}
			// Sign left the body in place for the transport.
			if req.GetBody != nil {
				rc, _ := req.GetBody()
				if b, _ := io.ReadAll(rc); string(b) != c.body {
					t.Errorf("GetBody = %q, want %q", b, c.body)
				}
			}

			sreq := overWire(t, req)
			for _, skew := range []time.Duration{0, MaxClockSkew, -MaxClockSkew} {
				ak, err := Verify(sreq, lookupTest, now.Add(skew))
				if err != nil || ak != testAK {
					t.Fatalf("Verify(skew %v) = %q, %v", skew, ak, err)
				}
			}
			if got := readBody(t, sreq); got != c.body {
				t.Errorf("body after Verify = %q, want %q", got, c.body)
			}
			if got := sreq.Header.Values("X-Multi"); got != nil && !slices.Equal(got, []string{"b", "a"}) {
				t.Errorf("Verify reordered header values: %v", got)
			}
		})
	}
}

// TestVerifyOverHTTP runs Verify in a real server behind http.MaxBytesReader.
func TestVerifyOverHTTP(t *testing.T) {
	now := time.Now()
	type result struct {
		ak, body string
		err      error
	}
	results := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64)
		ak, err := Verify(r, lookupTest, now)
		b, _ := io.ReadAll(r.Body)
		results <- result{ak, string(b), err}
	}))
	defer srv.Close()

	send := func(body string) result {
		t.Helper()
		req, err := http.NewRequest("POST", srv.URL+"/v1/p/secrets?limit=5", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Project-Id", "p")
		if err := Sign(req, testAK, testSK, now, "x-project-id", "host"); err != nil {
			t.Fatal(err)
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		return <-results
	}

	if got := send(`{"name":"x"}` + "\n"); got.err != nil || got.ak != testAK || got.body != `{"name":"x"}`+"\n" {
		t.Errorf("Verify = %q, %v; body %q", got.ak, got.err, got.body)
	}

	got := send(strings.Repeat("x", 100))
	var tooBig *http.MaxBytesError
	if !errors.As(got.err, &tooBig) {
		t.Errorf("oversized body: err = %v, want *http.MaxBytesError", got.err)
	}
	for _, s := range []error{ErrMalformed, ErrNoDate, ErrClockSkew, ErrUnknownAccessKey, ErrSignatureMismatch} {
		if errors.Is(got.err, s) {
			t.Errorf("oversized body: err %v must not be %v", got.err, s)
		}
	}
	if len(got.body) != 64 {
		t.Errorf("after a read error later readers see %d bytes, want the 64 allowed", len(got.body))
	}
}

func TestUnsignedPayload(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	signed := func() *http.Request {
		req, _ := http.NewRequest("PUT", "https://h/v1/p/blob", strings.NewReader("streamed content"))
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set(ContentSHA256Header, UnsignedPayload)
		if err := Sign(req, testAK, testSK, now, ContentSHA256Header); err != nil {
			t.Fatal(err)
		}
		return overWire(t, req)
	}
	if _, err := Verify(signed(), lookupTest, now); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	// The body is outside the signature, and Verify does not even read it.
	sreq := signed()
	sreq.Body = io.NopCloser(iotestErrReader{})
	if _, err := Verify(sreq, lookupTest, now); err != nil {
		t.Fatalf("Verify with an unreadable unsigned body: %v", err)
	}

	// Turning it back into a signed payload breaks the request.
	sreq = signed()
	sreq.Header.Del(ContentSHA256Header)
	if _, err := Verify(sreq, lookupTest, now); !errors.Is(err, ErrMalformed) {
		t.Errorf("removed signed %s: err = %v, want ErrMalformed", ContentSHA256Header, err)
	}
	sreq = signed()
	sreq.Header.Set(ContentSHA256Header, hashHex([]byte("streamed content")))
	if _, err := Verify(sreq, lookupTest, now); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("replaced %s: err = %v, want ErrSignatureMismatch", ContentSHA256Header, err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("body must not be read") }

// signedBase returns a freshly signed server-side request and its signing time.
func signedBase(t testing.TB, mutateBeforeSign func(*http.Request)) (*http.Request, time.Time) {
	t.Helper()
	now := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	req, err := http.NewRequest("POST", "https://csms.example.com/v1/p/secrets/db/versions?limit=2&marker=m", strings.NewReader(`{"secret_string":"s"}`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Project-Id", "p")
	req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	if mutateBeforeSign != nil {
		mutateBeforeSign(req)
	}
	if err := Sign(req, testAK, testSK, now, "user-agent", "x-project-id"); err != nil {
		t.Fatal(err)
	}
	return overWire(t, req), now
}

func TestVerifyRefuses(t *testing.T) {
	cases := []struct {
		name   string
		before func(*http.Request) // before signing
		after  func(*http.Request) // after signing, on the server-side request
		now    time.Duration       // server clock relative to signing time
		lookup func(string) (string, bool)
		want   error
	}{
		{name: "wrong SK", lookup: func(string) (string, bool) { return "not" + testSK, true }, want: ErrSignatureMismatch},
		{name: "unknown AK", lookup: func(string) (string, bool) { return "", false }, want: ErrUnknownAccessKey},
		{name: "empty SK from lookup", lookup: func(string) (string, bool) { return "", true }, want: ErrUnknownAccessKey},
		{name: "nil lookup", lookup: nil, want: ErrUnknownAccessKey},
		{name: "tampered method", after: func(r *http.Request) { r.Method = "PUT" }, want: ErrSignatureMismatch},
		{name: "tampered path", after: func(r *http.Request) { r.URL.Path = "/v1/p/secrets/other/versions" }, want: ErrSignatureMismatch},
		{name: "trailing slash is the same path", after: func(r *http.Request) { r.URL.Path += "/" }, want: nil},
		{name: "tampered query value", after: func(r *http.Request) { r.URL.RawQuery = "limit=3&marker=m" }, want: ErrSignatureMismatch},
		{name: "added query key", after: func(r *http.Request) { r.URL.RawQuery += "&x=1" }, want: ErrSignatureMismatch},
		{name: "repeated query key", after: func(r *http.Request) { r.URL.RawQuery += "&limit=2" }, want: ErrSignatureMismatch},
		{name: "query order is irrelevant", after: func(r *http.Request) { r.URL.RawQuery = "marker=m&limit=2" }, want: nil},
		{name: "tampered signed header", after: func(r *http.Request) { r.Header.Set("X-Project-Id", "q") }, want: ErrSignatureMismatch},
		{name: "extra value on signed header", after: func(r *http.Request) { r.Header.Add("X-Project-Id", "q") }, want: ErrSignatureMismatch},
		{name: "unsigned header may change", after: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, want: nil},
		{name: "removed signed header", after: func(r *http.Request) { r.Header.Del("User-Agent") }, want: ErrMalformed},
		{name: "tampered body", after: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"secret_string":"t"}` + "\n")) }, want: ErrSignatureMismatch},
		{name: "emptied body", after: func(r *http.Request) { r.Body = http.NoBody }, want: ErrSignatureMismatch},
		{
			name:  "body hash replaced by UNSIGNED-PAYLOAD",
			after: func(r *http.Request) { r.Header.Set(ContentSHA256Header, UnsignedPayload) },
			want:  ErrSignatureMismatch,
		},
		{
			name:  "body hash replaced by the hash of another body",
			after: func(r *http.Request) { r.Header.Set(ContentSHA256Header, hashHex([]byte("other"))) },
			want:  ErrSignatureMismatch,
		},
		{
			name: "signed content hash, body swapped",
			before: func(r *http.Request) {
				r.Header.Set(ContentSHA256Header, hashHex([]byte(`{"secret_string":"s"}`+"\n")))
			},
			after: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader("other")) },
			want:  ErrSignatureMismatch,
		},
		{
			name: "signed content hash, body intact",
			before: func(r *http.Request) {
				r.Header.Set(ContentSHA256Header, hashHex([]byte(`{"secret_string":"s"}`+"\n")))
			},
			want: nil,
		},
		{name: "two content hash headers", after: func(r *http.Request) {
			r.Header.Add(ContentSHA256Header, UnsignedPayload)
			r.Header.Add(ContentSHA256Header, UnsignedPayload)
		}, want: ErrMalformed},
		{name: "date 16 minutes in the past", now: 16 * time.Minute, want: ErrClockSkew},
		{name: "date 16 minutes in the future", now: -16 * time.Minute, want: ErrClockSkew},
		{name: "date 15 minutes in the past", now: 15 * time.Minute, want: nil},
		{name: "date 15 minutes in the future", now: -15 * time.Minute, want: nil},
		{name: "missing date", after: func(r *http.Request) { r.Header.Del(DateHeader) }, want: ErrNoDate},
		{name: "empty date", after: func(r *http.Request) { r.Header.Set(DateHeader, "") }, want: ErrNoDate},
		{name: "date not in basic format", after: func(r *http.Request) { r.Header.Set(DateHeader, "2025-06-07T08:09:10Z") }, want: ErrMalformed},
		{name: "date with offset", after: func(r *http.Request) { r.Header.Set(DateHeader, "20250607T080910+0000") }, want: ErrMalformed},
		{name: "two dates", after: func(r *http.Request) { r.Header.Add(DateHeader, "20250607T080910Z") }, want: ErrMalformed},
		{name: "changed date", after: func(r *http.Request) { r.Header.Set(DateHeader, "20250607T080911Z") }, want: ErrSignatureMismatch},
		{name: "missing Authorization", after: func(r *http.Request) { r.Header.Del("Authorization") }, want: ErrMalformed},
		{name: "two Authorization headers", after: func(r *http.Request) { r.Header.Add("Authorization", r.Header.Get("Authorization")) }, want: ErrMalformed},
		{name: "flipped signature digit", after: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			flip := byte('0')
			if last == '0' {
				flip = '1'
			}
			r.Header.Set("Authorization", h[:len(h)-1]+string(flip))
		}, want: ErrSignatureMismatch},
		{name: "signed header dropped from list", after: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "user-agent;", "", 1))
		}, want: ErrSignatureMismatch},
		{name: "x-sdk-date dropped from list", after: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-sdk-date", "", 1))
		}, want: ErrMalformed},
		{name: "authorization in list", after: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "user-agent;", "authorization;user-agent;", 1))
		}, want: ErrMalformed},
		{name: "unsigned header added to list", after: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "user-agent;", "content-type;user-agent;", 1))
		}, want: ErrSignatureMismatch},
		{name: "host signed but absent", after: func(r *http.Request) {
			r.Host = ""
			r.URL.Host = ""
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "user-agent;", "host;user-agent;", 1))
		}, want: ErrMalformed},
		{name: "query with semicolon", after: func(r *http.Request) { r.URL.RawQuery = "limit=2;marker=m" }, want: ErrMalformed},
		{name: "query with bad escape", after: func(r *http.Request) { r.URL.RawQuery = "limit=%zz" }, want: ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, signedAt := signedBase(t, c.before)
			origBody := ""
			if c.after != nil {
				c.after(req)
			}
			if req.Body != nil {
				b, _ := io.ReadAll(req.Body)
				origBody = string(b)
				req.Body = io.NopCloser(strings.NewReader(origBody))
			}
			lookup := lookupTest
			if c.name == "nil lookup" || c.lookup != nil {
				lookup = c.lookup
			}
			ak, err := Verify(req, lookup, signedAt.Add(c.now))
			if c.want == nil {
				if err != nil || ak != testAK {
					t.Fatalf("Verify = %q, %v; want accepted", ak, err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify err = %v, want %v", err, c.want)
			}
			if ak != "" {
				t.Errorf("Verify returned AK %q with an error", ak)
			}
			if strings.Contains(err.Error(), testSK) {
				t.Errorf("error text contains the SK: %v", err)
			}
			if got := readBody(t, req); got != origBody {
				t.Errorf("body after refusal = %q, want %q", got, origBody)
			}
		})
	}
}

// TestErrorsHideExpectedSignature checks a mismatch never tells the caller
// what the right signature would have been.
func TestErrorsHideExpectedSignature(t *testing.T) {
	req, now := signedBase(t, nil)
	a, err := ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	good := a.Signature
	a.Signature = strings.Repeat("0", 64)
	req.Header.Set("Authorization", a.String())
	_, err = Verify(req, lookupTest, now)
	if !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, good) || strings.Contains(msg, testSK) {
		t.Errorf("error leaks a secret: %s", msg)
	}
}

var malformedAuthorizations = []string{
	"",
	"SDK-HMAC-SHA256",
	"SDK-HMAC-SHA256 ",
	"Bearer eyJhbGciOi",
	"V11-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"sdk-hmac-sha256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date",
	"SDK-HMAC-SHA256 Access=AccessKey, Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64) + ", Extra=1",
	"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 63),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 65),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("A", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("g", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date;host, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=X-Sdk-Date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;;x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x sdk date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64) + ",",
	"SDK-HMAC-SHA256 Access=AccessKey SignedHeaders=x-sdk-date Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=Accèss, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=" + strings.Repeat("A", 129) + ", SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=Access\x00Key, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64),
	"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64) + strings.Repeat(" ", 1<<16) + "x",
}

func TestParseAuthorizationMalformed(t *testing.T) {
	for _, h := range malformedAuthorizations {
		name := h
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			if a, err := ParseAuthorization(h); !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseAuthorization = %+v, %v; want ErrMalformed", a, err)
			}
			// Verify says the same about a request that is otherwise fine.
			req, now := signedBase(t, nil)
			req.Header.Set("Authorization", h)
			if _, err := Verify(req, lookupTest, now); !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	sig := strings.Repeat("0a", 32)
	want := Authorization{AccessKey: "AK", SignedHeaders: []string{"host", "x-sdk-date"}, Signature: sig}
	for _, h := range []string{
		"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=AK,SignedHeaders=host;x-sdk-date,Signature=" + sig,
		"SDK-HMAC-SHA256  \tSignature=" + sig + " ,  Access=AK , SignedHeaders=host;x-sdk-date  ",
	} {
		a, err := ParseAuthorization(h)
		if err != nil {
			t.Errorf("ParseAuthorization(%q): %v", h, err)
			continue
		}
		if a.AccessKey != want.AccessKey || a.Signature != want.Signature || !slices.Equal(a.SignedHeaders, want.SignedHeaders) {
			t.Errorf("ParseAuthorization(%q) = %+v, want %+v", h, a, want)
		}
	}
	// The SDK repeats a name set under two spellings (signer.go extractSignedHeaders).
	if _, err := ParseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-dup;x-dup;x-sdk-date, Signature=" + sig); err != nil {
		t.Errorf("repeated signed header: %v", err)
	}
	if got := want.String(); got != "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="+sig {
		t.Errorf("String() = %q", got)
	}
}

func TestSignErrors(t *testing.T) {
	now := time.Now()
	newReq := func() *http.Request {
		req, _ := http.NewRequest("GET", "https://h/x", nil)
		return req
	}
	cases := []struct {
		name    string
		req     *http.Request
		ak, sk  string
		headers []string
	}{
		{"nil request", nil, testAK, testSK, nil},
		{"nil URL", &http.Request{}, testAK, testSK, nil},
		{"empty AK", newReq(), "", testSK, nil},
		{"AK with comma", newReq(), "a,b", testSK, nil},
		{"empty SK", newReq(), testAK, "", nil},
		{"absent header", newReq(), testAK, testSK, []string{"x-project-id"}},
		{"bad header name", newReq(), testAK, testSK, []string{"x project"}},
		{"authorization", newReq(), testAK, testSK, []string{"Authorization"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Sign(c.req, c.ak, c.sk, now, c.headers...); err == nil {
				t.Error("Sign succeeded")
			} else if c.sk != "" && strings.Contains(err.Error(), c.sk) {
				t.Errorf("error contains the SK: %v", err)
			}
		})
	}

	// A request without a Header map still signs.
	req := &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "h", Path: "/x"}}
	if err := Sign(req, testAK, testSK, now); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(req, lookupTest, now); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyOddRequests feeds hand-built requests a server would never
// produce; Verify must refuse them without panicking.
func TestVerifyOddRequests(t *testing.T) {
	now := time.Now()
	auth := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64)
	hdr := http.Header{"Authorization": {auth}, "X-Sdk-Date": {now.UTC().Format(DateFormat)}}
	cases := []struct {
		name string
		req  *http.Request
		want error
	}{
		{"nil request", nil, ErrMalformed},
		{"nil URL", &http.Request{Header: hdr}, ErrMalformed},
		{"nil header", &http.Request{URL: &url.URL{Path: "/"}}, ErrMalformed},
		{"nil body, empty method", &http.Request{URL: &url.URL{Path: "/"}, Header: hdr}, ErrSignatureMismatch},
		{"raw path with bad escape", &http.Request{URL: &url.URL{Path: "/a%zz", RawPath: "/a%zz"}, Header: hdr}, ErrSignatureMismatch},
		{"opaque URL", &http.Request{URL: &url.URL{Opaque: "//h/x"}, Header: hdr}, ErrSignatureMismatch},
		{"huge header value", &http.Request{URL: &url.URL{Path: "/"}, Header: http.Header{
			"Authorization": {auth}, "X-Sdk-Date": {now.UTC().Format(DateFormat) + strings.Repeat(" ", 1<<20)},
		}}, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Verify(c.req, lookupTest, now); !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestCanonicalHeaderBound checks repeated names over a many-valued header
// cannot make Verify build an enormous canonical request.
func TestCanonicalHeaderBound(t *testing.T) {
	now := time.Now()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set(DateHeader, now.UTC().Format(DateFormat))
	for range 20000 {
		req.Header.Add("X-A", strings.Repeat("v", 20))
	}
	list := strings.TrimSuffix(strings.Repeat("x-a;", 20000), ";") + ";x-sdk-date"
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders="+list+", Signature="+strings.Repeat("a", 64))
	if _, err := Verify(req, lookupTest, now); !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	req, now := signedBase(b, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(req, lookupTest, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	now := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	req, _ := http.NewRequest("POST", "https://csms.example.com/v1/p/secrets/db/versions?limit=2&marker=m", strings.NewReader(`{"secret_string":"s"}`+"\n"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Project-Id", "p")
	req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	b.ReportAllocs()
	for b.Loop() {
		if err := Sign(req, testAK, testSK, now, "user-agent", "x-project-id"); err != nil {
			b.Fatal(err)
		}
	}
}
