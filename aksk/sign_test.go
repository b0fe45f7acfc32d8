package aksk

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

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
			if got := req.Header.Get(dateHeader); got != "20250304T050607Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
			a, err := parseAuthorization(req.Header.Get("Authorization"))
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
