package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/csmskit/csmskit/proxy"
	"github.com/csmskit/csmskit/recording"
)

// The access key the applications sign with may come from the environment, so that it stays
// off command lines and out of CI logs.
const (
	proxyAKEnv = "CSMSMOCK_AK"
	proxySKEnv = "CSMSMOCK_SK"
)

// runProxy serves the validating proxy in front of a real endpoint.
func runProxy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("csmsmock proxy", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "listen `address` (loopback by default)")
	upstream := fs.String("upstream", "", "the real endpoint's base `URL`, e.g. https://kms.cn-north-4.myhuaweicloud.com (required)")
	insecure := fs.Bool("insecure-skip-verify", false, "accept any upstream certificate (test endpoints only)")
	adminToken := fs.String("admin-token", "", "guard /__admin/ with this bearer token (or set "+adminTokenEnv+")")
	journalSize := fs.Int("journal-size", recording.DefaultJournalSize, "requests the journal keeps")
	violationSize := fs.Int("violation-log-size", recording.DefaultViolationSize, "contract violations kept")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate made at start")
	certFile := fs.String("cert", "", "TLS certificate `file` (PEM)")
	keyFile := fs.String("key", "", "TLS private key `file` (PEM)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	ak := fs.String("ak", "", "the access key the applications sign with (or set "+proxyAKEnv+"); with --sk the proxy verifies AK/SK signatures and signs them again for the upstream")
	sk := fs.String("sk", "", "the secret key of --ak (or set "+proxySKEnv+"; better: it stays off the command line)")
	if helped, err := parseFlags(fs, args, stderr); helped || err != nil {
		return err
	}
	u, err := url.Parse(*upstream)
	if err != nil || *upstream == "" {
		return fmt.Errorf("%w: --upstream takes the real endpoint's URL", errUsage)
	}
	if *journalSize < 1 || *violationSize < 1 {
		return fmt.Errorf("%w: --journal-size and --violation-log-size are at least 1", errUsage)
	}
	if *adminToken == "" {
		*adminToken = getenv(adminTokenEnv)
	}
	if *ak == "" {
		*ak = getenv(proxyAKEnv)
	}
	if *sk == "" {
		*sk = getenv(proxySKEnv)
	}
	if (*ak == "") != (*sk == "") {
		return fmt.Errorf("%w: give the access key and its secret key together (--ak and --sk, or %s and %s)", errUsage, proxyAKEnv, proxySKEnv)
	}
	if err := adminGuarded(*addr, *adminToken != "", "--admin-token or "+adminTokenEnv); err != nil {
		return err
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	p, err := proxy.New(proxy.Config{
		Upstream: u, InsecureSkipVerify: *insecure, AdminToken: *adminToken, Logger: logger,
		Recorder: recording.NewRecorder(*journalSize, *violationSize), AK: *ak, SK: *sk,
	})
	if err != nil {
		return err
	}
	tlsConfig := func() (*tls.Config, error) { return tlsSetup(*useTLS, *certFile, *keyFile, "") }
	return listenAndServe(ctx, p, *addr, tlsConfig, logger, func(base string) {
		fmt.Fprintf(stdout, "csmsmock proxy listening on %s, forwarding to %s\n", base, u.Redacted())
		if *ak != "" {
			fmt.Fprintf(stdout, "AK/SK signatures: verified, and signed again for %s\n", u.Host)
		} else {
			fmt.Fprintln(stdout, "AK/SK signatures that cover host: refused (give --ak/--sk to sign them again)")
		}
		fmt.Fprintf(stdout, "Violations: csmsmock verify --admin %s\n%s\n", base, bannerEnd)
	})
}
