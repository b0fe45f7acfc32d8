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
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
)

// algorithm is the scheme name that prefixes the Authorization header and the string to sign.
const algorithm = "SDK-HMAC-SHA256"

// dateHeader carries the signing time; it is part of the string to sign.
const dateHeader = "X-Sdk-Date"

// dateFormat is the layout of dateHeader: basic ISO 8601 in UTC.
const dateFormat = "20060102T150405Z"

// ContentSHA256Header, when present, replaces the body hash in the canonical request.
const ContentSHA256Header = "X-Sdk-Content-Sha256"

// UnsignedPayload is the ContentSHA256Header value that leaves the body out of the signature.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// MaxClockSkew is how far X-Sdk-Date may be from the verifier's clock, in either direction.
const MaxClockSkew = 15 * time.Minute

// authorizationHeader is the header Sign writes and Verify reads.
const authorizationHeader = "Authorization"

// dateHeaderLower is dateHeader as it appears in SignedHeaders.
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
	ErrNoDate = errors.New("aksk: missing " + dateHeader + " header")
	// ErrClockSkew reports an X-Sdk-Date further than MaxClockSkew from the verifier's clock.
	ErrClockSkew = errors.New("aksk: " + dateHeader + " outside the allowed clock skew")
	// ErrUnknownAccessKey reports an access key the lookup function does not know.
	ErrUnknownAccessKey = errors.New("aksk: unknown access key")
	// ErrSignatureMismatch reports a well-formed request whose signature is wrong.
	ErrSignatureMismatch = errors.New("aksk: signature mismatch")
)

// authorization is a parsed Authorization header.
type authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// String formats a as the SDK does (signer.go authHeaderValue).
func (a authorization) String() string {
	return algorithm + " Access=" + a.AccessKey +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		", Signature=" + a.Signature
}

// parseAuthorization parses an SDK-HMAC-SHA256 Authorization header value.
//
// The three parameters may come in any order with any amount of blank space
// around the commas, but each must appear exactly once. SignedHeaders must be
// lower-case header names in sorted order (the SDK lower-cases and sorts them,
// signer.go extractSignedHeaders); repeated names are allowed because the SDK
// emits them when a caller sets one header under two spellings. Signature
// must be 64 lower-case hex digits, as hex.EncodeToString produces.
func parseAuthorization(header string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(header, algorithm)
	if !ok {
		return a, fmt.Errorf("%w: Authorization scheme is not %s", ErrMalformed, algorithm)
	}
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return a, fmt.Errorf("%w: no blank after %s", ErrMalformed, algorithm)
	}
	var seenAccess, seenHeaders, seenSig bool
	for part := range strings.SplitSeq(rest, ",") {
		part = trimBlank(part)
		key, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			return authorization{}, fmt.Errorf("%w: Authorization parameter is not key=value", ErrMalformed)
		}
		var seen *bool
		switch key {
		case "Access":
			seen = &seenAccess
			if err := checkAccessKey(val); err != nil {
				return authorization{}, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			a.AccessKey = val
		case "SignedHeaders":
			seen = &seenHeaders
			hs, err := parseSignedHeaders(val)
			if err != nil {
				return authorization{}, err
			}
			a.SignedHeaders = hs
		case "Signature":
			seen = &seenSig
			if !isLowerHex(val, sha256.Size*2) {
				return authorization{}, fmt.Errorf("%w: Signature is not %d lower-case hex digits", ErrMalformed, sha256.Size*2)
			}
			a.Signature = val
		default:
			return authorization{}, fmt.Errorf("%w: unknown Authorization parameter", ErrMalformed)
		}
		if *seen {
			return authorization{}, fmt.Errorf("%w: repeated Authorization parameter %s", ErrMalformed, key)
		}
		*seen = true
	}
	if !seenAccess || !seenHeaders || !seenSig {
		return authorization{}, fmt.Errorf("%w: Authorization needs Access, SignedHeaders and Signature", ErrMalformed)
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
