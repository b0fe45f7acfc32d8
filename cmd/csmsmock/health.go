package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// healthTimeout bounds the whole check: a health check that hangs tells less than one that
// fails.
const healthTimeout = 3 * time.Second

// healthPath is the admin API's readiness probe.
const healthPath = "/__admin/health/ready"

const healthUsage = `Usage: csmsmock health [flags]

Exits 0 when the mock answers GET %s with 200 within %v, else 1 with the
reason on stderr. It reads serve's variables: CSMSMOCK_ADDR, CSMSMOCK_TLS or CSMSMOCK_CERT
(HTTPS), CSMSMOCK_TLS_CERT_OUT (the authority to trust) and the admin token from
CSMSMOCK_ADMIN_TOKEN or the file CSMSMOCK_ADMIN_TOKEN_OUT names.

Flags:
`

// health asks the mock that serve's environment describes whether it is ready. It reads the
// same CSMSMOCK_* variables serve does, so a container's health check runs it with no shell
// and no arguments.
func health(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o serveOptions
	if err := applyEnv(serveFlags(&o), getenv); err != nil {
		return err
	}
	fs := flag.NewFlagSet("csmsmock health", flag.ContinueOnError)
	addr := fs.String("addr", o.addr, "the `address` serve listens on; a wildcard host means 127.0.0.1 (default from "+envName("addr")+")")
	caFile := fs.String("tls-ca", o.tlsCertOut, "use HTTPS and trust the certificate authority in `file` (default from "+envName("tls-cert-out")+")")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), healthUsage, healthPath, healthTimeout)
		fs.PrintDefaults()
	}
	if helped, err := parseFlags(fs, args, stderr); helped || err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil || port == "0" {
		return fmt.Errorf("%w: health: --addr %q names no port to ask", errUsage, *addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // serve listens on every address, loopback among them
	}
	useTLS := o.tls || o.cert != "" || *caFile != ""
	tlsConfig, err := healthTLS(useTLS, *caFile, host)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	token, err := adminTokenOf(o)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	target := scheme + "://" + net.JoinHostPort(host, port) + healthPath

	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{
		// No proxy from the environment: the token goes to the mock itself, nowhere else.
		Transport:     &http.Transport{TLSClientConfig: tlsConfig, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s", target, res.Status)
	}
	fmt.Fprintf(stdout, "csmsmock health: ready (%s)\n", target)
	return nil
}

// healthTLS is the client's TLS configuration: the named authority trusted, or, on loopback
// without one, any certificate, since a --tls mock's authority lives in its memory unless
// written out and no one stands between two ends of loopback; elsewhere the system's roots.
func healthTLS(useTLS bool, caFile, host string) (*tls.Config, error) {
	if !useTLS {
		return nil, nil
	}
	if caFile == "" {
		return &tls.Config{InsecureSkipVerify: isLoopbackHost(host), MinVersion: tls.VersionTLS12}, nil //nolint:gosec // loopback only, see above
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("certificate authority: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("certificate authority: no PEM certificate in %s", caFile)
	}
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}, nil
}

// adminTokenOf is the admin token serve's settings name: given, or in the file serve wrote.
func adminTokenOf(o serveOptions) (string, error) {
	if o.cfg.AdminToken != "" || o.adminTokenOut == "" {
		return o.cfg.AdminToken, nil
	}
	data, err := os.ReadFile(o.adminTokenOut)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", errors.New("admin token: " + o.adminTokenOut + " is empty")
	}
	return token, nil
}
