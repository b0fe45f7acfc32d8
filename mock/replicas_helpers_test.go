package mock_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock"
)

// replica is one mock of several on one database, served on its own port.
type replica struct {
	srv *mock.Server
	*client
	logs *logLines
}

// startReplicas starts n mocks on one fresh database schema (dbURL, or a new one when empty),
// each with the demo configuration changed by edit and the backup key of the database.
func startReplicas(t *testing.T, dbURL string, n int, edit func(*mock.Config)) []replica {
	t.Helper()
	if dbURL == "" {
		dbURL = pgtest.URL(t)
	}
	out := make([]replica, n)
	for i := range out {
		logs := &logLines{}
		srv, c := newMock(t, func(cfg *mock.Config) {
			cfg.BackupKey = nil // the database's, shared
			cfg.DataDir = dbURL
			cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
			if edit != nil {
				edit(cfg)
			}
		})
		out[i] = replica{srv: srv, client: c, logs: logs}
	}
	return out
}

// logLines collects log output, safe for concurrent writers.
type logLines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) lines(containing string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for line := range strings.SplitSeq(l.b.String(), "\n") {
		if strings.Contains(line, containing) {
			out = append(out, line)
		}
	}
	return out
}

// clock is a settable clock several mocks share.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time             { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration)    { c.offset.Add(int64(d)) }
func (c *clock) set(cfg *mock.Config)       { cfg.Now = c.Now }
func (c *clock) editor() func(*mock.Config) { return c.set }

var rawClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}

// rawCall calls a mock with the demo token from any goroutine: it reports instead of failing.
func rawCall(baseURL, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, baseURL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := rawClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// codeOf is a vendor error body's error_code.
func codeOf(body []byte) string {
	var b struct {
		Code string `json:"error_code"`
	}
	_ = json.Unmarshal(body, &b)
	return b.Code
}

// allAtOnce runs do three times on every replica, all at the same time, as the replicas' due
// work would run on each of them at once.
func allAtOnce(t *testing.T, r []replica, do func(*mock.Server) (int, error)) {
	t.Helper()
	var wg sync.WaitGroup
	for range 3 {
		for _, x := range r {
			wg.Go(func() {
				if _, err := do(x.srv); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}
