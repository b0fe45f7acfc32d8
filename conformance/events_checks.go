package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// Vendor sources of the events checks.
const (
	srcEvents = "the CreateSecretEvent, ShowSecretEvent and ListSecretEvents pages and the SDK's Event model: an event " +
		"has a name, its basic event types, a state (ENABLED or DISABLED) and a notification topic"
	srcEventName = "the CreateSecretEvent page: the name of the event to create; an event is named by it in every other " +
		"operation, so one name names one event"
	srcEventTypes = "the CreateSecretEvent page: the basic event types are SECRET_VERSION_CREATED, SECRET_VERSION_EXPIRED, " +
		"SECRET_ROTATED, SECRET_DELETED and SECRET_ROTATED_FAILED, and \"the basic event types in the list cannot repeat\""
	srcUpdateEvent = "the UpdateSecretEvent page and SDK model: state, event_types and notification, each optional"
	srcEventList   = "the ListSecretEvents page: limit (default 50) and marker, the event name a page starts after"
	srcEventDelete = "the DeleteSecretEvent page: the event is deleted at once and for good; \"if an event is referenced " +
		"by a secret, the event cannot be deleted\""
	srcRecords = "the CreateSecretEvent page: when an event is enabled and a basic event type it contains is triggered on " +
		"a secret, a notification is sent; the ListNotificationRecords page: the records of the notifications triggered"
)

// eventTypeVersionCreated and eventTypeDeleted are the basic event types the checks provoke.
const (
	eventTypeVersionCreated = "SECRET_VERSION_CREATED"
	eventTypeDeleted        = "SECRET_DELETED"
)

// eventsPath is a path below /v1/{project_id}/csms/events.
func eventsPath(projectID string, name ...string) string {
	p := csmsPath(projectID, "events")
	for _, n := range name {
		p += "/" + url.PathEscape(n)
	}
	return p
}

// eventFields is an Event as answers carry it.
type eventFields struct {
	Name         string   `json:"name"`
	ID           string   `json:"event_id"`
	Types        []string `json:"event_types"`
	State        string   `json:"state"`
	Notification struct {
		Type string `json:"target_type"`
		ID   string `json:"target_id"`
		Name string `json:"target_name"`
	} `json:"notification"`
}

// eventOf returns the event of an EventResponse.
func eventOf(ex *exchange) eventFields {
	var body struct {
		Event eventFields `json:"event"`
	}
	_ = json.Unmarshal(ex.body, &body)
	return body.Event
}

// eventTopic is the notification topic of the suite's events: the service does not check it.
func eventTopic(name string) map[string]string {
	return map[string]string{"target_type": "SMN", "target_id": "urn:smn:csmsconform:" + name, "target_name": name}
}

// newEvent creates an event named after purpose; the caller discards it (discardEvent) after
// the secrets that subscribe to it.
func (c *check) newEvent(purpose, state string, types ...string) (string, *exchange) {
	name := newName(purpose)
	ex := c.op(opCreateSecretEvent, http.MethodPost, eventsPath(c.s.projectID()),
		map[string]any{"name": name, "event_types": types, "state": state, "notification": eventTopic(name)})
	if !is2xx(ex) {
		c.fatalOn(ex, "cannot create an event to check with: want 200")
	}
	return name, ex
}

// deleteEvent deletes an event a check made.
func (c *check) deleteEvent(name string) *exchange {
	return c.op(opDeleteSecretEvent, http.MethodDelete, eventsPath(c.s.projectID(), name), nil)
}

// discardEvent deletes an event a check made, when the check ends: the event may be gone
// already, and an answer that says so is no sign that the operation is missing.
func (c *check) discardEvent(name string) {
	c.mustAnswer(call{what: opDeleteSecretEvent, method: http.MethodDelete, path: eventsPath(c.s.projectID(), name), creds: c.s.creds()})
}

// showEvent returns an event through ShowSecretEvent.
func (c *check) showEvent(name string) (eventFields, *exchange) {
	ex := c.ok(opShowSecretEvent, http.MethodGet, eventsPath(c.s.projectID(), name), nil)
	return eventOf(ex), ex
}

// expectEvent blames an event that is not what the suite wrote.
func (c *check) expectEvent(ex *exchange, got eventFields, name, state string, types []string) {
	if got.Name != name || got.State != state || !slices.Equal(sortedCopy(got.Types), sortedCopy(types)) {
		c.blame(ex, "the event is %s, %s, %v; the suite wrote %s, %s, %v", got.Name, got.State, got.Types, name, state, types)
	}
	if want := eventTopic(name); got.Notification.Type != want["target_type"] || got.Notification.ID != want["target_id"] ||
		got.Notification.Name != want["target_name"] {
		c.blame(ex, "the event's notification is %+v, not the topic the suite wrote", got.Notification)
	}
}

func sortedCopy(s []string) []string { return slices.Sorted(slices.Values(s)) }

// subscribedSecret creates a secret subscribed to event.
func (c *check) subscribedSecret(purpose, event string) string {
	name, _ := c.newSecret(purpose, map[string]any{"secret_string": newValue(), "event_subscriptions": []string{event}})
	return name
}

// recordFields is a notification record as ListNotificationRecords answers it.
type recordFields struct {
	Event  string `json:"event_name"`
	Type   string `json:"trigger_event_type"`
	Secret string `json:"secret_name"`
}

// recordsOf lists the notification records of one secret.
func (c *check) recordsOf(secret string) ([]recordFields, *exchange) {
	ex := c.ok(opListNotificationRecords, http.MethodGet, csmsPath(c.s.projectID(), "notification-records"), nil)
	var body struct {
		Records []recordFields `json:"records"`
	}
	c.decode(ex, &body)
	return slices.DeleteFunc(body.Records, func(r recordFields) bool { return r.Secret != secret }), ex
}

// countRecords is how many of records are of the event and type.
func countRecords(records []recordFields, event, eventType string) int {
	n := 0
	for _, r := range records {
		if r.Event == event && r.Type == eventType {
			n++
		}
	}
	return n
}

// eventsChecks: events are kept, changed, listed and deleted as their pages say, and what
// happens to a subscribed secret leaves a notification record.
func (s *suite) eventsChecks() {
	s.must("CreateSecretEvent answers the event as created, and ShowSecretEvent and ListSecretEvents name it so", ProfileEvents, srcEvents,
		ops(opCreateSecretEvent, opShowSecretEvent, opListSecretEvents, opDeleteSecretEvent), func(c *check) {
			types := []string{eventTypeVersionCreated, eventTypeDeleted}
			name, ex := c.newEvent("event", "ENABLED", types...)
			defer c.discardEvent(name)
			c.expectEvent(ex, eventOf(ex), name, "ENABLED", types)
			got, ex := c.showEvent(name)
			c.expectEvent(ex, got, name, "ENABLED", types)
			if listed, ex := c.walkEvents(50); !slices.ContainsFunc(listed, func(e eventFields) bool { return e.Name == name }) {
				c.blame(ex, "ListSecretEvents does not name the event %s", name)
			}
		})
	s.must("UpdateSecretEvent changes the fields sent and keeps the others", ProfileEvents, srcUpdateEvent,
		ops(opCreateSecretEvent, opUpdateSecretEvent, opShowSecretEvent, opDeleteSecretEvent), func(c *check) {
			name, _ := c.newEvent("update", "ENABLED", eventTypeVersionCreated)
			defer c.discardEvent(name)
			ex := c.ok(opUpdateSecretEvent, http.MethodPut, eventsPath(c.s.projectID(), name), map[string]any{"state": "DISABLED"})
			c.expectEvent(ex, eventOf(ex), name, "DISABLED", []string{eventTypeVersionCreated})
			ex = c.ok(opUpdateSecretEvent, http.MethodPut, eventsPath(c.s.projectID(), name), map[string]any{"event_types": []string{eventTypeDeleted}})
			c.expectEvent(ex, eventOf(ex), name, "DISABLED", []string{eventTypeDeleted})
			got, ex := c.showEvent(name)
			c.expectEvent(ex, got, name, "DISABLED", []string{eventTypeDeleted})
		})
	s.must("CreateSecretEvent refuses a name in use with a 4xx and leaves the event as it was", ProfileEvents, srcEventName,
		ops(opCreateSecretEvent, opShowSecretEvent, opDeleteSecretEvent), func(c *check) {
			name, _ := c.newEvent("taken", "ENABLED", eventTypeVersionCreated)
			defer c.discardEvent(name)
			ex := c.op(opCreateSecretEvent, http.MethodPost, eventsPath(c.s.projectID()),
				map[string]any{"name": name, "event_types": []string{eventTypeDeleted}, "state": "DISABLED", "notification": eventTopic(name)})
			if !is4xx(ex) {
				c.blame(ex, "want a 4xx: an event named %s exists", name)
			}
			got, ex := c.showEvent(name)
			c.expectEvent(ex, got, name, "ENABLED", []string{eventTypeVersionCreated})
		})
	s.must("CreateSecretEvent refuses an unknown or repeated event type with 400", ProfileEvents, srcEventTypes,
		ops(opCreateSecretEvent), func(c *check) {
			for _, types := range [][]string{{"SECRET_READ"}, {eventTypeDeleted, eventTypeDeleted}} {
				name := newName("bad-types")
				ex := c.op(opCreateSecretEvent, http.MethodPost, eventsPath(c.s.projectID()),
					map[string]any{"name": name, "event_types": types, "state": "ENABLED", "notification": eventTopic(name)})
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: the event types %v break the documented rule", types)
				}
				if is2xx(ex) {
					c.discardEvent(name)
				}
			}
		})
	s.must("ListSecretEvents walked with limit and marker names each of the suite's events once", ProfileEvents, srcEventList,
		ops(opCreateSecretEvent, opListSecretEvents, opDeleteSecretEvent), func(c *check) {
			var made []string
			for range 3 {
				name, _ := c.newEvent("list", "ENABLED", eventTypeDeleted)
				defer c.discardEvent(name)
				made = append(made, name)
			}
			listed, ex := c.walkEvents(1)
			for _, name := range made {
				n := 0
				for _, e := range listed {
					if e.Name == name {
						n++
					}
				}
				if n != 1 {
					c.blame(ex, "the walk names the event %s %d times, not once", name, n)
				}
			}
		})
	s.must("DeleteSecretEvent deletes the event: ShowSecretEvent then answers it unknown with 404 or the documented 400 CSMS.0005", ProfileEvents,
		srcEventDelete, ops(opCreateSecretEvent, opDeleteSecretEvent, opShowSecretEvent), func(c *check) {
			name, _ := c.newEvent("delete", "ENABLED", eventTypeDeleted)
			if ex := c.deleteEvent(name); !is2xx(ex) {
				c.fatalOn(ex, "want 204: the event exists and no secret subscribes to it")
			}
			ex := c.mustAnswer(call{what: "ShowSecretEvent of the deleted event", method: http.MethodGet,
				path: eventsPath(c.s.projectID(), name), creds: c.s.creds()})
			if !isUnknownResource(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0005: the event was deleted")
			}
		})
	s.must("DeleteSecretEvent refuses an event a secret subscribes to with a 4xx, and deletes it once the secret unsubscribes", ProfileEvents,
		srcEventDelete, ops(opCreateSecretEvent, opCreateSecret, opDeleteSecretEvent, opShowSecretEvent, opUpdateSecret), func(c *check) {
			event, _ := c.newEvent("in-use", "ENABLED", eventTypeDeleted)
			defer c.discardEvent(event)
			secret := c.subscribedSecret("subscriber", event)
			defer c.deleteSecret(secret)
			if ex := c.deleteEvent(event); !is4xx(ex) {
				c.blame(ex, "want a 4xx: the secret %s subscribes to the event", secret)
			}
			c.showEvent(event)
			c.ok(opUpdateSecret, http.MethodPut, secretPath(c.s.projectID(), secret), map[string]any{"event_subscriptions": []string{}})
			if ex := c.deleteEvent(event); !is2xx(ex) {
				c.blame(ex, "want 204: no secret subscribes to the event any more")
			}
		})
	s.must("a new version of a secret subscribed to an ENABLED event leaves a SECRET_VERSION_CREATED record; a DISABLED event leaves none", ProfileEvents,
		srcRecords, ops(opCreateSecretEvent, opCreateSecret, opCreateSecretVersion, opListNotificationRecords, opDeleteSecretEvent), func(c *check) {
			on, _ := c.newEvent("on", "ENABLED", eventTypeVersionCreated)
			defer c.discardEvent(on)
			off, _ := c.newEvent("off", "DISABLED", eventTypeVersionCreated)
			defer c.discardEvent(off)
			heard, quiet := c.subscribedSecret("heard", on), c.subscribedSecret("quiet", off)
			defer c.deleteSecret(heard)
			defer c.deleteSecret(quiet)
			before, _ := c.recordsOf(heard)
			c.newVersion(heard, newValue())
			c.newVersion(quiet, newValue())
			after, ex := c.recordsOf(heard)
			if got, was := countRecords(after, on, eventTypeVersionCreated), countRecords(before, on, eventTypeVersionCreated); got != was+1 {
				c.blame(ex, "%d SECRET_VERSION_CREATED records of %s and its event after a new version, %d before: want one more", got, heard, was)
			}
			if records, ex := c.recordsOf(quiet); len(records) > 0 {
				c.blame(ex, "%d records of %s, whose only event is DISABLED", len(records), quiet)
			}
		})
	s.must("scheduling a subscribed secret's deletion leaves a SECRET_DELETED record", ProfileEvents, srcRecords,
		ops(opCreateSecretEvent, opCreateSecret, opDeleteSecretForSchedule, opListNotificationRecords, opDeleteSecretEvent), func(c *check) {
			event, _ := c.newEvent("deletions", "ENABLED", eventTypeDeleted)
			defer c.discardEvent(event)
			secret := c.subscribedSecret("doomed", event)
			defer c.discard(secret)
			c.schedule(secret)
			if records, ex := c.recordsOf(secret); countRecords(records, event, eventTypeDeleted) != 1 {
				c.blame(ex, "the records of %s are %v, without one SECRET_DELETED record of its event", secret, records)
			}
		})
	s.sweepChecks(ops(opCreateSecretEvent, opListSecretEvents, opShowSecretEvent, opUpdateSecretEvent, opDeleteSecretEvent,
		opListNotificationRecords, opCreateSecret, opUpdateSecret, opCreateSecretVersion, opDeleteSecretForSchedule, opRestoreSecret,
		opDeleteSecret))
}

// walkEvents lists every event, limit a page, following next_marker; it stops when a page names
// the marker it was asked for again.
func (c *check) walkEvents(limit int) ([]eventFields, *exchange) {
	var all []eventFields
	var ex *exchange
	marker := ""
	for range 200 {
		path := eventsPath(c.s.projectID()) + "?limit=" + strconv.Itoa(limit)
		if marker != "" {
			path += "&marker=" + url.QueryEscape(marker)
		}
		ex = c.ok(opListSecretEvents, http.MethodGet, path, nil)
		var page struct {
			Events   []eventFields `json:"events"`
			PageInfo struct {
				Next *string `json:"next_marker"`
			} `json:"page_info"`
		}
		c.decode(ex, &page)
		all = append(all, page.Events...)
		if page.PageInfo.Next == nil || *page.PageInfo.Next == "" || *page.PageInfo.Next == marker {
			return all, ex
		}
		marker = *page.PageInfo.Next
	}
	c.fatalOn(ex, "ListSecretEvents still names a next page after 200")
	return all, ex
}
