package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// tlsSetupOf defers tlsSetup for listenAndServe.
func tlsSetupOf(o serveOptions) func() (*tls.Config, error) {
	return func() (*tls.Config, error) { return tlsSetup(o.tls, o.cert, o.key, o.tlsCertOut) }
}

// tlsSetup returns the TLS configuration asked for, or nil for plain HTTP. With selfSign it
// makes a certificate authority and a certificate it signs, and writes the authority's PEM to
// caOut, if given, for clients to trust.
func tlsSetup(selfSign bool, certFile, keyFile, caOut string) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	switch {
	case certFile != "":
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
	case selfSign:
		var ca []byte
		cert, ca, err = selfSigned(time.Now())
		if err == nil && caOut != "" {
			err = writeCA(caOut, ca)
		}
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// writeCA writes the authority's certificate, public, so readable by all.
func writeCA(path string, der []byte) error {
	return writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// certValidity is how long a certificate made at start is valid: a mock runs for a test
// session, not for months.
const certValidity = 7 * 24 * time.Hour

// selfSigned makes, in memory, a certificate authority for this run and a server certificate
// it signs for 127.0.0.1, ::1 and localhost; it returns the server's certificate (with the
// authority in its chain) and the authority's DER. Clients trust the authority, not the server
// certificate: OpenSSL (Python, Node) and Java want a CA in their trust store, and Go takes
// either.
func selfSigned(now time.Time) (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "csmsmock local CA", Organization: []string{"csmskit"}},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"csmskit"}},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}, caDER, nil
}

// serial is a random 127-bit serial number, as RFC 5280 asks (positive, unpredictable).
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}
