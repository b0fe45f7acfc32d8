package mock_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/fault"
)

func withFault(h string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(fault.Header, h) }
}

// raw sends a backup request with the demo token, edited by each edit.
func (c *client) raw(ctx context.Context, edits ...func(*http.Request)) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", c.url+backupPath, nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	for _, e := range edits {
		e(req)
	}
	return http.DefaultClient.Do(req)
}

func TestFaultHeader(t *testing.T) {
	_, c := newMock(t, nil)
	tests := []struct {
		header     string
		wantStatus int
		wantCode   string
	}{
		{"status=500", 500, "CSMS.0001"},
		{"status=502", 502, "APIGW.0202"},
		{"status=504", 504, "APIGW.0203"},
		{"delay=1ms,status=504", 504, "APIGW.0203"},
		{"status=418", 400, "CSMS.0002"},
		{"explode", 400, "CSMS.0002"},
		{"reset,status=500", 400, "CSMS.0002"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			res, err := c.raw(context.Background(), withFault(tt.header))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantStatus || res.Header.Get("Content-Type") != "application/json" ||
				!strings.Contains(string(body), `"error_code":"`+tt.wantCode+`"`) {
				t.Errorf("got %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	_, c := newMock(t, nil)
	start := time.Now()
	res, err := c.raw(context.Background(), withFault("delay=150ms"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("delay=150ms answered %d after %v", res.StatusCode, time.Since(start))
	}
}

// A delay ends when the client goes away: the request shows up in the journal long before the
// delay would have ended.
func TestFaultDelayEndsWhenTheClientLeaves(t *testing.T) {
	srv, c := newMock(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.raw(ctx, withFault("delay=30s")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if entries, _ := srv.Journal(); len(entries) == 1 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the delayed handler still runs after its client left")
}

func TestFaultReset(t *testing.T) {
	_, c := newMock(t, nil)
	res, err := c.raw(context.Background(), withFault("reset"))
	if err == nil {
		res.Body.Close()
		t.Fatalf("reset answered %d", res.StatusCode)
	}
	if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("err = %v, want a reset connection", err)
	}
	// The server keeps serving.
	c.must(200, "POST", backupPath, "", demoToken)
}

func TestFaultMalformed(t *testing.T) {
	_, c := newMock(t, nil)
	res, err := c.raw(context.Background(), withFault("malformed"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var v any
	if res.StatusCode != 200 || jsonValid(body, &v) {
		t.Errorf("malformed answered %d with valid JSON %s", res.StatusCode, body)
	}
}

// backupStatuses calls the backup n times and returns the statuses.
func backupStatuses(t *testing.T, c *client, n int) []int {
	t.Helper()
	var got []int
	for range n {
		res, err := c.raw(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got = append(got, res.StatusCode)
	}
	return got
}

func TestFaultRules(t *testing.T) {
	tests := []struct {
		name string
		rule fault.Rule
		want []int
	}{
		{"every second call", fault.Rule{Operation: "DownloadSecretBlob", Every: 2, Fault: "status=502"}, []int{200, 502, 200, 502, 200, 502}},
		{"twice, then healthy", fault.Rule{Secret: mock.DemoSecretName, Times: 2, Fault: "status=504"}, []int{504, 504, 200, 200, 200, 200}},
		{"another operation", fault.Rule{Operation: "ShowSecret", Fault: "status=500"}, []int{200, 200, 200, 200, 200, 200}},
		{"another secret", fault.Rule{Secret: "other", Fault: "status=500"}, []int{200, 200, 200, 200, 200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newMock(t, func(cfg *mock.Config) { cfg.FaultRules = []fault.Rule{tt.rule} })
			if got := backupStatuses(t, c, len(tt.want)); !equalInts(got, tt.want) {
				t.Errorf("statuses = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		_, c := newMock(t, func(cfg *mock.Config) {
			cfg.FaultRules = []fault.Rule{{Probability: 0.5, Seed: seed, Fault: "status=500"}}
		})
		return backupStatuses(t, c, 30)
	}
	a, b, other := run(7), run(7), run(8)
	if !equalInts(a, b) {
		t.Errorf("the same seed gave %v and %v", a, b)
	}
	if equalInts(a, other) {
		t.Errorf("seeds 7 and 8 gave the same sequence %v", a)
	}
	failed := 0
	for _, s := range a {
		if s == 500 {
			failed++
		}
	}
	if failed == 0 || failed == len(a) {
		t.Errorf("probability 0.5 injected %d of %d", failed, len(a))
	}
}

// A client that retries 500, 502 and 504 with backoff, as the vendor tells clients to, gets
// through a scripted run of failures.
func TestRetryingClientSurvivesScriptedFaults(t *testing.T) {
	srv, c := newMock(t, func(cfg *mock.Config) {
		cfg.FaultRules = []fault.Rule{
			{ID: "gateway", Operation: "DownloadSecretBlob", Times: 2, Fault: "status=502"},
			{ID: "timeout", Operation: "DownloadSecretBlob", Times: 1, Fault: "delay=10ms,status=504"},
		}
	})
	retrying := func() (int, int) {
		backoff := 5 * time.Millisecond
		for attempt := 1; ; attempt++ {
			res, err := c.raw(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			switch res.StatusCode {
			case 500, 502, 504:
				if attempt == 5 {
					return res.StatusCode, attempt
				}
				time.Sleep(backoff)
				backoff *= 2
			default:
				return res.StatusCode, attempt
			}
		}
	}
	status, attempts := retrying()
	if status != 200 || attempts != 4 {
		t.Errorf("the retrying client ended with %d after %d attempts, want 200 after 4", status, attempts)
	}
	entries, _ := srv.Journal()
	var faults []string
	for _, e := range entries {
		faults = append(faults, e.Fault)
	}
	want := []string{"gateway:status=502", "gateway:status=502", "timeout:delay=10ms,status=504", ""}
	if strings.Join(faults, "|") != strings.Join(want, "|") {
		t.Errorf("journaled faults %q, want %q", faults, want)
	}
	if rules, _ := srv.Faults().List(); rules[0].Injected != 2 || rules[1].Injected != 1 {
		t.Errorf("rule counters: %+v", rules)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
