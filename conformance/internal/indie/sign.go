package indie

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The SDK-HMAC-SHA256 scheme, written from the vendor's signing page.
const (
	algorithm  = "SDK-HMAC-SHA256"
	dateLayout = "20060102T150405Z"
	// maxSkew is how far X-Sdk-Date may be from the server's clock.
	maxSkew = 15 * time.Minute
)

// authorization is a parsed Authorization header.
type authorization struct {
	ak, signature string
	signed        []string
}

// parseAuthorization reads "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…".
func parseAuthorization(v string) (authorization, error) {
	rest, ok := strings.CutPrefix(v, algorithm+" ")
	if !ok {
		return authorization{}, errors.New("not " + algorithm)
	}
	var a authorization
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			a.ak = val
		case "SignedHeaders":
			a.signed = strings.Split(val, ";")
		case "Signature":
			a.signature = val
		}
	}
	if a.ak == "" || a.signature == "" || len(a.signed) == 0 {
		return authorization{}, errors.New("incomplete authorization")
	}
	return a, nil
}

// escape percent-encodes everything but A-Z a-z 0-9 - _ . ~, hex in upper case.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

// canonicalURI encodes each segment of the decoded path and ends it with a slash.
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// canonicalQuery sorts the keys, and each key's values, and joins k=v with &.
func canonicalQuery(q url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range slices.Sorted(slices.Values(q[k])) {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// headerValue is what a signed header contributes: host is the request's Host.
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	return strings.TrimSpace(r.Header.Get(name))
}

// stringToSign builds the string the signature covers, from the headers the request says it
// signed.
func stringToSign(r *http.Request, signed []string, body []byte) string {
	return stringToSignWith(r, r.URL.Path, signed, body, nil)
}

// stringToSignWith is stringToSign for the decoded path given, with header values taken from
// cached where it has them (DefectHeadersUnsigned's header cache).
func stringToSignWith(r *http.Request, path string, signed []string, body []byte, cached map[string]string) string {
	var headers strings.Builder
	for _, h := range signed {
		v, ok := cached[h]
		if !ok {
			v = headerValue(r, h)
		}
		headers.WriteString(h + ":" + v + "\n")
	}
	hash := r.Header.Get("X-Sdk-Content-Sha256")
	if hash == "" {
		sum := sha256.Sum256(body)
		hash = hex.EncodeToString(sum[:])
	}
	uri, query := canonicalURI(path), canonicalQuery(r.URL.Query())
	cr := strings.Join([]string{r.Method, uri, query, headers.String(), strings.Join(signed, ";"), hash}, "\n")
	crSum := sha256.Sum256([]byte(cr))
	return algorithm + "\n" + r.Header.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(crSum[:])
}

// sign returns the hex HMAC-SHA256 of the string to sign under sk.
func sign(sk, sts string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// verifySignature checks an AK/SK request against sk and the server's clock. cache holds the
// signed header values first seen for the AK, which only DefectHeadersUnsigned uses.
func verifySignature(r *http.Request, a authorization, sk string, body []byte, now time.Time, d Defect, cache map[string]string) error {
	date, err := time.Parse(dateLayout, r.Header.Get("X-Sdk-Date"))
	if err != nil {
		return errors.New("no X-Sdk-Date in " + dateLayout)
	}
	if skew := now.Sub(date); (skew > maxSkew || skew < -maxSkew) && d != DefectNoDateWindow {
		return errors.New("X-Sdk-Date too far from the server's clock")
	}
	switch {
	case d == DefectAnySignature,
		d == DefectBodyUnsigned && len(body) > 0,         // bodies streamed past the verifier
		d == DefectQueryUnsigned && r.URL.RawQuery != "": // queries left to the service
		return nil
	}
	var cached map[string]string
	if d == DefectHeadersUnsigned {
		// The header values of the AK's first request, cached and reused; only the date is read afresh.
		for _, h := range a.signed {
			if _, ok := cache[h]; !ok && h != "x-sdk-date" {
				cache[h] = headerValue(r, h)
			}
		}
		cached = cache
	}
	paths := []string{r.URL.Path}
	if d == DefectPathUnsigned {
		// A case-folding canonicaliser: a path and its lower case share a signature.
		paths = append(paths, strings.ToLower(r.URL.Path))
	}
	for _, p := range paths {
		want := sign(sk, stringToSignWith(r, p, a.signed, body, cached))
		if hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
			return nil
		}
	}
	return errors.New("signature mismatch")
}
