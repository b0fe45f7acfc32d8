package mock_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// An expired version is recorded exactly once however many replicas record due expiries at the
// same time, in the background pass or in a list of records, and every replica answers the
// events and records of the others.
func TestReplicasRecordEachExpiryOnce(t *testing.T) {
	var clk clock
	r := startReplicas(t, "", 3, clk.editor())
	r[0].must(200, "POST", eventsBase, eventBody("expiry", "ENABLED", "SECRET_VERSION_EXPIRED"), demoToken)
	r[1].must(200, "GET", eventsBase+"/expiry", "", demoToken)
	const n = 12
	expire := clk.Now().Add(time.Hour).UnixMilli()
	for i := range n {
		name := fmt.Sprintf("expiring-%02d", i)
		r[i%3].must(200, "POST", base, `{"name":"`+name+`","secret_string":"v","event_subscriptions":["expiry"]}`, demoToken)
		r[(i+1)%3].must(200, "PUT", base+"/"+name+"/versions/v1", fmt.Sprintf(`{"expire_time":%d}`, expire), demoToken)
	}
	clk.advance(2 * time.Hour)
	var wg sync.WaitGroup
	for range 3 {
		for _, x := range r {
			wg.Go(func() {
				if _, err := x.srv.NotifyExpired(); err != nil {
					t.Error(err)
				}
			})
			wg.Go(func() {
				if status, body, err := rawCall(x.url, "GET", recordsURL, ""); err != nil || status != 200 {
					t.Errorf("records: %d %s %v", status, body, err)
				}
			})
		}
	}
	wg.Wait()
	for i, x := range r {
		got := x.records()
		seen := map[string]int{}
		for _, rec := range got.Records {
			if rec.Type != "SECRET_VERSION_EXPIRED" || rec.Time != expire {
				t.Errorf("replica %d: record %+v", i, rec)
			}
			seen[rec.Secret]++
		}
		if len(seen) != n || len(got.Records) != n {
			t.Errorf("replica %d: %d records of %d secrets, want one each of %d", i, len(got.Records), len(seen), n)
		}
	}
	logged := 0
	for _, x := range r {
		logged += len(x.logs.lines("recorded a notification"))
		if more, err := x.srv.NotifyExpired(); more != 0 || err != nil {
			t.Errorf("a later pass recorded %d (%v)", more, err)
		}
	}
	if logged > n || !strings.Contains(fmt.Sprint(r[0].records().Records), "expiring-00") {
		t.Errorf("%d records logged by the background passes, at most %d", logged, n)
	}
}
