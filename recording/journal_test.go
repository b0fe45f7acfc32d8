package recording_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/csmskit/csmskit/recording"
)

func TestRingKeepsTheNewest(t *testing.T) {
	r := recording.NewRing[int](3)
	for i := 1; i <= 5; i++ {
		r.Add(i)
	}
	items, dropped := r.Snapshot()
	if !slices.Equal(items, []int{3, 4, 5}) || dropped != 2 {
		t.Errorf("ring = %v, dropped %d", items, dropped)
	}
	r.Clear()
	if items, dropped := r.Snapshot(); len(items) != 0 || dropped != 0 {
		t.Errorf("after Clear: %v %d", items, dropped)
	}
}

func TestRingConcurrent(t *testing.T) {
	r := recording.NewRing[int](100)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 1000 {
				r.Add(i)
				_, _ = r.Snapshot()
			}
		})
	}
	wg.Wait()
	if items, dropped := r.Snapshot(); len(items) != 100 || dropped != 7900 {
		t.Errorf("%d items, %d dropped", len(items), dropped)
	}
}

func TestRedaction(t *testing.T) {
	h := http.Header{}
	h.Set("X-Auth-Token", "MIIsecret-token")
	h.Set("Authorization", "SDK-HMAC-SHA256 Access=AKID, SignedHeaders=x-sdk-date, Signature=deadbeef")
	h.Set("Content-Type", "application/json")
	h.Set("Cookie", "session=secret")
	got := recording.Headers(h)
	if got["X-Auth-Token"] != recording.Redacted || got["Content-Type"] != "application/json" {
		t.Errorf("headers = %v", got)
	}
	if a := got["Authorization"]; !strings.Contains(a, "Access=AKID") || strings.Contains(a, "deadbeef") {
		t.Errorf("Authorization = %q", a)
	}
	if _, ok := got["Cookie"]; ok {
		t.Error("Cookie journaled")
	}

	body := recording.Body([]byte(`{"name":"n","secret_string":"v1","nested":[{"password":"p","secret_blob":"b"}]}`))
	for _, secret := range []string{`"v1"`, `"p"`, `"b"`} {
		if strings.Contains(body, secret) {
			t.Errorf("body %s holds %s", body, secret)
		}
	}
	if !strings.Contains(body, `"name":"n"`) {
		t.Errorf("body lost its harmless fields: %s", body)
	}
	if b := recording.Body([]byte("password=hunter2")); strings.Contains(b, "hunter2") {
		t.Errorf("a non-JSON body was kept: %s", b)
	}
}
