package mock_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
)

func TestClock(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = adminToken })
	c.create("scheduled", "v")
	c.must(200, "POST", base+"/scheduled/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken)

	// A week later the secret is gone.
	if status, body := c.admin("POST", "/__admin/clock", `{"advance":"167h"}`, adminToken); status != 200 {
		t.Fatalf("advance: %d %s", status, body)
	}
	c.must(200, "GET", base+"/scheduled", "", demoToken)
	c.admin("POST", "/__admin/clock", `{"advance":"1h"}`, adminToken)
	c.must(404, "GET", base+"/scheduled", "", demoToken)

	// The journal shows the mock's time.
	_, body := c.admin("GET", "/__admin/journal", "", adminToken)
	var journal struct {
		Requests []struct {
			Time time.Time `json:"time"`
		} `json:"requests"`
	}
	_ = json.Unmarshal(body, &journal)
	if last := journal.Requests[len(journal.Requests)-1].Time; time.Until(last) < 167*time.Hour {
		t.Errorf("the journal's time %v is not the mock's, a week ahead", last)
	}

	// A signature dated by the real clock is 168 hours off the mock's: refused.
	req, _ := http.NewRequest("GET", c.url+base, nil)
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now()); err != nil {
		t.Fatal(err)
	}
	if res, _ := http.DefaultClient.Do(req); res == nil || res.StatusCode != 401 {
		t.Errorf("a signature outside the mock's date window: %v", res)
	}

	// Set, and back to real time.
	status, body := c.admin("POST", "/__admin/clock", `{"set":"2030-01-02T03:04:05Z"}`, adminToken)
	var st mock.ClockState
	_ = json.Unmarshal(body, &st)
	if status != 200 || st.Now.Sub(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)).Abs() > time.Minute || st.Real {
		t.Errorf("set: %d %s", status, body)
	}
	for _, bad := range []string{`{}`, `{"advance":"soon"}`, `{"advance":"1h","set":"2030-01-01T00:00:00Z"}`} {
		if status, body := c.admin("POST", "/__admin/clock", bad, adminToken); status != 400 {
			t.Errorf("clock %s: %d %s", bad, status, body)
		}
	}
	_, body = c.admin("DELETE", "/__admin/clock", "", adminToken)
	_ = json.Unmarshal(body, &st)
	if !st.Real || time.Since(st.Now).Abs() > time.Minute {
		t.Errorf("back to real time: %s", body)
	}
}

func TestTokenExpiresByTheMocksClock(t *testing.T) {
	m, c := newMock(t, nil)
	res := c.must(201, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"`+mock.DemoUser+
		`","password":"`+mock.DemoPassword+`","domain":{"name":"`+mock.DemoDomain+`"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`, noCreds)
	token := creds{token: res.header.Get("X-Subject-Token")}
	c.must(200, "GET", base, "", token)
	m.Clock().Advance(24*time.Hour + time.Second)
	c.must(401, "GET", base, "", token)
}
