package secrets_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
)

// Events and the notification records they leave, tested without HTTP.

var topic = secrets.Notification{TargetType: "SMN", TargetID: "urn:smn:region:p:alerts", TargetName: "alerts"}

func mustCreateEvent(t *testing.T, svc *secrets.Service, name, state string, types ...string) *secrets.Event {
	t.Helper()
	e, err := svc.CreateEvent(project, secrets.NewEvent{Name: name, Types: types, State: state, Notification: topic})
	if err != nil {
		t.Fatalf("create event %s: %v", name, err)
	}
	return e
}

// subscribed creates a secret subscribed to event.
func subscribed(t *testing.T, svc *secrets.Service, name, event string) *secrets.Secret {
	t.Helper()
	sec, err := svc.Create(project, secrets.NewSecret{Name: name, Value: str("value"),
		Settings: secrets.Settings{EventSubscriptions: []string{event}}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return sec
}

func records(t *testing.T, svc *secrets.Service) []secrets.Record {
	t.Helper()
	recs, err := svc.ListRecords(project)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// kinds lists each record as "event type secret".
func kinds(recs []secrets.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.EventName+" "+r.EventType+" "+r.SecretName)
	}
	return out
}

func TestEventsAreKeptAsCreatedAndUpdated(t *testing.T) {
	svc, clk := newService(t, 0)
	e := mustCreateEvent(t, svc, "alerts", secrets.EventEnabled, secrets.EventVersionCreated, secrets.EventDeleted)
	if e.ID == "" || e.CreateTime != clk.t.UnixMilli() || e.UpdateTime != e.CreateTime || e.Notification != topic {
		t.Fatalf("created %+v", e)
	}
	got, err := svc.ShowEvent(project, "alerts")
	if err != nil || got.ID != e.ID || !slices.Equal(got.Types, e.Types) || got.State != secrets.EventEnabled {
		t.Fatalf("show = %+v, %v", got, err)
	}
	clk.t = clk.t.Add(time.Minute)
	disabled, types := secrets.EventDisabled, []string{secrets.EventVersionExpired}
	other := secrets.Notification{TargetType: "SMN", TargetID: "urn:other", TargetName: "other"}
	up, err := svc.UpdateEvent(project, "alerts", secrets.EventUpdate{State: &disabled})
	if err != nil || up.State != disabled || !slices.Equal(up.Types, e.Types) || up.Notification != topic {
		t.Fatalf("update of the state = %+v, %v", up, err)
	}
	if up.UpdateTime != clk.t.UnixMilli() || up.CreateTime != e.CreateTime {
		t.Fatalf("times after update: %d, %d", up.CreateTime, up.UpdateTime)
	}
	up, err = svc.UpdateEvent(project, "alerts", secrets.EventUpdate{Types: &types, Notification: &other})
	if err != nil || up.State != disabled || !slices.Equal(up.Types, types) || up.Notification != other {
		t.Fatalf("update of the types and topic = %+v, %v", up, err)
	}
	_, err = svc.UpdateEvent(project, "nope", secrets.EventUpdate{State: &disabled})
	wantKind(t, err, secrets.EventNotFound)
	_, err = svc.ShowEvent(project, "nope")
	wantKind(t, err, secrets.EventNotFound)
	wantKind(t, svc.DeleteEvent(project, "nope"), secrets.EventNotFound)
	if err := svc.DeleteEvent(project, "alerts"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.ShowEvent(project, "alerts")
	wantKind(t, err, secrets.EventNotFound)
}

func TestEventsAreRefusedAsDocumented(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreateEvent(t, svc, "alerts", secrets.EventEnabled, secrets.EventVersionCreated)
	cases := map[string]secrets.NewEvent{
		"a name in use":     {Name: "alerts", Types: []string{secrets.EventDeleted}, State: secrets.EventEnabled},
		"a type twice":      {Name: "twice", Types: []string{secrets.EventDeleted, secrets.EventDeleted}, State: secrets.EventEnabled},
		"an unknown type":   {Name: "unknown", Types: []string{"SECRET_READ"}, State: secrets.EventEnabled},
		"an unknown state":  {Name: "state", Types: []string{secrets.EventDeleted}, State: "PAUSED"},
		"a lower-case type": {Name: "lower", Types: []string{"secret_deleted"}, State: secrets.EventEnabled},
	}
	want := map[string]secrets.Kind{"a name in use": secrets.NameTaken}
	for name, in := range cases {
		_, err := svc.CreateEvent(project, in)
		wantKind(t, err, cmpOr(want[name], secrets.InvalidEvent))
	}
	twice := []string{secrets.EventRotated, secrets.EventRotated}
	_, err := svc.UpdateEvent(project, "alerts", secrets.EventUpdate{Types: &twice})
	wantKind(t, err, secrets.InvalidEvent)
	if e, _ := svc.ShowEvent(project, "alerts"); !slices.Equal(e.Types, []string{secrets.EventVersionCreated}) {
		t.Fatalf("a refused update changed the event: %v", e.Types)
	}
	// An empty list is what the request's definitions allow.
	if _, err := svc.CreateEvent(project, secrets.NewEvent{Name: "none", State: secrets.EventEnabled}); err != nil {
		t.Fatalf("an event with no types: %v", err)
	}
}

func cmpOr(k, def secrets.Kind) secrets.Kind {
	if k != 0 {
		return k
	}
	return def
}

func TestAProjectHoldsAtMostMaxEvents(t *testing.T) {
	svc, _ := newService(t, 0)
	for i := range secrets.MaxEvents {
		mustCreateEvent(t, svc, fmt.Sprintf("e%02d", i), secrets.EventEnabled, secrets.EventDeleted)
	}
	_, err := svc.CreateEvent(project, secrets.NewEvent{Name: "one-more", State: secrets.EventEnabled, Notification: topic})
	wantKind(t, err, secrets.TooManyEvents)
	// Another project has room of its own.
	if _, err := svc.CreateEvent("other-project-0123456789abcdef01", secrets.NewEvent{Name: "one-more", State: secrets.EventEnabled}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteEvent(project, "e00"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateEvent(project, secrets.NewEvent{Name: "one-more", State: secrets.EventEnabled}); err != nil {
		t.Fatalf("after a deletion: %v", err)
	}
}

func TestListEventsPagesInNameOrder(t *testing.T) {
	svc, _ := newService(t, 0)
	for _, name := range []string{"c", "a", "e", "b", "d"} {
		mustCreateEvent(t, svc, name, secrets.EventEnabled, secrets.EventDeleted)
	}
	var got []string
	marker := ""
	for pages := 0; ; pages++ {
		page, err := svc.ListEvents(project, 2, marker)
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, e := range page.Items {
			got = append(got, e.Name)
		}
		if page.NextMarker == "" {
			if len(page.Items) != 1 {
				t.Fatalf("last page holds %d", len(page.Items))
			}
			break
		}
		marker = page.NextMarker
	}
	if !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Fatalf("listed %v", got)
	}
}

func TestAnEventASecretSubscribesToIsNotDeleted(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreateEvent(t, svc, "alerts", secrets.EventEnabled, secrets.EventDeleted)
	subscribed(t, svc, "db", "alerts")
	wantKind(t, svc.DeleteEvent(project, "alerts"), secrets.EventInUse)
	// A secret pending deletion still exists, and still subscribes.
	if _, err := svc.ScheduleDeletion(project, "db", 7); err != nil {
		t.Fatal(err)
	}
	wantKind(t, svc.DeleteEvent(project, "alerts"), secrets.EventInUse)
	if _, err := svc.CancelDeletion(project, "db"); err != nil {
		t.Fatal(err)
	}
	none := []string{}
	if _, err := svc.Update(project, "db", secrets.SecretUpdate{EventSubscriptions: &none}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteEvent(project, "alerts"); err != nil {
		t.Fatalf("after the secret unsubscribed: %v", err)
	}
}

func TestWhatHappensToASubscribedSecretIsRecorded(t *testing.T) {
	svc, clk := newService(t, 0)
	all := []string{secrets.EventVersionCreated, secrets.EventVersionExpired, secrets.EventRotated, secrets.EventDeleted, secrets.EventRotationFailed}
	mustCreateEvent(t, svc, "all", secrets.EventEnabled, all...)
	mustCreateEvent(t, svc, "off", secrets.EventDisabled, all...)
	mustCreateEvent(t, svc, "deletions", secrets.EventEnabled, secrets.EventDeleted)
	sec := subscribed(t, svc, "db", "all")
	subscribed(t, svc, "quiet", "off")
	subscribed(t, svc, "gone", "deletions")
	subscribed(t, svc, "nowhere", "no-such-event")
	for _, name := range []string{"db", "quiet", "gone", "nowhere"} {
		clk.t = clk.t.Add(time.Second)
		if _, _, err := svc.AddVersion(project, name, secrets.NewVersion{Value: str("v2")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ScheduleDeletion(project, name, 7); err != nil {
			t.Fatal(err)
		}
	}
	// Deleting a secret pending deletion tells no one again; deleting another one does.
	if err := svc.Delete(project, "gone"); err != nil {
		t.Fatal(err)
	}
	subscribed(t, svc, "gone", "deletions")
	if err := svc.Delete(project, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordEvent(project, sec, secrets.EventRotated); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"all SECRET_VERSION_CREATED db", // v1, at creation
		"all SECRET_VERSION_CREATED db", // v2
		"all SECRET_DELETED db",
		"deletions SECRET_DELETED gone",
		"deletions SECRET_DELETED gone",
		"all SECRET_ROTATED db",
	}
	recs := records(t, svc)
	if got := kinds(recs); !slices.Equal(got, want) {
		t.Fatalf("records:\n%v\nwant\n%v", got, want)
	}
	r := recs[1]
	var content map[string]any
	if err := json.Unmarshal([]byte(r.Content), &content); err != nil {
		t.Fatalf("content %q: %v", r.Content, err)
	}
	if content["version_id"] != "v2" || content["secret_name"] != "db" || content["event_type"] != secrets.EventVersionCreated {
		t.Fatalf("content %v", content)
	}
	if r.SecretType != "COMMON" || r.TargetID != topic.TargetID || r.TargetName != topic.TargetName || r.Status != secrets.RecordSent {
		t.Fatalf("record %+v", r)
	}
}

func TestARecordToATopicOfAnotherKindIsInvalid(t *testing.T) {
	svc, _ := newService(t, 0)
	_, err := svc.CreateEvent(project, secrets.NewEvent{Name: "mail", State: secrets.EventEnabled,
		Types: []string{secrets.EventVersionCreated}, Notification: secrets.Notification{TargetType: "EMAIL", TargetID: "x", TargetName: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	subscribed(t, svc, "db", "mail")
	if recs := records(t, svc); len(recs) != 1 || recs[0].Status != secrets.RecordInvalid {
		t.Fatalf("records %+v", recs)
	}
}

// expiryService is a service with a secret db subscribed to an event of expiries.
func expiryService(t *testing.T) (*secrets.Service, *clock) {
	t.Helper()
	svc, clk := newService(t, 0)
	mustCreateEvent(t, svc, "expiry", secrets.EventEnabled, secrets.EventVersionExpired)
	subscribed(t, svc, "db", "expiry")
	return svc, clk
}

func TestAVersionsExpiryIsRecordedOnce(t *testing.T) {
	svc, clk := expiryService(t)
	inSeconds := clk.t.Add(time.Hour).Unix()
	if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("v2"), ExpireTime: &inSeconds}); err != nil {
		t.Fatal(err)
	}
	inMillis := clk.t.Add(2 * time.Hour).UnixMilli()
	if _, _, err := svc.UpdateVersion(project, "db", "v1", inMillis); err != nil {
		t.Fatal(err)
	}
	// An expiry moved later is due at its new time only.
	later := clk.t.Add(3 * time.Hour).UnixMilli()
	if _, _, err := svc.UpdateVersion(project, "db", "v1", later); err != nil {
		t.Fatal(err)
	}
	expire := func() []secrets.Recorded {
		t.Helper()
		done, err := svc.NotifyExpired(1)
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	if done := expire(); len(done) != 0 {
		t.Fatalf("before any expiry: %+v", done)
	}
	clk.t = clk.t.Add(150 * time.Minute)
	done := expire()
	if len(done) != 1 || done[0].Project != project || done[0].EventType != secrets.EventVersionExpired {
		t.Fatalf("after v2's expiry: %+v", done)
	}
	if done[0].CreateTime != inSeconds*1000 {
		t.Fatalf("recorded at %d, want the expiry time %d", done[0].CreateTime, inSeconds*1000)
	}
	if again := expire(); len(again) != 0 {
		t.Fatalf("recorded again: %+v", again)
	}
	clk.t = clk.t.Add(time.Hour)
	if done := expire(); len(done) != 1 || !json.Valid([]byte(done[0].Content)) {
		t.Fatalf("after v1's expiry: %+v", done)
	}
	if got := kinds(records(t, svc)); len(got) != 2 {
		t.Fatalf("records %v, want the two expiries", got)
	}
}

func TestAnExpiryOfADeletedSecretIsNotRecorded(t *testing.T) {
	svc, clk := expiryService(t)
	at := clk.t.Add(time.Hour).UnixMilli()
	if _, _, err := svc.UpdateVersion(project, "db", "v1", at); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(project, "db"); err != nil {
		t.Fatal(err)
	}
	// A new secret of the same name, with a version of the same id expiring at the same time.
	subscribed(t, svc, "db", "expiry")
	clk.t = clk.t.Add(2 * time.Hour)
	done, err := svc.NotifyExpiredIn(project, 10)
	if err != nil || len(done) != 0 {
		t.Fatalf("expiries of a deleted secret: %+v, %v", done, err)
	}
}

func TestRecordsAreThoseOfTheLastThreeMonths(t *testing.T) {
	svc, clk := newService(t, 0)
	mustCreateEvent(t, svc, "created", secrets.EventEnabled, secrets.EventVersionCreated)
	subscribed(t, svc, "old", "created")
	clk.t = clk.t.Add(60 * 24 * time.Hour)
	subscribed(t, svc, "new", "created")
	if got := kinds(records(t, svc)); len(got) != 2 {
		t.Fatalf("after 60 days: %v", got)
	}
	clk.t = clk.t.Add(31 * 24 * time.Hour)
	if got := kinds(records(t, svc)); !slices.Equal(got, []string{"created SECRET_VERSION_CREATED new"}) {
		t.Fatalf("after 91 days: %v", got)
	}
}

func TestRecordsAnswerTheNewestMaxRecords(t *testing.T) {
	svc, clk := newService(t, 0)
	mustCreateEvent(t, svc, "created", secrets.EventEnabled, secrets.EventVersionCreated)
	subscribed(t, svc, "db", "created")
	for range secrets.MaxRecords {
		clk.t = clk.t.Add(time.Millisecond)
		if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("v")}); err != nil {
			t.Fatal(err)
		}
	}
	recs := records(t, svc)
	if len(recs) != secrets.MaxRecords || recs[len(recs)-1].CreateTime != clk.t.UnixMilli() {
		t.Fatalf("%d records, the last at %d", len(recs), recs[len(recs)-1].CreateTime)
	}
	if !slices.IsSortedFunc(recs, func(a, b secrets.Record) int { return int(a.CreateTime - b.CreateTime) }) {
		t.Fatal("records are not oldest first")
	}
}

func TestNotingHearsOfCommittedRecordsOnly(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreateEvent(t, svc, "created", secrets.EventEnabled, secrets.EventVersionCreated)
	var n secrets.Notified
	req := svc.Noting(&n)
	if _, err := req.Create(project, secrets.NewSecret{Name: "db", Value: str("v"),
		Settings: secrets.Settings{EventSubscriptions: []string{"created"}}}); err != nil {
		t.Fatal(err)
	}
	if len(n.Records) != 1 || n.Records[0].SecretName != "db" {
		t.Fatalf("noted %+v", n.Records)
	}
	// A refused request writes nothing and notes nothing.
	var refused secrets.Notified
	_, err := svc.Noting(&refused).Create(project, secrets.NewSecret{Name: "db", Value: str("v"),
		Settings: secrets.Settings{EventSubscriptions: []string{"created"}}})
	wantKind(t, err, secrets.NameTaken)
	if len(refused.Records) != 0 || len(records(t, svc)) != 1 {
		t.Fatalf("a refused creation noted %+v", refused.Records)
	}
}

func TestDropAllDropsEventsAndRecords(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreateEvent(t, svc, "created", secrets.EventEnabled, secrets.EventVersionCreated)
	subscribed(t, svc, "db", "created")
	if err := svc.DropAll(); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ShowEvent(project, "created"); secrets.KindOf(err) != secrets.EventNotFound {
		t.Fatalf("event after DropAll: %v", err)
	}
	if recs := records(t, svc); len(recs) != 0 {
		t.Fatalf("records after DropAll: %v", recs)
	}
}
