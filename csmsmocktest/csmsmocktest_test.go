package csmsmocktest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
)

func TestSeedAndJournal(t *testing.T) {
	srv := csmsmocktest.Start(t)
	sec := srv.Seed(t, "db-password", "one", "two")
	if sec.ID == "" {
		t.Fatal("Seed returned no id")
	}
	req, _ := http.NewRequest("GET", srv.URL+"/v1/"+srv.ProjectID+"/secrets/db-password/versions/latest", nil)
	res, err := srv.Client().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("latest: %v %v", res, err)
	}
	res.Body.Close()
	entries := srv.Journal()
	if last := entries[len(entries)-1]; last.Operation != "ShowSecretVersion" || last.Principal != "default" {
		t.Errorf("journal's last entry = %+v", last)
	}
}

// recordingTB stands in for a test so that the cleanup's verdict can be read.
type recordingTB struct {
	testing.TB
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) { r.errors = append(r.errors, format) }
func (r *recordingTB) Cleanup(f func())                  { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Helper()                           {}

func (r *recordingTB) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// A request the contract forbids fails the test that sent it, unless the test allows it.
func TestViolationsFailTheTest(t *testing.T) {
	for _, allow := range []bool{false, true} {
		tb := &recordingTB{TB: t}
		var opts []csmsmocktest.Option
		if allow {
			opts = append(opts, csmsmocktest.AllowRequestViolations())
		}
		srv := csmsmocktest.Start(tb, opts...)
		res, err := srv.Client().Post(srv.URL+"/v1/"+srv.ProjectID+"/secrets", "application/json", strings.NewReader(`{"name":"a.b","secret_string":"v"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		tb.finish()
		if failed := len(tb.errors) > 0; failed == allow {
			t.Errorf("allow %v: the test failed = %v, errors %v", allow, failed, tb.errors)
		}
	}
}
