package mock_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

func TestHealth(t *testing.T) {
	m, c := newMock(t, func(cfg *mock.Config) { cfg.DataDir = t.TempDir() })
	for _, path := range []string{"/__admin/health", "/__admin/health/live", "/__admin/health/ready"} {
		if status, body := c.admin("GET", path, "", ""); status != 200 {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	var h mock.Health
	_, body := c.admin("GET", "/__admin/health", "", "")
	_ = json.Unmarshal(body, &h)
	if !h.Live || !h.Ready || h.Store != "ok" || h.Fixtures != "loaded" {
		t.Errorf("health = %+v", h)
	}
	// With its database closed the mock is live but not ready.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if status, _ := c.admin("GET", "/__admin/health/live", "", ""); status != 200 {
		t.Errorf("live with the store closed: %d", status)
	}
	if status, body := c.admin("GET", "/__admin/health/ready", "", ""); status != 503 || !strings.Contains(string(body), "unreachable") {
		t.Errorf("ready with the store closed: %d %s", status, body)
	}
}
