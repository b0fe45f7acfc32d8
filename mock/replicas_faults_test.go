package mock_test

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmskit/csmskit/conformance"
	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/store"
)

// While the database is down or unreachable, every replica answers at once with the vendor's
// JSON 500 (CSMS.0001), never waits past the store's timeout, and serves again by itself when
// the database is back. Nothing logged shows the database password.
func TestReplicasSurviveTheDatabaseGoingAway(t *testing.T) {
	dbURL := pgtest.URL(t)
	proxy, viaProxy := pgtest.NewProxy(t, dbURL)
	r := startReplicas(t, viaProxy, 2, nil)
	r[0].create("before", "v")

	calls := []struct{ method, path, body string }{
		{"GET", base + "/before", ""},
		{"POST", base, `{"name":"during","secret_string":"v"}`},
		{"POST", base + "/before/backup", ""},
		{"GET", base + "?limit=10", ""},
	}
	// Every call at once: a hung database makes each wait up to the store's bound.
	expect500 := func(within time.Duration) {
		t.Helper()
		var wg sync.WaitGroup
		for i, x := range r {
			for _, c := range calls {
				wg.Go(func() {
					start := time.Now()
					status, body, err := rawCall(x.url, c.method, c.path, c.body)
					took := time.Since(start)
					if err != nil || status != 500 || codeOf(body) != "CSMS.0001" {
						t.Errorf("replica %d: %s %s = %d %s %v, want 500 CSMS.0001", i, c.method, c.path, status, body, err)
					}
					if took > within {
						t.Errorf("replica %d: %s %s answered after %v, want within %v", i, c.method, c.path, took, within)
					}
				})
			}
			wg.Go(func() {
				if status, _ := x.admin("GET", "/__admin/faults", "", ""); status != 500 {
					t.Errorf("replica %d: listing fault rules = %d, want 500", i, status)
				}
			})
		}
		wg.Wait()
	}

	proxy.Down()
	expect500(time.Second)
	// A database that does not answer at all costs at most the store's time, not the client's.
	proxy.Hang()
	expect500(store.DefaultOpTimeout + time.Second)

	proxy.Up()
	deadline := time.Now().Add(20 * time.Second)
	for i, x := range r {
		for {
			status, _, err := rawCall(x.url, "GET", base+"/before", "")
			if err == nil && status == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d still answers %d %v after the database came back", i, status, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	r[1].create("after", "v")
	r[0].must(200, "GET", base+"/after", "", demoToken)
	r[0].must(404, "GET", base+"/during", "", demoToken)

	u, _ := url.Parse(dbURL)
	if pw, ok := u.User.Password(); ok && pw != "" {
		for i, x := range r {
			if lines := x.logs.lines(pw); len(lines) > 0 {
				t.Errorf("replica %d logged the database password: %s", i, lines[0])
			}
		}
	}
	if len(r[0].logs.lines("internal error")) == 0 {
		t.Error("the failures were not logged")
	}
}

// The conformance suite passes against two replicas behind a round-robin proxy, as behind a
// load balancer: every request it makes may land on either.
func TestReplicasPassTheConformanceSuite(t *testing.T) {
	r := startReplicas(t, "", 2, nil)
	var targets []*url.URL
	for _, x := range r {
		u, _ := url.Parse(x.url)
		targets = append(targets, u)
	}
	var next atomic.Uint64
	lb := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(targets[next.Add(1)%uint64(len(targets))])
		pr.Out.Host = pr.In.Host // the signature covers the host the client called
	}})
	t.Cleanup(lb.Close)

	cfg := conformance.NewConfig()
	cfg.Endpoint = lb.URL
	cfg.ProjectID = mock.DemoProjectID
	cfg.AuthToken, cfg.AK, cfg.SK = mock.DemoToken, mock.DemoAK, mock.DemoSK
	conformance.Run(t, cfg)

	// Both replicas served part of the run.
	for i, x := range r {
		if entries, _ := x.srv.Journal(); len(entries) < 20 {
			t.Errorf("replica %d served %d requests of the run", i, len(entries))
		}
	}
}
