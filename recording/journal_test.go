package recording_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/recording"
)

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
