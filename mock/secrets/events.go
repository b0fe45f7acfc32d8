package secrets

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// The basic event types an event carries: what happens to a secret that its subscribers hear of.
const (
	EventVersionCreated = "SECRET_VERSION_CREATED"
	EventVersionExpired = "SECRET_VERSION_EXPIRED"
	// EventRotated is what a successful rotation records.
	EventRotated = "SECRET_ROTATED"
	// EventDeleted is recorded when a secret's deletion is scheduled, or when a secret that was
	// not pending deletion is deleted at once.
	EventDeleted = "SECRET_DELETED"
	// EventRotationFailed is what a failed rotation records.
	EventRotationFailed = "SECRET_ROTATED_FAILED"
)

// eventTypes are the basic event types the vendor documents.
var eventTypes = []string{EventVersionCreated, EventVersionExpired, EventRotated, EventDeleted, EventRotationFailed}

// Event states: only an ENABLED event triggers notifications.
const (
	EventEnabled  = "ENABLED"
	EventDisabled = "DISABLED"
)

// MaxEvents is the most events a project holds (the vendor's user guide: "up to 30 events").
const MaxEvents = 30

// eventsPrefix starts the buckets of each project's events, by name.
const eventsPrefix = "events/"

func eventBucket(project string) string { return eventsPrefix + project }

// Notification is the topic an event's notifications go to, kept as the client gave it: the
// service does not check that it exists.
type Notification struct {
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	TargetName string `json:"target_name"`
}

// Event is an event secrets subscribe to by name. Times are epoch milliseconds.
type Event struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Types        []string     `json:"event_types"`
	State        string       `json:"state"`
	CreateTime   int64        `json:"create_time"`
	UpdateTime   int64        `json:"update_time"`
	Notification Notification `json:"notification"`
}

// triggers reports whether the event notifies of eventType.
func (e *Event) triggers(eventType string) bool {
	return e.State == EventEnabled && slices.Contains(e.Types, eventType)
}

// NewEvent is what CreateSecretEvent takes.
type NewEvent struct {
	Name         string
	Types        []string
	State        string
	Notification Notification
}

// EventUpdate names what UpdateSecretEvent changes; nil fields keep their values.
type EventUpdate struct {
	State        *string
	Types        *[]string
	Notification *Notification
}

// checkEventTypes refuses an unknown basic event type and one listed twice ("the basic event
// types in the list cannot repeat").
func checkEventTypes(types []string) error {
	for i, t := range types {
		if !slices.Contains(eventTypes, t) {
			return fail(InvalidEvent, "unknown event type "+t)
		}
		if slices.Contains(types[:i], t) {
			return fail(InvalidEvent, "event type "+t+" is listed twice")
		}
	}
	return nil
}

func checkEventState(state string) error {
	if state != EventEnabled && state != EventDisabled {
		return fail(InvalidEvent, "an event's state is ENABLED or DISABLED, not "+state)
	}
	return nil
}

func eventNotFound(name string) error { return fail(EventNotFound, "no event named "+name) }

// getEvent reads an event.
func getEvent(tx store.Tx, project, name string) (*Event, error) {
	raw, ok, err := tx.Get(eventBucket(project), name)
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	if !ok {
		return nil, eventNotFound(name)
	}
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("decode event %s: %w", name, err)
	}
	return &e, nil
}

func putEvent(tx store.Tx, project string, e *Event) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", e.Name, err)
	}
	return tx.Put(eventBucket(project), e.Name, raw)
}

// CreateEvent stores a new event. A name in use, and a project that holds MaxEvents, are
// refused.
func (s *Service) CreateEvent(project string, in NewEvent) (*Event, error) {
	if err := checkEventTypes(in.Types); err != nil {
		return nil, err
	}
	if err := checkEventState(in.State); err != nil {
		return nil, err
	}
	now := s.now()
	e := &Event{ID: uuid.NewString(), Name: in.Name, Types: slices.Clone(in.Types), State: in.State,
		CreateTime: now, UpdateTime: now, Notification: in.Notification}
	if e.Types == nil {
		e.Types = []string{}
	}
	err := s.store.Update(func(tx store.Tx) error {
		switch _, err := getEvent(tx, project, in.Name); {
		case err == nil:
			return fail(NameTaken, "an event named "+in.Name+" already exists")
		case KindOf(err) != EventNotFound:
			return err
		}
		n, err := tx.Count(eventBucket(project))
		if err != nil {
			return fmt.Errorf("count events: %w", err)
		}
		if n >= MaxEvents {
			return fail(TooManyEvents, fmt.Sprintf("a project holds at most %d events", MaxEvents))
		}
		if err := tx.Put(projectsBucket, project, []byte{}); err != nil {
			return err
		}
		return putEvent(tx, project, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ImportEvent creates an event given in fixtures unless one of its name exists (as every
// replica on one database loads the same fixtures); it reports whether it created it.
func (s *Service) ImportEvent(project string, in NewEvent) (bool, error) {
	_, err := s.CreateEvent(project, in)
	if KindOf(err) == NameTaken {
		return false, nil
	}
	return err == nil, err
}

// ExportEvents returns every project's events, in name order, by project.
func (s *Service) ExportEvents() (map[string][]*Event, error) {
	out := map[string][]*Event{}
	err := s.store.View(func(tx store.Tx) error {
		projects, err := allProjects(tx)
		if err != nil {
			return err
		}
		for _, p := range projects {
			err := scanEvents(tx, p, "", func(e *Event) bool {
				out[p] = append(out[p], e)
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ShowEvent returns an event.
func (s *Service) ShowEvent(project, name string) (*Event, error) {
	var e *Event
	err := s.store.View(func(tx store.Tx) error {
		var err error
		e, err = getEvent(tx, project, name)
		return err
	})
	return e, err
}

// ListEvents returns up to limit events after marker, in name order.
func (s *Service) ListEvents(project string, limit int, marker string) (Page[*Event], error) {
	var page Page[*Event]
	err := s.store.View(func(tx store.Tx) error {
		return scanEvents(tx, project, marker, func(e *Event) bool {
			return page.add(e, limit, func(e *Event) string { return e.Name })
		})
	})
	return page, err
}

// scanEvents calls fn with each of a project's events after `after`, in name order, until fn
// returns false.
func scanEvents(tx store.Tx, project, after string, fn func(*Event) bool) error {
	var decodeErr error
	err := tx.Scan(eventBucket(project), after, func(name string, raw []byte) bool {
		var e Event
		if decodeErr = json.Unmarshal(raw, &e); decodeErr != nil {
			decodeErr = fmt.Errorf("decode event %s: %w", name, decodeErr)
			return false
		}
		return fn(&e)
	})
	return cmp.Or(err, decodeErr)
}

// UpdateEvent changes an event's state, basic event types or topic.
func (s *Service) UpdateEvent(project, name string, in EventUpdate) (*Event, error) {
	if in.Types != nil {
		if err := checkEventTypes(*in.Types); err != nil {
			return nil, err
		}
	}
	if in.State != nil {
		if err := checkEventState(*in.State); err != nil {
			return nil, err
		}
	}
	var e *Event
	err := s.store.Update(func(tx store.Tx) error {
		var err error
		if e, err = getEvent(tx, project, name); err != nil {
			return err
		}
		set(&e.State, in.State)
		if in.Types != nil {
			e.Types = slices.Clone(*in.Types)
		}
		set(&e.Notification, in.Notification)
		e.UpdateTime = s.now()
		return putEvent(tx, project, e)
	})
	return e, err
}

// DeleteEvent deletes an event no secret subscribes to ("if an event is referenced by a secret,
// the event cannot be deleted"). A secret pending deletion still subscribes.
func (s *Service) DeleteEvent(project, name string) error {
	return s.store.Update(func(tx store.Tx) error {
		if _, err := getEvent(tx, project, name); err != nil {
			return err
		}
		subscriber, err := s.subscriberOf(tx, project, name)
		if err != nil {
			return err
		}
		if subscriber != "" {
			return fail(EventInUse, "secret "+subscriber+" subscribes to event "+name+": unsubscribe it first")
		}
		return tx.Delete(eventBucket(project), name)
	})
}

// subscriberOf returns the name of a secret that subscribes to the event, or "" for none. It
// reads the secrets' metadata records, in the transaction that is to delete the event, so that
// a secret subscribing at the same time makes one of the two wait or retry.
func (s *Service) subscriberOf(tx store.Tx, project, event string) (string, error) {
	now := s.now()
	found := ""
	decode := func(raw []byte) (*Secret, error) {
		var sec Secret
		return &sec, decodeMeta(&sec, raw, nil)
	}
	err := scanDecoded(tx, metaBucket(project), "", decode, func(sec *Secret) bool {
		if !deletedAt(now, sec.State, sec.ScheduledDeleteTime) && slices.Contains(sec.EventSubscriptions, event) {
			found = sec.Name
		}
		return found == ""
	})
	return found, err
}
