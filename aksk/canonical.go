package aksk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// hostOf is the Host header value: req.Host, which the server fills from the
// Host header and the client sends in preference to URL.Host.
func hostOf(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// canonicalPrefix is the canonical request up to, not including, the payload
// hash. Verify builds it before looking up the key or reading the body, so
// every malformed request is refused before either happens.
func canonicalPrefix(req *http.Request, signedHeaders []string) (string, error) {
	var b strings.Builder
	// Room for a request's canonical form with a few signed headers, so it is rarely
	// grown as it is written.
	b.Grow(256 + 2*(len(req.URL.RawPath)+len(req.URL.Path)) + len(req.URL.RawQuery))
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
				vals = headerValues(req, h)
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

// signatureOf is the request's signature in lower-case hex, hex(HMAC-SHA256(SK, string to
// sign)) with the SK bytes as the key, and the hex SHA-256 of its canonical request (prefix
// then payloadHash). The string to sign is signer.go's stringToSign: the algorithm, the date
// and that hash, a line each. Verify runs it on every signed request, so the canonical
// request is built once, as bytes, and the string to sign on the stack.
func signatureOf(sk, date, prefix, payloadHash string) (sig, crHash [2 * sha256.Size]byte) {
	cr := make([]byte, 0, len(prefix)+len(payloadHash))
	sum := sha256.Sum256(append(append(cr, prefix...), payloadHash...))
	hex.Encode(crHash[:], sum[:])
	var buf [128]byte
	sts := append(append(append(append(buf[:0], algorithm+"\n"...), date...), '\n'), crHash[:]...)
	m := hmac.New(sha256.New, []byte(sk))
	m.Write(sts)
	hex.Encode(sig[:], m.Sum(sum[:0]))
	return sig, crHash
}

// headerValues is req.Header.Values(name) for a signed header's lower-case name, without
// canonicalising the names the SDK signs on every request.
func headerValues(req *http.Request, name string) []string {
	if canonical, ok := signedHeaderNames[name]; ok {
		return req.Header[canonical]
	}
	return req.Header.Values(name)
}

// signedHeaderNames are the canonical forms of the header names the SDKs sign.
var signedHeaderNames = map[string]string{
	"content-type": "Content-Type", "x-sdk-date": "X-Sdk-Date", "x-project-id": "X-Project-Id",
	"x-sdk-content-sha256": "X-Sdk-Content-Sha256", "x-domain-id": "X-Domain-Id",
	"content-length": "Content-Length", "x-auth-token": "X-Auth-Token",
}

// emptyHash is hashHex of an empty body, what every bodiless signed request hashes.
var emptyHash = hashHex(nil)

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
	// Most of a path needs no escape: that part is written in one piece.
	plain := 0
	for plain < len(s) && isUnreserved(s[plain]) {
		plain++
	}
	b.WriteString(s[:plain])
	for i := plain; i < len(s); i++ {
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
