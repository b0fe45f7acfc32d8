package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmskit/csmskit/internal/linearizability"
	"github.com/csmskit/csmskit/internal/pgtest"
)

// What TestLinearizable* runs the replicas in: a front for each, and a database that fails.

// front is what clients reach a replica through, as they would through a load balancer: a
// reverse proxy to the replica's current address (a restarted replica listens on another).
type front struct {
	srv    *httptest.Server
	target atomic.Pointer[url.URL]
}

// newFront starts a front for the replica at target. With staleFor > 0 it answers a read it
// answered less than staleFor ago from memory, as a cache in front of a replica would: the
// broken variant TestLinearizableCheckerCatchesStaleReads must catch.
func newFront(t *testing.T, target string, staleFor time.Duration) *front {
	t.Helper()
	f := &front{}
	f.point(target)
	var h http.Handler = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(f.target.Load()) },
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			// The replica is down. When no connection could be made the call reached nothing;
			// else it may or may not have.
			if oe := (*net.OpError)(nil); errors.As(err, &oe) && oe.Op == "dial" {
				w.Header().Set(linearizability.NotDeliveredHeader, "dial")
			}
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	if staleFor > 0 {
		h = &readCache{next: h, ttl: staleFor, answers: map[string]cachedAnswer{}}
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *front) point(target string) {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	f.target.Store(u)
}

// readCache answers GET requests from the answers it kept, for ttl.
type readCache struct {
	next http.Handler
	ttl  time.Duration

	mu      sync.Mutex
	answers map[string]cachedAnswer
}

type cachedAnswer struct {
	at     time.Time
	status int
	header http.Header
	body   []byte
}

func (c *readCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	a, ok := c.answers[r.URL.Path]
	c.mu.Unlock()
	if !ok || time.Since(a.at) >= c.ttl {
		rec := httptest.NewRecorder()
		c.next.ServeHTTP(rec, r)
		a = cachedAnswer{at: time.Now(), status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		if a.status < 500 {
			c.mu.Lock()
			c.answers[r.URL.Path] = a
			c.mu.Unlock()
		}
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// faultyDatabase is the replicas' database behind pgtest's proxy, which cuts and slows their
// connections. The database is a PostgreSQL server of the test's own when this machine has
// PostgreSQL's programs, so that it can be restarted without disturbing other tests; else it
// is a schema on CSMS_TEST_POSTGRES_URL's server, and a restart is played by cutting and
// refusing every connection for a second.
type faultyDatabase struct {
	url    string // the proxy's, for the replicas
	proxy  *pgtest.Proxy
	server *testServer // nil on the shared server
}

func newFaultyDatabase(t *testing.T) *faultyDatabase {
	t.Helper()
	d := &faultyDatabase{}
	target := pgtest.URL(t) // skips without CSMS_TEST_POSTGRES_URL, and fails so in CI
	if d.server = startTestServer(t); d.server != nil {
		target = d.server.url
	}
	d.proxy, d.url = pgtest.NewProxy(t, target)
	return d
}

// slow holds everything sent either way for 25 ms, for a while.
func (d *faultyDatabase) slow(lasting time.Duration) {
	d.proxy.Delay(25 * time.Millisecond)
	time.Sleep(lasting)
	d.proxy.Delay(0)
}

// cut resets every connection, twice in a short while.
func (d *faultyDatabase) cut() {
	d.proxy.Cut()
	time.Sleep(200 * time.Millisecond)
	d.proxy.Cut()
}

func (d *faultyDatabase) restartName() string {
	if d.server != nil {
		return "restart PostgreSQL (immediate shutdown: a crash, then recovery)"
	}
	return "take the database away for a second (no server of the test's own to restart)"
}

func (d *faultyDatabase) restart(t *testing.T) {
	if d.server != nil {
		d.server.restart(t)
		return
	}
	d.proxy.Down()
	time.Sleep(time.Second)
	d.proxy.Up()
}

// testServer is a PostgreSQL server made by scripts/test-postgres.sh in a directory and on a
// port of its own.
type testServer struct {
	dir, port, pgctl, url string
}

// postgresScript is scripts/test-postgres.sh, from this package's directory.
const postgresScript = "../../scripts/test-postgres.sh"

// startTestServer starts a server, or returns nil when this machine has no PostgreSQL
// programs. It is stopped and removed when the test ends.
func startTestServer(t *testing.T) *testServer {
	t.Helper()
	pgctl := findPgCtl()
	if pgctl == "" {
		return nil
	}
	parent, err := os.MkdirTemp("", "csmskit-linearizable-")
	if err != nil {
		t.Fatal(err)
	}
	// Run as root, the script runs the server as postgres, which must reach its directory.
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &testServer{dir: filepath.Join(parent, "pg"), port: freePort(t), pgctl: pgctl}
	t.Cleanup(func() {
		if _, err := s.script("stop"); err != nil {
			t.Errorf("stopping the test's PostgreSQL server: %v", err)
		}
		_ = os.RemoveAll(parent)
	})
	out, err := s.script("start")
	if err != nil {
		t.Fatalf("starting a PostgreSQL server of the test's own: %v", err)
	}
	m := regexp.MustCompile(`CSMS_TEST_POSTGRES_URL='([^']+)'`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s start printed no URL: %s", postgresScript, out)
	}
	s.url = string(m[1])
	return s
}

// restart shuts the server down at once, as a crash would (its clients are cut off and it
// recovers from its log at start), and starts it again.
func (s *testServer) restart(t *testing.T) {
	args := []string{s.pgctl, "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop"}
	if os.Geteuid() == 0 {
		args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
	}
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl stop: %v: %s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	if out, err := s.script("start"); err != nil {
		t.Fatalf("restarting PostgreSQL: %v: %s", err, out)
	}
}

func (s *testServer) script(arg string) ([]byte, error) {
	cmd := exec.Command("bash", postgresScript, arg)
	cmd.Env = append(os.Environ(), "PGTEST_DIR="+s.dir, "PGTEST_PORT="+s.port)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", postgresScript, arg, err, stderr.String())
	}
	return out, nil
}

// findPgCtl finds pg_ctl where scripts/test-postgres.sh looks for PostgreSQL's programs.
func findPgCtl() string {
	if found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl"); len(found) > 0 {
		return found[0]
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return p
	}
	return ""
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}
