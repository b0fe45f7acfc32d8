package main

import (
	"context"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/store"
)

// Crash safety on a shared database: of two replicas on one PostgreSQL database, one is
// SIGKILLed in the middle of a burst of writes. The other, which never stopped, and a replica
// started afterwards must both serve every write the killed one acknowledged, and each write in
// flight entirely or not at all (the same checks as TestCrashSafety's).
func TestCrashSafetyOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills csmsmock processes")
	}
	dbURL := pgtest.URL(t)
	survivor := startProcess(t, "--addr", "127.0.0.1:0", "--data", dbURL)
	// The victim's sessions carry a name, so the test can wait for the database to have ended
	// them: a COMMIT sent just before the kill is then applied or not, for good.
	victimURL := dbURL + "&application_name=csmsmock-victim"
	victim := startProcess(t, "--addr", "127.0.0.1:0", "--data", victimURL)

	var mu sync.Mutex
	states := map[string]*secretState{}
	acks := 0
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() { writer(ctx, victim.url, 100+w, &mu, states, &acks) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := acks
		mu.Unlock()
		if n >= 120 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	victim.kill()
	stop()
	wg.Wait()
	var refused []string
	for name, st := range states {
		if strings.HasPrefix(st.pending, "refused") {
			refused = append(refused, name+": "+st.pending)
		}
	}
	if len(refused) > 0 {
		t.Fatalf("writes refused before the crash: %v", refused)
	}
	if acks < 20 {
		t.Fatalf("only %d writes acknowledged before the kill", acks)
	}
	t.Logf("%d writes acknowledged before SIGKILL", acks)
	waitForSessionsToEnd(t, dbURL, "csmsmock-victim")

	verifyAfterCrash(t, survivor.url, states)
	restarted := startProcess(t, "--addr", "127.0.0.1:0", "--data", dbURL)
	verifyAfterCrash(t, restarted.url, states)
}

// waitForSessionsToEnd waits until the database has no session of the application name left.
func waitForSessionsToEnd(t *testing.T, dbURL, app string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
			t.Fatalf("sessions of the killed replica: %v", err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A bad database URL or an unreachable database stops serve at start with an error that says
// so, without the password; a good one says where the state is shared, password masked.
func TestServeOnPostgres(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://csms:hunter2@127.0.0.1:notaport/db", "not a valid PostgreSQL URL"},
		{"postgres://csms:hunter2@127.0.0.1:1/db?sslmode=disable", "unreachable"},
	} {
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", tc.url}, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("serve --data %s: %v, want an error saying %q without the password", store.RedactURL(tc.url), err, tc.want)
		}
	}
	dbURL := pgtest.URL(t)
	s := start(t, "--data", dbURL)
	u, _ := url.Parse(dbURL)
	pw, _ := u.User.Password()
	if !strings.Contains(s.banner, "shared in postgres://") || pw != "" && strings.Contains(s.banner, pw) {
		t.Errorf("banner: %s", s.banner)
	}
	if status, _, _ := call(t, "POST", s.url+"/v1/"+mock.DemoProjectID+"/secrets/"+mock.DemoSecretName+"/backup", mock.DemoToken, ""); status != 200 {
		t.Errorf("backup of the demo secret: %d", status)
	}
}
