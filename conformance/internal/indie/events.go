package indie

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// Events and notification records, from the event pages: an event names basic event types, a
// state and a topic; secrets subscribe to it by name; when an ENABLED event's type happens to
// a subscribed secret, a notification is sent and recorded. This server sends nothing: the
// record is all there is. A version made by CreateSecret is not a version "created" in the
// pages' sense here (only CreateSecretVersion creates one), and an unknown event is answered
// 404 CSMS.0005.

// basicEventTypes are the documented basic event types.
var basicEventTypes = []string{"SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_ROTATED", "SECRET_DELETED", "SECRET_ROTATED_FAILED"}

// maxEvents is the user guide's "You can create up to 30 events".
const maxEvents = 30

type topic struct {
	Type string `json:"target_type"`
	ID   string `json:"target_id"`
	Name string `json:"target_name"`
}

type event struct {
	id      string
	types   []string
	state   string
	created int64
	updated int64
	topic   topic
}

// notice is one notification record.
type notice struct {
	Event   string `json:"event_name"`
	Type    string `json:"trigger_event_type"`
	Created int64  `json:"create_time"`
	Secret  string `json:"secret_name"`
	Kind    string `json:"secret_type"`
	Target  string `json:"notification_target_name"`
	ID      string `json:"notification_target_id"`
	Content string `json:"notification_content"`
	Status  string `json:"notification_status"`
}

func eventJSON(name string, e *event) map[string]any {
	return map[string]any{"name": name, "event_id": e.id, "event_types": e.types, "state": e.state,
		"create_time": e.created, "update_time": e.updated, "notification": e.topic}
}

// validTypes reports basic event types that are all documented, none twice.
func validTypes(types []string) bool {
	for i, t := range types {
		if !slices.Contains(basicEventTypes, t) || slices.Contains(types[:i], t) {
			return false
		}
	}
	return true
}

func validTopic(t *topic) bool { return t != nil && t.Type != "" && t.ID != "" && t.Name != "" }

func (s *Server) unknownEvent(w http.ResponseWriter) { s.unknownResource(w, "event") }

func (s *Server) createEvent(w http.ResponseWriter, q *request) {
	var req struct {
		Name  string   `json:"name"`
		Types []string `json:"event_types"`
		State string   `json:"state"`
		Topic *topic   `json:"notification"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	dupOK := s.defect == DefectEventTypeTwice && len(req.Types) == 2 && req.Types[0] == req.Types[1]
	switch {
	case !namePattern.MatchString(req.Name):
		s.invalid(w, "name must match ^[a-zA-Z0-9_-]{1,64}$.")
		return
	case req.Types == nil || !validTypes(req.Types) && !dupOK || len(req.Types) > 12:
		s.invalid(w, "event_types lists documented basic event types, none twice.")
		return
	case req.State != "ENABLED" && req.State != "DISABLED":
		s.invalid(w, "state is ENABLED or DISABLED.")
		return
	case !validTopic(req.Topic):
		s.invalid(w, "notification needs target_type, target_id and target_name.")
		return
	case s.events[req.Name] != nil && s.defect != DefectEventNameReplaces:
		s.invalid(w, "An event of that name exists.")
		return
	case len(s.events) >= maxEvents:
		s.invalid(w, "A project holds at most 30 events.")
		return
	}
	now := nowMillis()
	e := &event{id: uuid(), types: req.Types, state: req.State, created: now, updated: now, topic: *req.Topic}
	s.events[req.Name] = e
	s.json(w, http.StatusOK, map[string]any{"event": eventJSON(req.Name, e)})
}

func (s *Server) listEvents(w http.ResponseWriter, q *request) {
	query := q.r.URL.Query()
	limit := 50
	if l := query.Get("limit"); l != "" {
		if !limitPattern.MatchString(l) {
			s.invalid(w, "limit is 1 to 1000.")
			return
		}
		limit, _ = strconv.Atoi(l)
	}
	marker := query.Get("marker")
	var names []string
	for name := range s.events {
		if name > marker || s.defect == DefectEventsRepeat && name == marker {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	page := map[string]any{}
	if len(names) > limit {
		names = names[:limit]
		page["next_marker"] = names[limit-1]
	}
	list := []any{}
	for _, name := range names {
		list = append(list, eventJSON(name, s.events[name]))
	}
	page["current_count"] = len(list)
	s.json(w, http.StatusOK, map[string]any{"events": list, "page_info": page})
}

// onEvent wraps an operation on the event the path names.
func onEvent(h func(s *Server, w http.ResponseWriter, q *request, name string, e *event)) func(*Server, http.ResponseWriter, *request) {
	return func(s *Server, w http.ResponseWriter, q *request) {
		name := q.params["event"]
		e := s.events[name]
		if e == nil {
			s.unknownEvent(w)
			return
		}
		h(s, w, q, name, e)
	}
}

func (s *Server) showEvent(w http.ResponseWriter, _ *request, name string, e *event) {
	answer := eventJSON(name, e)
	if s.defect == DefectShowEventEnabled {
		answer["state"] = "ENABLED"
	}
	s.json(w, http.StatusOK, map[string]any{"event": answer})
}

func (s *Server) updateEvent(w http.ResponseWriter, q *request, name string, e *event) {
	var req struct {
		Types *[]string `json:"event_types"`
		State *string   `json:"state"`
		Topic *topic    `json:"notification"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	switch {
	case req.Types != nil && (!validTypes(*req.Types) || len(*req.Types) > 12):
		s.invalid(w, "event_types lists documented basic event types, none twice.")
		return
	case req.State != nil && *req.State != "ENABLED" && *req.State != "DISABLED":
		s.invalid(w, "state is ENABLED or DISABLED.")
		return
	case req.Topic != nil && !validTopic(req.Topic):
		s.invalid(w, "notification needs target_type, target_id and target_name.")
		return
	}
	if req.Types != nil {
		e.types = *req.Types
	}
	if req.State != nil {
		e.state = *req.State
		if s.defect == DefectEventUpdateForgets {
			e.types = []string{}
		}
	}
	if req.Topic != nil {
		e.topic = *req.Topic
	}
	e.updated = nowMillis()
	s.json(w, http.StatusOK, map[string]any{"event": eventJSON(name, e)})
}

func (s *Server) deleteEvent(w http.ResponseWriter, _ *request, name string, _ *event) {
	if s.defect != DefectEventDeletedInUse {
		for secretName, sec := range s.secrets {
			if slices.Contains(sec.subscriptions(), name) {
				s.invalid(w, "The secret "+secretName+" subscribes to the event; unsubscribe it first.")
				return
			}
		}
	}
	if s.defect != DefectEventDeleteKeeps {
		delete(s.events, name)
	}
	w.WriteHeader(http.StatusNoContent)
}

// subscriptions are the events a secret subscribes to, from the event_subscriptions it was
// given.
func (sec *secret) subscriptions() []string {
	var names []string
	_ = json.Unmarshal(sec.extra["event_subscriptions"], &names)
	return names
}

// happened records a notification for each ENABLED event of the secret's that carries the
// type.
func (s *Server) happened(name string, sec *secret, eventType string) {
	for _, en := range sec.subscriptions() {
		e := s.events[en]
		if e == nil || !slices.Contains(e.types, eventType) || e.state != "ENABLED" && s.defect != DefectDisabledNotifies {
			continue
		}
		content, _ := json.Marshal(map[string]string{"event": en, "type": eventType, "secret": name})
		status := "SUCCESS"
		if e.topic.Type != "SMN" {
			status = "INVALID"
		}
		s.notices = append(s.notices, notice{Event: en, Type: eventType, Created: nowMillis(), Secret: name,
			Kind: sec.secretType, Target: e.topic.Name, ID: e.topic.ID, Content: string(content), Status: status})
	}
}

func (s *Server) listNotices(w http.ResponseWriter, _ *request) {
	since := nowMillis() - 90*dayMillis
	list := []notice{}
	for _, n := range s.notices {
		if n.Created >= since {
			list = append(list, n)
		}
	}
	list = list[max(0, len(list)-1000):]
	s.json(w, http.StatusOK, map[string]any{"records": list, "page_info": map[string]any{"current_count": len(list)}})
}
