package mock_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/recording"
)

// Events and notification records over HTTP: the routes, the vendor's shapes and refusals,
// and the journal entries that name the records a request made.

const (
	csmsBase   = "/v1/" + mock.DemoProjectID + "/csms"
	eventsBase = csmsBase + "/events"
	recordsURL = csmsBase + "/notification-records"
	smnTopic   = `{"target_type":"SMN","target_id":"urn:smn:cn-north-4:p:alerts","target_name":"alerts"}`
)

func eventBody(name, state string, types ...string) string {
	return fmt.Sprintf(`{"name":%q,"event_types":["%s"],"state":%q,"notification":%s}`,
		name, strings.Join(types, `","`), state, smnTopic)
}

type eventAnswer struct {
	Event struct {
		Name       string   `json:"name"`
		ID         string   `json:"event_id"`
		Types      []string `json:"event_types"`
		State      string   `json:"state"`
		CreateTime int64    `json:"create_time"`
		UpdateTime int64    `json:"update_time"`
		Target     struct {
			Type string `json:"target_type"`
			ID   string `json:"target_id"`
			Name string `json:"target_name"`
		} `json:"notification"`
	} `json:"event"`
}

type recordsAnswer struct {
	Records []struct {
		Event   string `json:"event_name"`
		Type    string `json:"trigger_event_type"`
		Secret  string `json:"secret_name"`
		Time    int64  `json:"create_time"`
		Content string `json:"notification_content"`
		Status  string `json:"notification_status"`
	} `json:"records"`
	PageInfo struct {
		Count int     `json:"current_count"`
		Next  *string `json:"next_marker"`
	} `json:"page_info"`
}

func (c *client) records() recordsAnswer {
	c.t.Helper()
	var out recordsAnswer
	c.must(200, "GET", recordsURL, "", demoToken).json(c.t, &out)
	return out
}

func TestEventsOverHTTP(t *testing.T) {
	_, c := newMock(t, nil)
	var created eventAnswer
	c.must(200, "POST", eventsBase, eventBody("alerts", "ENABLED", "SECRET_VERSION_CREATED"), demoToken).json(t, &created)
	if e := created.Event; e.Name != "alerts" || e.ID == "" || e.State != "ENABLED" || e.Target.Type != "SMN" || e.CreateTime == 0 {
		t.Fatalf("created %+v", e)
	}
	var shown eventAnswer
	c.must(200, "GET", eventsBase+"/alerts", "", demoAKSK).json(t, &shown)
	if shown.Event.ID != created.Event.ID {
		t.Fatalf("shown %+v", shown.Event)
	}
	var updated eventAnswer
	c.must(200, "PUT", eventsBase+"/alerts", `{"state":"DISABLED"}`, demoToken).json(t, &updated)
	if updated.Event.State != "DISABLED" || len(updated.Event.Types) != 1 || updated.Event.Target.ID == "" {
		t.Fatalf("updated %+v", updated.Event)
	}
	for _, name := range []string{"b", "c"} {
		c.must(200, "POST", eventsBase, eventBody(name, "ENABLED", "SECRET_DELETED"), demoToken)
	}
	var page struct {
		Events   []struct{ Name string } `json:"events"`
		PageInfo struct {
			Count int     `json:"current_count"`
			Next  *string `json:"next_marker"`
		} `json:"page_info"`
	}
	c.must(200, "GET", eventsBase+"?limit=2", "", demoToken).json(t, &page)
	if len(page.Events) != 2 || page.PageInfo.Count != 2 || page.PageInfo.Next == nil || *page.PageInfo.Next != "b" {
		t.Fatalf("first page %+v", page)
	}
	page.PageInfo.Next = nil
	c.must(200, "GET", eventsBase+"?limit=2&marker=b", "", demoToken).json(t, &page)
	if len(page.Events) != 1 || page.Events[0].Name != "c" || page.PageInfo.Next != nil {
		t.Fatalf("last page %+v", page)
	}
	c.must(204, "DELETE", eventsBase+"/c", "", demoToken)
	if code := c.must(400, "GET", eventsBase+"/c", "", demoToken).errorCode(t); code != "CSMS.0005" {
		t.Fatalf("unknown event: %s", code)
	}
}

func TestEventsAreRefusedInTheVendorsShapes(t *testing.T) {
	_, c := newMock(t, nil)
	c.must(200, "POST", eventsBase, eventBody("alerts", "ENABLED", "SECRET_DELETED"), demoToken)
	cases := map[string]struct {
		method, path, body string
	}{
		"a name in use":       {"POST", eventsBase, eventBody("alerts", "ENABLED", "SECRET_DELETED")},
		"a bad name":          {"POST", eventsBase, eventBody("bad.name", "ENABLED", "SECRET_DELETED")},
		"an unknown type":     {"POST", eventsBase, eventBody("x", "ENABLED", "SECRET_READ")},
		"a type twice":        {"POST", eventsBase, eventBody("x", "ENABLED", "SECRET_DELETED", "SECRET_DELETED")},
		"an unknown state":    {"POST", eventsBase, eventBody("x", "ON", "SECRET_DELETED")},
		"no notification":     {"POST", eventsBase, `{"name":"x","event_types":[],"state":"ENABLED"}`},
		"a target without id": {"POST", eventsBase, `{"name":"x","event_types":[],"state":"ENABLED","notification":{"target_type":"SMN","target_name":"n"}}`},
		"an unknown event":    {"PUT", eventsBase + "/nope", `{"state":"ENABLED"}`},
		"a bad update":        {"PUT", eventsBase + "/alerts", `{"state":"PAUSED"}`},
		"delete unknown":      {"DELETE", eventsBase + "/nope", ""},
	}
	for name, tc := range cases {
		r := c.do(tc.method, tc.path, tc.body, demoToken)
		if r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
			continue
		}
		r.errorCode(t)
	}
	var shown eventAnswer
	c.must(200, "GET", eventsBase+"/alerts", "", demoToken).json(t, &shown)
	if shown.Event.State != "ENABLED" {
		t.Fatalf("a refused update changed the event: %+v", shown.Event)
	}
}

// TestEventRoutesTakeTheLiteralSegment: /csms/events/{event_name} and /csms/{secret_id}/tags
// both match /csms/events/tags; the literal "events" wins, and a secret's tags are still
// reached by its id.
func TestEventRoutesTakeTheLiteralSegment(t *testing.T) {
	_, c := newMock(t, nil)
	c.must(200, "POST", eventsBase, eventBody("tags", "ENABLED", "SECRET_DELETED"), demoToken)
	var shown eventAnswer
	c.must(200, "GET", eventsBase+"/tags", "", demoToken).json(t, &shown)
	if shown.Event.Name != "tags" {
		t.Fatalf("GET %s/tags answered %+v", eventsBase, shown)
	}
	c.create("tagged", "v")
	var sec struct {
		Secret struct{ ID string } `json:"secret"`
	}
	c.must(200, "GET", base+"/tagged", "", demoToken).json(t, &sec)
	c.must(204, "POST", csmsBase+"/"+sec.Secret.ID+"/tags", `{"tag":{"key":"team","value":"a"}}`, demoToken)
	var tags struct {
		Tags []struct{ Key string } `json:"tags"`
	}
	c.must(200, "GET", csmsBase+"/"+sec.Secret.ID+"/tags", "", demoToken).json(t, &tags)
	if len(tags.Tags) != 1 || tags.Tags[0].Key != "team" {
		t.Fatalf("tags %+v", tags)
	}
	c.must(204, "DELETE", eventsBase+"/tags", "", demoToken)
	c.must(200, "GET", csmsBase+"/tags", "", demoToken)
}

func TestASubscribedEventIsNotDeleted(t *testing.T) {
	_, c := newMock(t, nil)
	c.must(200, "POST", eventsBase, eventBody("alerts", "ENABLED", "SECRET_DELETED"), demoToken)
	c.must(200, "POST", base, `{"name":"db","secret_string":"v","event_subscriptions":["alerts"]}`, demoToken)
	if code := c.must(400, "DELETE", eventsBase+"/alerts", "", demoToken).errorCode(t); code != "CSMS.0003" {
		t.Fatalf("delete of a subscribed event: %s", code)
	}
	c.must(200, "PUT", base+"/db", `{"event_subscriptions":[]}`, demoToken)
	c.must(204, "DELETE", eventsBase+"/alerts", "", demoToken)
}

func TestRecordsAndTheJournalNameWhatHappened(t *testing.T) {
	srv, c := newMock(t, nil)
	c.must(200, "POST", eventsBase, eventBody("alerts", "ENABLED",
		"SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_DELETED"), demoToken)
	c.must(200, "POST", eventsBase, eventBody("off", "DISABLED", "SECRET_VERSION_CREATED"), demoToken)
	c.must(200, "POST", base, `{"name":"db","secret_string":"journal-secret-value","event_subscriptions":["alerts"]}`, demoToken)
	c.must(200, "POST", base, `{"name":"quiet","secret_string":"v","event_subscriptions":["off"]}`, demoToken)
	expire := time.Now().Add(time.Hour).Unix() // in seconds, as the pages give it
	c.must(200, "POST", base+"/db/versions", fmt.Sprintf(`{"secret_string":"journal-secret-value","expire_time":%d}`, expire), demoToken)
	c.must(200, "POST", base+"/db/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken)

	got := c.records()
	var kinds []string
	for _, r := range got.Records {
		kinds = append(kinds, r.Type+" "+r.Secret)
		if r.Event != "alerts" || r.Status != "SUCCESS" || strings.Contains(r.Content, "journal-secret-value") {
			t.Errorf("record %+v", r)
		}
	}
	want := "SECRET_VERSION_CREATED db,SECRET_VERSION_CREATED db,SECRET_DELETED db"
	if strings.Join(kinds, ",") != want || got.PageInfo.Count != 3 || got.PageInfo.Next != nil {
		t.Fatalf("records %v (page_info %+v), want %s", kinds, got.PageInfo, want)
	}

	// The clock passes the version's expiry: the next list records it, once.
	srv.Clock().Advance(2 * time.Hour)
	got = c.records()
	if n := len(got.Records); n != 4 || got.Records[3].Type != "SECRET_VERSION_EXPIRED" || got.Records[3].Time != expire*1000 {
		t.Fatalf("after the expiry: %+v", got.Records)
	}
	if n := len(c.records().Records); n != 4 {
		t.Fatalf("the expiry was recorded again: %d records", n)
	}

	entries, _ := srv.Journal()
	named := map[string][]recording.Notification{}
	for _, e := range entries {
		if len(e.Notifications) > 0 {
			named[e.Operation] = append(named[e.Operation], e.Notifications...)
		}
		if strings.Contains(fmt.Sprint(e.Notifications), "journal-secret-value") {
			t.Errorf("a journal entry names a secret value: %+v", e)
		}
	}
	wantNamed := map[string]string{
		"CreateSecret":            "SECRET_VERSION_CREATED",
		"CreateSecretVersion":     "SECRET_VERSION_CREATED",
		"DeleteSecretForSchedule": "SECRET_DELETED",
	}
	for op, typ := range wantNamed {
		n := named[op]
		if len(n) != 1 || n[0].Type != typ || n[0].Event != "alerts" || n[0].Secret != "db" ||
			n[0].TargetType != "SMN" || n[0].TargetID != "urn:smn:cn-north-4:p:alerts" || n[0].TargetName != "alerts" || n[0].Status != "SUCCESS" {
			t.Errorf("%s's journal entry names %+v, want one %s", op, n, typ)
		}
	}
	if len(named) != len(wantNamed) {
		t.Errorf("journal entries that name records: %v", named)
	}
}
