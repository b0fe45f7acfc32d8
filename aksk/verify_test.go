package aksk

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

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
		{name: "missing date", after: func(r *http.Request) { r.Header.Del(dateHeader) }, want: ErrNoDate},
		{name: "empty date", after: func(r *http.Request) { r.Header.Set(dateHeader, "") }, want: ErrNoDate},
		{name: "date not in basic format", after: func(r *http.Request) { r.Header.Set(dateHeader, "2025-06-07T08:09:10Z") }, want: ErrMalformed},
		{name: "date with offset", after: func(r *http.Request) { r.Header.Set(dateHeader, "20250607T080910+0000") }, want: ErrMalformed},
		{name: "two dates", after: func(r *http.Request) { r.Header.Add(dateHeader, "20250607T080910Z") }, want: ErrMalformed},
		{name: "changed date", after: func(r *http.Request) { r.Header.Set(dateHeader, "20250607T080911Z") }, want: ErrSignatureMismatch},
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
	a, err := parseAuthorization(req.Header.Get("Authorization"))
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

func TestParseAuthorizationMalformed(t *testing.T) {
	for _, h := range malformedAuthorizations {
		name := h
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			if a, err := parseAuthorization(h); !errors.Is(err, ErrMalformed) {
				t.Errorf("parseAuthorization = %+v, %v; want ErrMalformed", a, err)
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
	want := authorization{AccessKey: "AK", SignedHeaders: []string{"host", "x-sdk-date"}, Signature: sig}
	for _, h := range []string{
		"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=AK,SignedHeaders=host;x-sdk-date,Signature=" + sig,
		"SDK-HMAC-SHA256  \tSignature=" + sig + " ,  Access=AK , SignedHeaders=host;x-sdk-date  ",
	} {
		a, err := parseAuthorization(h)
		if err != nil {
			t.Errorf("parseAuthorization(%q): %v", h, err)
			continue
		}
		if a.AccessKey != want.AccessKey || a.Signature != want.Signature || !slices.Equal(a.SignedHeaders, want.SignedHeaders) {
			t.Errorf("parseAuthorization(%q) = %+v, want %+v", h, a, want)
		}
	}
	// The SDK repeats a name set under two spellings (signer.go extractSignedHeaders).
	if _, err := parseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-dup;x-dup;x-sdk-date, Signature=" + sig); err != nil {
		t.Errorf("repeated signed header: %v", err)
	}
	if got := want.String(); got != "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="+sig {
		t.Errorf("String() = %q", got)
	}
}

// TestVerifyOddRequests feeds hand-built requests a server would never
// produce; Verify must refuse them without panicking.
func TestVerifyOddRequests(t *testing.T) {
	now := time.Now()
	auth := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("a", 64)
	hdr := http.Header{"Authorization": {auth}, "X-Sdk-Date": {now.UTC().Format(dateFormat)}}
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
			"Authorization": {auth}, "X-Sdk-Date": {now.UTC().Format(dateFormat) + strings.Repeat(" ", 1<<20)},
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
	req.Header.Set(dateHeader, now.UTC().Format(dateFormat))
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

// headerValues looks the signed names up by a table of their canonical forms; each must be
// what net/http's canonicalisation gives.
func TestSignedHeaderNamesAreCanonical(t *testing.T) {
	for lower, canonical := range signedHeaderNames {
		if got := textproto.CanonicalMIMEHeaderKey(lower); got != canonical || strings.ToLower(canonical) != lower {
			t.Errorf("%q: table %q, canonical %q", lower, canonical, got)
		}
	}
}
