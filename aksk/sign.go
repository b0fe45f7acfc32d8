package aksk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

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
	date := now.UTC().Format(dateFormat)
	req.Header.Set(dateHeader, date)
	for _, h := range names {
		if !hasHeader(req, h) {
			return fmt.Errorf("aksk: Sign: header %q to be signed is not set on the request", h)
		}
	}

	hash, err := signPayloadHash(req)
	if err != nil {
		return err
	}
	prefix, err := canonicalPrefix(req, names)
	if err != nil {
		return fmt.Errorf("aksk: Sign: %w", err)
	}
	sig, _ := signatureOf(sk, date, prefix, hash)
	a := authorization{AccessKey: ak, SignedHeaders: names, Signature: string(sig[:])}
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
