// Package aksk implements Huawei Cloud's AK/SK request signing scheme,
// SDK-HMAC-SHA256, on both sides of the wire: [Sign] signs an outgoing
// *http.Request the way the official Go SDK (huaweicloud-sdk-go-v3,
// core/auth/signer) does, and [Verify] checks an incoming one so that a mock
// server accepts exactly what that SDK sends.
//
// The scheme:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//	StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//	Signature        = hex(hmac_sha256(SK, StringToSign))
//	Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>
//
// PayloadHash is hex(sha256(body)), unless the request carries
// X-Sdk-Content-Sha256, whose value then stands in for it (the SDK sends
// UNSIGNED-PAYLOAD there for bodies that are neither JSON nor BSON).
//
// Errors returned by [Verify] wrap one of the sentinel errors (ErrMalformed,
// ErrNoDate, ErrClockSkew, ErrUnknownAccessKey, ErrSignatureMismatch) so a
// server can map them to responses with errors.Is. Error texts never contain
// a secret key or the expected signature.
package aksk

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Algorithm is the scheme name that prefixes the Authorization header and the string to sign.
const Algorithm = "SDK-HMAC-SHA256"

// DateHeader carries the signing time; it is part of the string to sign.
const DateHeader = "X-Sdk-Date"

// DateFormat is the layout of DateHeader: basic ISO 8601 in UTC.
const DateFormat = "20060102T150405Z"

// ContentSHA256Header, when present, replaces the body hash in the canonical request.
const ContentSHA256Header = "X-Sdk-Content-Sha256"

// UnsignedPayload is the ContentSHA256Header value that leaves the body out of the signature.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// MaxClockSkew is how far X-Sdk-Date may be from the verifier's clock, in either direction.
const MaxClockSkew = 15 * time.Minute

// authorizationHeader is the header Sign writes and Verify reads.
const authorizationHeader = "Authorization"

// dateHeaderLower is DateHeader as it appears in SignedHeaders.
const dateHeaderLower = "x-sdk-date"

// maxAccessKeyLen bounds the AK accepted from a request; real AKs are 20
// characters, and the bound keeps hostile input out of lookups and error texts.
const maxAccessKeyLen = 128

// maxCanonicalHeaderBytes bounds the canonical headers section. Without
// repeated names it cannot exceed the request's own header bytes (net/http
// servers allow 1 MiB by default), so only abusive input reaches it.
const maxCanonicalHeaderBytes = 8 << 20

// Sentinel errors; Verify wraps exactly one of them (or returns a body read error).
var (
	// ErrMalformed reports an Authorization header or request that cannot carry a valid signature.
	ErrMalformed = errors.New("aksk: malformed signed request")
	// ErrNoDate reports a request without an X-Sdk-Date header.
	ErrNoDate = errors.New("aksk: missing " + DateHeader + " header")
	// ErrClockSkew reports an X-Sdk-Date further than MaxClockSkew from the verifier's clock.
	ErrClockSkew = errors.New("aksk: " + DateHeader + " outside the allowed clock skew")
	// ErrUnknownAccessKey reports an access key the lookup function does not know.
	ErrUnknownAccessKey = errors.New("aksk: unknown access key")
	// ErrSignatureMismatch reports a well-formed request whose signature is wrong.
	ErrSignatureMismatch = errors.New("aksk: signature mismatch")
)

// Authorization is a parsed Authorization header.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// String formats a as the SDK does (signer.go authHeaderValue).
func (a Authorization) String() string {
	return Algorithm + " Access=" + a.AccessKey +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		", Signature=" + a.Signature
}

// ParseAuthorization parses an SDK-HMAC-SHA256 Authorization header value.
//
// The three parameters may come in any order with any amount of blank space
// around the commas, but each must appear exactly once. SignedHeaders must be
// lower-case header names in sorted order (the SDK lower-cases and sorts them,
// signer.go extractSignedHeaders); repeated names are allowed because the SDK
// emits them when a caller sets one header under two spellings. Signature
// must be 64 lower-case hex digits, as hex.EncodeToString produces.
func ParseAuthorization(header string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(header, Algorithm)
	if !ok {
		return a, fmt.Errorf("%w: Authorization scheme is not %s", ErrMalformed, Algorithm)
	}
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return a, fmt.Errorf("%w: no blank after %s", ErrMalformed, Algorithm)
	}
	var seenAccess, seenHeaders, seenSig bool
	for part := range strings.SplitSeq(rest, ",") {
		part = trimBlank(part)
		key, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			return Authorization{}, fmt.Errorf("%w: Authorization parameter is not key=value", ErrMalformed)
		}
		var seen *bool
		switch key {
		case "Access":
			seen = &seenAccess
			if err := checkAccessKey(val); err != nil {
				return Authorization{}, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			a.AccessKey = val
		case "SignedHeaders":
			seen = &seenHeaders
			hs, err := parseSignedHeaders(val)
			if err != nil {
				return Authorization{}, err
			}
			a.SignedHeaders = hs
		case "Signature":
			seen = &seenSig
			if !isLowerHex(val, sha256.Size*2) {
				return Authorization{}, fmt.Errorf("%w: Signature is not %d lower-case hex digits", ErrMalformed, sha256.Size*2)
			}
			a.Signature = val
		default:
			return Authorization{}, fmt.Errorf("%w: unknown Authorization parameter", ErrMalformed)
		}
		if *seen {
			return Authorization{}, fmt.Errorf("%w: repeated Authorization parameter %s", ErrMalformed, key)
		}
		*seen = true
	}
	if !seenAccess || !seenHeaders || !seenSig {
		return Authorization{}, fmt.Errorf("%w: Authorization needs Access, SignedHeaders and Signature", ErrMalformed)
	}
	return a, nil
}

// checkAccessKey rejects AKs that could not round-trip through the header
// (blanks, commas, control or non-ASCII bytes) or are absurdly long.
func checkAccessKey(ak string) error {
	if ak == "" || len(ak) > maxAccessKeyLen {
		return fmt.Errorf("access key must be 1 to %d characters", maxAccessKeyLen)
	}
	for i := 0; i < len(ak); i++ {
		if c := ak[i]; c <= ' ' || c >= 0x7f || c == ',' {
			return errors.New("access key has a blank, comma, control or non-ASCII character")
		}
	}
	return nil
}

// parseSignedHeaders splits and validates the SignedHeaders list.
func parseSignedHeaders(v string) ([]string, error) {
	hs := strings.Split(v, ";")
	for i, h := range hs {
		if !isLowerToken(h) {
			return nil, fmt.Errorf("%w: SignedHeaders entry %d is not a lower-case header name", ErrMalformed, i+1)
		}
		if i > 0 && hs[i-1] > h {
			return nil, fmt.Errorf("%w: SignedHeaders not sorted", ErrMalformed)
		}
	}
	return hs, nil
}

// Sign signs req in place: sets X-Sdk-Date from now (UTC) and the Authorization header, signing the
// named headers (lower-cased, sorted; x-sdk-date is always included). The body is read and restored.
//
// Like the SDK, Sign does not sign host or content-type unless asked to, and
// it uses an X-Sdk-Content-Sha256 header already on req instead of hashing the
// body (the body is then left untouched). "host" signs req.Host, or
// req.URL.Host when that is empty, since that is what the transport sends.
func Sign(req *http.Request, ak, sk string, now time.Time, signedHeaders ...string) error {
	if req == nil || req.URL == nil {
		return errors.New("aksk: Sign: nil request or URL")
	}
	if err := checkAccessKey(ak); err != nil {
		return fmt.Errorf("aksk: Sign: %w", err)
	}
	if sk == "" {
		return errors.New("aksk: Sign: empty secret key")
	}
	names := make([]string, 0, len(signedHeaders)+1)
	names = append(names, dateHeaderLower)
	for _, h := range signedHeaders {
		h = strings.ToLower(h)
		if !isLowerToken(h) {
			return fmt.Errorf("aksk: Sign: %q is not a header name", h)
		}
		if h == "authorization" {
			return errors.New("aksk: Sign: cannot sign the Authorization header itself")
		}
		names = append(names, h)
	}
	slices.Sort(names)
	names = slices.Compact(names)

	if req.Header == nil {
		req.Header = make(http.Header)
	}
	date := now.UTC().Format(DateFormat)
	req.Header.Set(DateHeader, date)
	for _, h := range names {
		if !hasHeader(req, h) {
			return fmt.Errorf("aksk: Sign: header %q to be signed is not set on the request", h)
		}
	}

	hash, err := signPayloadHash(req)
	if err != nil {
		return err
	}
	cr, err := canonicalRequest(req, names, hash)
	if err != nil {
		return fmt.Errorf("aksk: Sign: %w", err)
	}
	a := Authorization{AccessKey: ak, SignedHeaders: names, Signature: signature(sk, stringToSign(date, cr))}
	req.Header.Set(authorizationHeader, a.String())
	return nil
}

// signPayloadHash returns the payload hash for Sign, reading and restoring
// the body only when no X-Sdk-Content-Sha256 header supplies it.
func signPayloadHash(req *http.Request) (string, error) {
	if v, present, err := contentSHA256(req); err != nil {
		return "", fmt.Errorf("aksk: Sign: %w", err)
	} else if present {
		return v, nil
	}
	if req.Body == nil || req.Body == http.NoBody {
		return hashHex(nil), nil
	}
	body, err := io.ReadAll(req.Body)
	if cerr := req.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("aksk: Sign: reading body: %w", err)
	}
	// Replace the drained body, and GetBody, so redirects and retries resend
	// the exact bytes that were signed; ContentLength avoids chunked encoding.
	req.ContentLength = int64(len(body))
	if len(body) == 0 {
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
	} else {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return hashHex(body), nil
}

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
	authz := req.Header.Values(authorizationHeader)
	switch len(authz) {
	case 0:
		return "", fmt.Errorf("%w: missing Authorization header", ErrMalformed)
	case 1:
	default:
		return "", fmt.Errorf("%w: %d Authorization headers", ErrMalformed, len(authz))
	}
	a, err := ParseAuthorization(authz[0])
	if err != nil {
		return "", err
	}
	// The SDK always signs its date header (signer.go Sign puts it in the
	// header map before extractSignedHeaders) and never Authorization, which
	// it only adds afterwards; anything else did not come from a signer.
	if _, found := slices.BinarySearch(a.SignedHeaders, dateHeaderLower); !found {
		return "", fmt.Errorf("%w: SignedHeaders does not include %s", ErrMalformed, dateHeaderLower)
	}
	if _, found := slices.BinarySearch(a.SignedHeaders, "authorization"); found {
		return "", fmt.Errorf("%w: SignedHeaders includes authorization", ErrMalformed)
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
	cr := prefix + hash
	want := signature(sk, stringToSign(date, cr))
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		// The canonical request hash is what the client signed under the
		// date; it lets a client compare notes without revealing anything
		// keyed by the SK.
		return "", fmt.Errorf("%w: access key %q, canonical request sha256 %s", ErrSignatureMismatch, a.AccessKey, hashHex([]byte(cr)))
	}
	return a.AccessKey, nil
}

// checkDate returns the X-Sdk-Date value once it is present, unique, in
// DateFormat exactly (what the SDK writes, signer.go Sign) and within
// MaxClockSkew of now.
func checkDate(req *http.Request, now time.Time) (string, error) {
	vals := req.Header.Values(DateHeader)
	if len(vals) == 0 || (len(vals) == 1 && vals[0] == "") {
		return "", ErrNoDate
	}
	if len(vals) > 1 {
		// Which one was signed is unknowable; refuse rather than guess.
		return "", fmt.Errorf("%w: %d %s headers", ErrMalformed, len(vals), DateHeader)
	}
	v := vals[0]
	t, err := time.Parse(DateFormat, v)
	// time.Parse tolerates some variations (one-digit hours); the string to
	// sign uses the header verbatim, so insist on the canonical spelling.
	if err != nil || t.Format(DateFormat) != v {
		return "", fmt.Errorf("%w: %s is not in %s format", ErrMalformed, DateHeader, DateFormat)
	}
	if skew := now.Sub(t); skew > MaxClockSkew || skew < -MaxClockSkew {
		return "", fmt.Errorf("%w: %s %s is %s from server time %s", ErrClockSkew, DateHeader, v,
			skew.Abs().Truncate(time.Second), now.UTC().Format(DateFormat))
	}
	return v, nil
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
	actual := hashHex(body)
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
	return len(req.Header.Values(h)) > 0
}

// hostOf is the Host header value: req.Host, which the server fills from the
// Host header and the client sends in preference to URL.Host.
func hostOf(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// canonicalRequest builds the canonical request text (signer.go canonicalRequest).
func canonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) (string, error) {
	prefix, err := canonicalPrefix(req, signedHeaders)
	if err != nil {
		return "", err
	}
	return prefix + payloadHash, nil
}

// canonicalPrefix is the canonical request up to, not including, the payload
// hash. Verify builds it before looking up the key or reading the body, so
// every malformed request is refused before either happens.
func canonicalPrefix(req *http.Request, signedHeaders []string) (string, error) {
	var b strings.Builder
	method := req.Method
	if method == "" {
		method = http.MethodGet // net/http sends GET for an empty Method
	}
	b.WriteString(method)
	b.WriteByte('\n')
	if err := writeCanonicalURI(&b, req.URL.EscapedPath()); err != nil {
		return "", err
	}
	b.WriteByte('\n')
	if err := writeCanonicalQuery(&b, req.URL.RawQuery); err != nil {
		return "", err
	}
	b.WriteByte('\n')
	if err := writeCanonicalHeaders(&b, req, signedHeaders); err != nil {
		return "", err
	}
	b.WriteByte('\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(h)
	}
	b.WriteByte('\n')
	return b.String(), nil
}

// writeCanonicalURI writes the path with every segment escaped and a trailing
// slash (signer.go canonicalURI).
//
// The SDK splits its unescaped path on "/" and escapes each piece; it puts
// that path in URL.Path, so net/http sends each piece escaped and no piece
// ever holds an encoded "/". Splitting the escaped path from the wire first
// and unescaping each segment afterwards reproduces that exactly, and keeps a
// "%2F" sent by any other client inside its segment (canonical "%2F") rather
// than turning it into a separator.
func writeCanonicalURI(b *strings.Builder, escapedPath string) error {
	start := b.Len()
	rest := escapedPath
	for first := true; ; first = false {
		seg, tail, more := strings.Cut(rest, "/")
		if !first {
			b.WriteByte('/')
		}
		if strings.IndexByte(seg, '%') >= 0 {
			u, err := url.PathUnescape(seg)
			if err != nil {
				return fmt.Errorf("path segment is not valid percent-encoding: %w", err)
			}
			seg = u
		}
		writeEscaped(b, seg)
		if !more {
			break
		}
		rest = tail
	}
	if s := b.String(); len(s) == start || s[len(s)-1] != '/' {
		b.WriteByte('/')
	}
	return nil
}

// writeCanonicalQuery writes the decoded query sorted by key, then by value,
// each side escaped (signer.go canonicalQueryString). The SDK sorts the raw
// keys and values before escaping them, and so must we: escaping can change
// the order ("_" sorts after "%").
func writeCanonicalQuery(b *strings.Builder, rawQuery string) error {
	if rawQuery == "" {
		return nil
	}
	// ParseQuery decodes "+" as a space, which is also how the SDK's
	// url.Values.Encode output is meant (it rewrites "+" to "%20" anyway).
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("query is not valid: %w", err)
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	first := true
	for _, k := range keys {
		vs := q[k] // ParseQuery's own slice, safe to sort
		slices.Sort(vs)
		for _, v := range vs {
			if !first {
				b.WriteByte('&')
			}
			first = false
			writeEscaped(b, k)
			b.WriteByte('=')
			writeEscaped(b, v)
		}
	}
	return nil
}

// writeCanonicalHeaders writes "name:value\n" per signed header and value
// (signer.go canonicalHeaders). Several values of one header become several
// lines in sorted order, which is what the SDK produces when one header is set
// under two spellings; values are trimmed with strings.TrimSpace as there.
//
// The SDK then also lists the name twice and repeats its lines, so repeated
// names are honoured; maxCanonicalHeaderBytes stops a short header list of
// repeated names over a many-valued header from blowing up quadratically.
func writeCanonicalHeaders(b *strings.Builder, req *http.Request, signedHeaders []string) error {
	start := b.Len()
	var prev string
	var vals []string
	for _, h := range signedHeaders {
		if h != prev || vals == nil {
			prev = h
			if h == "host" {
				vals = []string{hostOf(req)}
			} else {
				vals = req.Header.Values(h)
				if len(vals) > 1 {
					vals = slices.Sorted(slices.Values(vals)) // never reorder req.Header itself
				}
			}
		}
		for _, v := range vals {
			b.WriteString(h)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
		if b.Len()-start > maxCanonicalHeaderBytes {
			return fmt.Errorf("signed headers exceed %d bytes", maxCanonicalHeaderBytes)
		}
	}
	return nil
}

// stringToSign builds the string to sign (signer.go stringToSign).
func stringToSign(date, canonicalRequest string) string {
	return Algorithm + "\n" + date + "\n" + hashHex([]byte(canonicalRequest))
}

// signature is hex(HMAC-SHA256(SK, stringToSign)); the SK bytes are the key as-is.
func signature(sk, sts string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// hashHex is the lower-case hex SHA-256 of b.
func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// writeEscaped percent-encodes every byte outside A-Za-z0-9-_.~ with
// upper-case hex (signer.go escape). Unlike url.PathEscape it escapes
// sub-delims and, unlike url.QueryEscape, it writes a space as %20.
func writeEscaped(b *strings.Builder, s string) {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
}

// isUnreserved is the complement of signer.go shouldEscape.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// isLowerToken reports whether s is a non-empty RFC 9110 token without upper-case letters.
func isLowerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isLowerHex reports whether s is exactly n lower-case hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// trimBlank trims the spaces and tabs HTTP allows around list elements.
func trimBlank(s string) string {
	return strings.Trim(s, " \t")
}
