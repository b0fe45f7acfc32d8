package aksk

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Claim is what a signed request says of its own signature, read without the key or a clock:
// the headers the signature covers and the time it was made at. A proxy that forwards signed
// requests to another host reads it to tell whether the signature survives the new Host
// header, and to sign again, after Verify accepted the request, with the same headers and date.
type Claim struct {
	// SignedHeaders are the lower-case header names the signature covers, sorted.
	SignedHeaders []string
	// Date is the request's X-Sdk-Date.
	Date time.Time
}

// Signed reports whether req carries an SDK-HMAC-SHA256 Authorization header, valid or not.
func Signed(req *http.Request) bool {
	return strings.HasPrefix(req.Header.Get(authorizationHeader), algorithm)
}

// ReadClaim parses req's Authorization and X-Sdk-Date headers with Verify's rules, short of
// the key and the clock. Its errors wrap ErrMalformed or ErrNoDate.
func ReadClaim(req *http.Request) (Claim, error) {
	a, err := authorizationOf(req)
	if err != nil {
		return Claim{}, err
	}
	_, date, err := dateOf(req)
	if err != nil {
		return Claim{}, err
	}
	return Claim{SignedHeaders: a.SignedHeaders, Date: date}, nil
}

// Problem says what Verify's err found wrong, in words fit for the answer to the client and
// for a log: it never names the access key, the expected signature or anything keyed by the
// secret key. The signature mismatch reads as the service words it.
func Problem(err error) string {
	switch {
	case errors.Is(err, ErrUnknownAccessKey):
		return "the access key is unknown"
	case errors.Is(err, ErrSignatureMismatch):
		return "verify aksk signature fail"
	case errors.Is(err, ErrNoDate):
		return "the X-Sdk-Date header is missing"
	case errors.Is(err, ErrClockSkew):
		return "the X-Sdk-Date is more than 15 minutes from the server's time"
	default:
		return "the Authorization header is malformed"
	}
}
