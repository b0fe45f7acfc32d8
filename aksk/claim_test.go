package aksk

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadClaim(t *testing.T) {
	req, signedAt := signedBase(t, nil)
	if !Signed(req) {
		t.Fatal("Signed: false for a signed request")
	}
	c, err := ReadClaim(req)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"user-agent", "x-project-id", "x-sdk-date"}; !slices.Equal(c.SignedHeaders, want) {
		t.Errorf("SignedHeaders = %v, want %v", c.SignedHeaders, want)
	}
	if !c.Date.Equal(signedAt) {
		t.Errorf("Date = %v, want %v", c.Date, signedAt)
	}

	for name, tt := range map[string]struct {
		edit func(*http.Request)
		want error
	}{
		"no Authorization":  {func(r *http.Request) { r.Header.Del("Authorization") }, ErrMalformed},
		"two Authorization": {func(r *http.Request) { r.Header.Add("Authorization", r.Header.Get("Authorization")) }, ErrMalformed},
		"date not signed": {func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-sdk-date", "", 1))
		}, ErrMalformed},
		"no X-Sdk-Date":         {func(r *http.Request) { r.Header.Del("X-Sdk-Date") }, ErrNoDate},
		"X-Sdk-Date misshapen":  {func(r *http.Request) { r.Header.Set("X-Sdk-Date", "2025-06-07T08:09:10Z") }, ErrMalformed},
		"another scheme":        {func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }, ErrMalformed},
		"an old date is a date": {func(r *http.Request) { r.Header.Set("X-Sdk-Date", "19990101T000000Z") }, nil},
	} {
		r, _ := signedBase(t, nil)
		tt.edit(r)
		if _, err := ReadClaim(r); !errors.Is(err, tt.want) {
			t.Errorf("%s: ReadClaim error %v, want %v", name, err, tt.want)
		}
	}
	r, _ := signedBase(t, nil)
	r.Header.Set("Authorization", "Bearer x")
	if Signed(r) {
		t.Error("Signed: true for a bearer token")
	}
}

// A request Verify accepted at one host and signed again from its claim, for another host
// with host among the signed headers, is accepted there under the client's own date.
func TestSignAgainFromClaim(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	in, err := http.NewRequest("POST", "http://127.0.0.1:8081/v1/p/secrets?x=1", strings.NewReader(`{"name":"n"}`))
	if err != nil {
		t.Fatal(err)
	}
	in.Header.Set("Content-Type", "application/json")
	if err := Sign(in, testAK, testSK, now.Add(-time.Minute), "content-type", "host"); err != nil {
		t.Fatal(err)
	}
	in = overWire(t, in)
	lookup := func(ak string) (string, bool) { return testSK, ak == testAK }
	if _, err := Verify(in, lookup, now); err != nil {
		t.Fatal(err)
	}
	c, err := ReadClaim(in)
	if err != nil {
		t.Fatal(err)
	}
	out := in.Clone(in.Context())
	out.Host = "kms.cn-north-4.myhuaweicloud.com"
	if _, err := Verify(overWire(t, out), lookup, now); !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("forwarded as is: %v, want a mismatch (host is signed)", err)
	}
	if err := Sign(out, testAK, testSK, c.Date, c.SignedHeaders...); err != nil {
		t.Fatal(err)
	}
	if got, want := out.Header.Get("X-Sdk-Date"), in.Header.Get("X-Sdk-Date"); got != want {
		t.Errorf("X-Sdk-Date %s after signing again, want the client's %s", got, want)
	}
	if _, err := Verify(overWire(t, out), lookup, now); err != nil {
		t.Errorf("signed again for the new host: %v", err)
	}
}

func TestProblemNamesNoSecret(t *testing.T) {
	req, signedAt := signedBase(t, nil)
	_, err := Verify(req, func(string) (string, bool) { return "not" + testSK, true }, signedAt)
	if !errors.Is(err, ErrSignatureMismatch) || !strings.Contains(err.Error(), testAK) {
		t.Fatalf("Verify: %v; want a mismatch that names the AK (so that Problem's not naming it is tested)", err)
	}
	if p := Problem(err); p != "verify aksk signature fail" {
		t.Errorf("Problem = %q", p)
	}
	for _, e := range []error{ErrUnknownAccessKey, ErrNoDate, ErrClockSkew, ErrMalformed, err} {
		if p := Problem(e); strings.Contains(p, testAK) || strings.Contains(p, testSK) || p == "" {
			t.Errorf("Problem(%v) = %q", e, p)
		}
	}
}
