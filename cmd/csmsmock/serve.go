package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/internal/logfmt"
	"github.com/csmskit/csmskit/internal/version"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/store"
)

// Server limits: generous for tests, bounded against slow or hostile clients.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 1 << 20
	shutdownTimeout   = 10 * time.Second
)

type serveOptions struct {
	addr, logFormat, logLevel string
	tls, freshKey             bool
	cert, key, tlsCertOut     string
	adminTokenOut             string
	unknownSecret             int
	cfg                       mock.Config
}

func serveFlags(o *serveOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("csmsmock serve", flag.ContinueOnError)
	o.cfg = mock.DefaultConfig()
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen `address` (loopback by default; port 0 picks a free one)")
	fs.StringVar(&o.cfg.ProjectID, "project-id", o.cfg.ProjectID, "project `ID` of the default identity")
	fs.StringVar(&o.cfg.Token, "token", o.cfg.Token, "X-Auth-Token of the default identity (empty disables it)")
	fs.StringVar(&o.cfg.AK, "ak", o.cfg.AK, "access key of the default identity (empty disables AK/SK)")
	fs.StringVar(&o.cfg.SK, "sk", o.cfg.SK, "secret key of the default identity")
	fs.StringVar(&o.cfg.FixturesFile, "fixtures", "", "YAML `file` of projects, credentials, users and secrets (see examples/fixtures.yaml)")
	fs.StringVar(&o.cfg.DataDir, "data", "", "`directory` to persist secrets, issued tokens and the backup key in, or a postgres:// URL to share them with other replicas (default: memory only)")
	fs.BoolVar(&o.freshKey, "fresh-key", false, "without --data or --fixtures, seal backups under a key made at start instead of the published demo key")
	fs.StringVar(&o.cfg.Region, "region", o.cfg.Region, "region `name` the default project is named after: IAM's project lookup (GET /v3/projects?name=…) finds it by this name")
	fs.BoolVar(&o.tls, "tls", false, "serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost, signed by a certificate authority made at start")
	fs.StringVar(&o.tlsCertOut, "tls-cert-out", "", "with --tls, write the certificate authority's PEM to `file`, for clients to trust (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)")
	fs.StringVar(&o.cert, "cert", "", "TLS certificate `file` (PEM); implies HTTPS")
	fs.StringVar(&o.key, "key", "", "TLS private key `file` (PEM)")
	fs.IntVar(&o.unknownSecret, "unknown-secret-status", 404, "status for an unknown secret, CSMS.0106: 404 (backup page) or 400 (error-code table)")
	fs.IntVar(&o.cfg.JournalSize, "journal-size", 1000, "requests the journal keeps (the oldest go first)")
	fs.IntVar(&o.cfg.ViolationLogSize, "violation-log-size", 1000, "contract violations kept (the oldest go first)")
	fs.StringVar(&o.cfg.AdminToken, "admin-token", "", "guard /__admin/ with this bearer token")
	fs.StringVar(&o.adminTokenOut, "admin-token-out", "", "without --admin-token, guard /__admin/ with a token made at start and written to `file` (mode 0600)")
	fs.StringVar(&o.logFormat, "log-format", "text", "access log format: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: csmsmock serve [flags]\n\n"+envUsage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := serveFlags(&o)
	if helped, err := parseFlags(fs, args, stderr); helped || err != nil {
		return err
	}
	if err := applyEnv(fs, getenv); err != nil {
		return err
	}
	guarded := o.cfg.AdminToken != "" || o.adminTokenOut != ""
	if err := adminGuarded(o.addr, guarded, "--admin-token-out FILE, --admin-token or "+adminTokenEnv); err != nil {
		return err
	}
	if o.cfg.JournalSize < 1 || o.cfg.ViolationLogSize < 1 {
		return fmt.Errorf("%w: --journal-size and --violation-log-size are at least 1", errUsage)
	}
	if o.unknownSecret != http.StatusNotFound && o.unknownSecret != http.StatusBadRequest {
		return fmt.Errorf("%w: --unknown-secret-status is 404 or 400, not %d", errUsage, o.unknownSecret)
	}
	if (o.cert == "") != (o.key == "") {
		return fmt.Errorf("%w: --cert and --key go together", errUsage)
	}
	if o.tlsCertOut != "" && (!o.tls || o.cert != "") {
		return fmt.Errorf("%w: --tls-cert-out writes the certificate --tls makes; with --cert, trust that certificate's issuer", errUsage)
	}
	if !regionName.MatchString(o.cfg.Region) {
		return fmt.Errorf("%w: --region %q is not a region name such as cn-north-4", errUsage, o.cfg.Region)
	}
	logOut := newBufferedLog(stderr)
	defer logOut.Close()
	logger, err := newLogger(logOut, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	o.cfg.Logger = logger
	// Written before the listener opens, so that once the mock answers, its token is there to
	// read; it goes to the file only, never to the log.
	madeToken := o.cfg.AdminToken == "" && o.adminTokenOut != ""
	if madeToken {
		o.cfg.AdminToken = newAdminToken()
		if err := writeAdminToken(o.adminTokenOut, o.cfg.AdminToken); err != nil {
			return err
		}
	}
	o.cfg.UnknownSecretStatus = o.unknownSecret
	o.cfg.DemoSecret = o.cfg.FixturesFile == ""
	// The published demo key goes with the demo secret only: secrets from fixtures or a data
	// directory are sealed under a key of this mock's own.
	o.cfg.UseDemoBackupKey = !o.freshKey && o.cfg.FixturesFile == ""

	tuneGC()
	srv, err := mock.New(o.cfg)
	if err != nil {
		return err
	}
	defer srv.Close()

	return listenAndServe(ctx, srv, o.addr, tlsSetupOf(o), logger, func(base string) { printBanner(stdout, base, o, madeToken) })
}

// listenAndServe serves h on addr (over TLS when tlsConfig is set) until ctx ends, then shuts
// down gracefully. It calls ready with the base URL once it listens.
func listenAndServe(ctx context.Context, h http.Handler, addr string, tlsConfig func() (*tls.Config, error), logger *slog.Logger, ready func(base string)) error {
	tc, err := tlsConfig()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if tc != nil {
		ln, scheme = tls.NewListener(ln, tc), "https"
	}
	httpSrv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ready(scheme + "://" + reachableAddr(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// reachableAddr is where a client on this host reaches a listener: a wildcard listener (as in a
// container, 0.0.0.0 or [::]) is named by 127.0.0.1, an address a client can dial.
func reachableAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// printBanner names the version, says where the mock listens and how to call it. It shows the
// demo token, which is public, but never a token or key the user supplied or it made; a token
// it made, it says where to find.
func printBanner(w io.Writer, base string, o serveOptions, madeToken bool) {
	fmt.Fprintln(w, version.Line("csmsmock"))
	where := "in memory"
	switch {
	case store.IsPostgresURL(o.cfg.DataDir):
		where = "shared in " + store.RedactURL(o.cfg.DataDir)
	case o.cfg.DataDir != "":
		where = "persisted in " + o.cfg.DataDir
	case o.cfg.UseDemoBackupKey:
		where = "in memory, backups under the public demo key"
	}
	fmt.Fprintf(w, "csmsmock listening on %s (project %s, %s)\n", base, o.cfg.ProjectID, where)
	token := `$CSMS_AUTH_TOKEN`
	if o.cfg.Token == mock.DemoToken {
		token = mock.DemoToken
	}
	insecure := ""
	if strings.HasPrefix(base, "https") {
		insecure = "-k "
	}
	if o.tlsCertOut != "" {
		insecure = "--cacert " + o.tlsCertOut + " "
	}
	if o.cfg.FixturesFile == "" {
		fmt.Fprintf(w, "Back up the demo secret:\n  curl -s %s-X POST -H 'X-Auth-Token: %s' %s/v1/%s/secrets/%s/backup\n",
			insecure, token, base, o.cfg.ProjectID, mock.DemoSecretName)
	}
	printAppEnv(w, base, o)
	if madeToken {
		fmt.Fprintf(w, "The admin API's token is in %s (send it as Authorization: Bearer <token>)\n", o.adminTokenOut)
	}
	fmt.Fprintln(w, bannerEnd)
}

// printAppEnv prints the environment that points an unmodified application, built with the
// official SDKs' WithRegion and credentials without a project ID, at this mock.
func printAppEnv(w io.Writer, base string, o serveOptions) {
	region := strings.ToUpper(strings.ReplaceAll(o.cfg.Region, "-", "_"))
	fmt.Fprintf(w, "Point an unmodified application (region %s) at this mock:\n", o.cfg.Region)
	fmt.Fprintf(w, "  export HUAWEICLOUD_SDK_REGION_CSMS_%s=%s\n", region, base)
	fmt.Fprintf(w, "  export HUAWEICLOUD_SDK_IAM_ENDPOINT=%s\n", base)
	switch {
	case o.tlsCertOut != "":
		fmt.Fprintf(w, "  export SSL_CERT_FILE=%s   # Go; Python: REQUESTS_CA_BUNDLE, Node: NODE_EXTRA_CA_CERTS\n", o.tlsCertOut)
		fmt.Fprintf(w, "The certificate authority is in %s\n", o.tlsCertOut)
	case !strings.HasPrefix(base, "https"):
		fmt.Fprintln(w, "  (the Go SDK reaches IAM over https only: serve with --tls --tls-cert-out FILE)")
	}
}

// regionName is what a region ID looks like (cn-north-4, ap-southeast-1, la-south-2).
var regionName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// bannerEnd is the banner's last line.
const bannerEnd = "Stop with Ctrl-C."

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q", errUsage, level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		// slog's text format, written faster for the access line of every request.
		return slog.New(logfmt.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("%w: --log-format is text or json, not %q", errUsage, format)
	}
}

// adminGuarded refuses to serve the admin API, which can load credentials and read the
// journal, beyond loopback without a token; howToGuard names the ways to give one.
func adminGuarded(addr string, guarded bool, howToGuard string) error {
	if guarded {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %v", errUsage, addr, err)
	}
	if isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%w: --addr %s is reachable beyond loopback: guard /__admin/ with %s", errUsage, addr, howToGuard)
}

// isLoopbackHost tells whether host names this machine's loopback interface only.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
