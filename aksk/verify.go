package aksk

import (
	"bytes"
	"crypto/hmac"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Verify checks req's signature. lookup returns the SK for an AK. It returns the AK on success.
//
// It reads req.Method, req.URL (EscapedPath and RawQuery), req.Host (for a
// signed "host"; req.URL.Host if empty), req.Header and, unless
// X-Sdk-Content-Sha256 is UNSIGNED-PAYLOAD, the whole of req.Body, which it
// replaces with an equivalent reader for later handlers. Bound the body
// first (http.MaxBytesReader): a body read error is returned wrapped as is,
// not as one of the sentinels. Structural checks and the clock come before
// lookup, so unauthenticated garbage never reaches the key store; an empty SK
// from lookup counts as unknown, as the SDK refuses to sign with one.
func Verify(req *http.Request, lookup func(ak string) (sk string, ok bool), now time.Time) (ak string, err error) {
	if req == nil || req.URL == nil {
		return "", fmt.Errorf("%w: nil request or URL", ErrMalformed)
	}
	a, err := authorizationOf(req)
	if err != nil {
		return "", err
	}
	date, err := checkDate(req, now)
	if err != nil {
		return "", err
	}
	for _, h := range a.SignedHeaders {
		if !hasHeader(req, h) {
			return "", fmt.Errorf("%w: signed header %q is not in the request", ErrMalformed, h)
		}
	}

	prefix, err := canonicalPrefix(req, a.SignedHeaders)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}

	var sk string
	ok := false
	if lookup != nil {
		sk, ok = lookup(a.AccessKey)
	}
	if !ok || sk == "" {
		return "", fmt.Errorf("%w: %q", ErrUnknownAccessKey, a.AccessKey)
	}

	hash, err := verifyPayloadHash(req)
	if err != nil {
		return "", err
	}
	want, crHash := signatureOf(sk, date, prefix, hash)
	if !hmac.Equal(want[:], []byte(a.Signature)) {
		// The canonical request hash is what the client signed under the
		// date; it lets a client compare notes without revealing anything
		// keyed by the SK.
		return "", fmt.Errorf("%w: access key %q, canonical request sha256 %s", ErrSignatureMismatch, a.AccessKey, crHash[:])
	}
	return a.AccessKey, nil
}

// authorizationOf parses req's one Authorization header and checks that its
// signed headers could have come from a signer.
func authorizationOf(req *http.Request) (authorization, error) {
	authz := req.Header.Values(authorizationHeader)
	switch len(authz) {
	case 0:
		return authorization{}, fmt.Errorf("%w: missing Authorization header", ErrMalformed)
	case 1:
	default:
		return authorization{}, fmt.Errorf("%w: %d Authorization headers", ErrMalformed, len(authz))
	}
	a, err := parseAuthorization(authz[0])
	if err != nil {
		return authorization{}, err
	}
	// The SDK always signs its date header (signer.go Sign puts it in the
	// header map before extractSignedHeaders) and never Authorization, which
	// it only adds afterwards; anything else did not come from a signer.
	if _, found := slices.BinarySearch(a.SignedHeaders, dateHeaderLower); !found {
		return authorization{}, fmt.Errorf("%w: SignedHeaders does not include %s", ErrMalformed, dateHeaderLower)
	}
	if _, found := slices.BinarySearch(a.SignedHeaders, "authorization"); found {
		return authorization{}, fmt.Errorf("%w: SignedHeaders includes authorization", ErrMalformed)
	}
	return a, nil
}

// checkDate returns the X-Sdk-Date value once it is well-formed (dateOf) and
// within MaxClockSkew of now.
func checkDate(req *http.Request, now time.Time) (string, error) {
	v, t, err := dateOf(req)
	if err != nil {
		return "", err
	}
	if skew := now.Sub(t); skew > MaxClockSkew || skew < -MaxClockSkew {
		return "", fmt.Errorf("%w: %s %s is %s from server time %s", ErrClockSkew, dateHeader, v,
			skew.Abs().Truncate(time.Second), now.UTC().Format(dateFormat))
	}
	return v, nil
}

// dateOf returns the X-Sdk-Date value and its time once it is present, unique
// and in dateFormat exactly (what the SDK writes, signer.go Sign).
func dateOf(req *http.Request) (string, time.Time, error) {
	vals := req.Header.Values(dateHeader)
	if len(vals) == 0 || (len(vals) == 1 && vals[0] == "") {
		return "", time.Time{}, ErrNoDate
	}
	if len(vals) > 1 {
		// Which one was signed is unknowable; refuse rather than guess.
		return "", time.Time{}, fmt.Errorf("%w: %d %s headers", ErrMalformed, len(vals), dateHeader)
	}
	t, ok := parseDate(vals[0])
	if !ok {
		return "", time.Time{}, fmt.Errorf("%w: %s is not in %s format", ErrMalformed, dateHeader, dateFormat)
	}
	return vals[0], t, nil
}

// parseDate reads a date in dateFormat exactly as the SDK writes it: the string to sign uses
// the header verbatim, so only the canonical spelling is taken (time.Parse would also take
// one-digit hours, say). It is what time.Parse followed by a check that Format gives the
// value back would accept, without either's cost on every signed request.
func parseDate(v string) (time.Time, bool) {
	if len(v) != len(dateFormat) || v[8] != 'T' || v[15] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := v[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(4, 6), num(6, 8)
	hour, minute, sec := num(9, 11), num(11, 13), num(13, 15)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 31 April, 29 February of a common year: time.Date rolls over
		return time.Time{}, false
	}
	return t, true
}

// verifyPayloadHash returns the payload hash Verify puts in the canonical request.
//
// The SDK uses an X-Sdk-Content-Sha256 value verbatim instead of hashing
// (signer.go getContentHash) and only ever sends UNSIGNED-PAYLOAD there. Any
// other value is a claim about the body; it is checked against the body so a
// signed hash cannot vouch for a body it does not describe.
func verifyPayloadHash(req *http.Request) (string, error) {
	claimed, present, err := contentSHA256(req)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if present && claimed == UnsignedPayload {
		return claimed, nil
	}
	body, err := readAndRestore(req)
	if err != nil {
		return "", fmt.Errorf("aksk: reading body: %w", err)
	}
	actual := emptyHash
	if len(body) > 0 {
		actual = hashHex(body)
	}
	if present {
		if !strings.EqualFold(claimed, actual) {
			return "", fmt.Errorf("%w: body does not match %s", ErrSignatureMismatch, ContentSHA256Header)
		}
		return claimed, nil
	}
	return actual, nil
}

// readAndRestore reads req.Body fully and puts an equivalent reader back. On
// a read error the bytes already read are put back in front of the rest, so
// a later reader sees the same stream (and the same error).
func readAndRestore(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	orig := req.Body
	body, err := io.ReadAll(orig)
	if err != nil {
		req.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), orig), orig}
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// contentSHA256 returns the trimmed X-Sdk-Content-Sha256 value and whether it is present.
func contentSHA256(req *http.Request) (string, bool, error) {
	vals := req.Header.Values(ContentSHA256Header)
	switch len(vals) {
	case 0:
		return "", false, nil
	case 1:
		// The transport and the server's header parser trim blanks, so
		// trimming here gives the same value on both sides.
		return strings.TrimSpace(vals[0]), true, nil
	default:
		return "", false, fmt.Errorf("%d %s headers", len(vals), ContentSHA256Header)
	}
}

// hasHeader reports whether the lower-case header name h has a value on req.
func hasHeader(req *http.Request, h string) bool {
	if h == "host" {
		return hostOf(req) != ""
	}
	return len(headerValues(req, h)) > 0
}
