package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of events and notification records.

// notifiedKey is the context key of a request's secrets.Notified, which the pipeline gives the
// operations that may write notification records (notifyingOperations).
type notifiedKey struct{}

// notifyingOperations are the operations whose requests may write notification records, and
// whose journal entries name them.
var notifyingOperations = map[string]bool{
	"BatchImportSecrets":      true,
	"CreateSecret":            true,
	"CreateSecretVersion":     true,
	"DeleteSecret":            true,
	"DeleteSecretForSchedule": true,
	"RotateSecret":            true,
}

// noting returns the service as the request uses it: the notification records it writes go to
// the request's journal entry.
func (h *csmsHandlers) noting(ctx context.Context) *secrets.Service {
	if n, ok := ctx.Value(notifiedKey{}).(*secrets.Notified); ok {
		return h.svc.Noting(n)
	}
	return h.svc
}

// expiryBatch is how many due expiries one transaction records.
const expiryBatch = 100

func toAPIEvent(e *secrets.Event) csmsapi.Event {
	types := make([]csmsapi.EventType, len(e.Types))
	for i, t := range e.Types {
		types[i] = csmsapi.EventType(t)
	}
	return csmsapi.Event{
		Name:       ptr(csmsapi.SecretEventName(e.Name)),
		EventId:    ptr(e.ID),
		EventTypes: &types,
		State:      ptr(csmsapi.EventState(e.State)),
		CreateTime: ptr(e.CreateTime),
		UpdateTime: ptr(e.UpdateTime),
		Notification: &csmsapi.Notification{
			TargetType: e.Notification.TargetType,
			TargetId:   e.Notification.TargetID,
			TargetName: e.Notification.TargetName,
		},
	}
}

func eventOK(e *secrets.Event) csmsapi.EventResponse {
	return csmsapi.EventResponse{Event: ptr(toAPIEvent(e))}
}

func fromAPIEventTypes(types []csmsapi.EventType) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

func fromAPINotification(n csmsapi.Notification) secrets.Notification {
	return secrets.Notification{TargetType: n.TargetType, TargetID: n.TargetId, TargetName: n.TargetName}
}

func (h *csmsHandlers) CreateSecretEvent(_ context.Context, req csmsapi.CreateSecretEventRequestObject) (csmsapi.CreateSecretEventResponseObject, error) {
	b := req.Body
	e, err := h.svc.CreateEvent(req.ProjectId, secrets.NewEvent{
		Name:         b.Name,
		Types:        fromAPIEventTypes(b.EventTypes),
		State:        string(b.State),
		Notification: fromAPINotification(b.Notification),
	})
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecretEvent200JSONResponse{Body: eventOK(e)}, nil
}

func (h *csmsHandlers) ListSecretEvents(_ context.Context, req csmsapi.ListSecretEventsRequestObject) (csmsapi.ListSecretEventsResponseObject, error) {
	p := req.Params
	page, err := h.svc.ListEvents(req.ProjectId, pageSize(p.Limit), deref(p.Marker))
	if err != nil {
		return nil, err
	}
	events := make([]csmsapi.Event, len(page.Items))
	for i, e := range page.Items {
		events[i] = toAPIEvent(e)
	}
	return csmsapi.ListSecretEvents200JSONResponse{Body: csmsapi.ListSecretEventsResponse{
		Events: &events, PageInfo: pageInfo(len(events), page.NextMarker),
	}}, nil
}

func (h *csmsHandlers) ShowSecretEvent(_ context.Context, req csmsapi.ShowSecretEventRequestObject) (csmsapi.ShowSecretEventResponseObject, error) {
	e, err := h.svc.ShowEvent(req.ProjectId, req.EventName)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretEvent200JSONResponse{Body: eventOK(e)}, nil
}

func (h *csmsHandlers) UpdateSecretEvent(_ context.Context, req csmsapi.UpdateSecretEventRequestObject) (csmsapi.UpdateSecretEventResponseObject, error) {
	b := req.Body
	in := secrets.EventUpdate{State: (*string)(b.State)}
	if b.EventTypes != nil {
		in.Types = ptr(fromAPIEventTypes(*b.EventTypes))
	}
	if b.Notification != nil {
		in.Notification = ptr(fromAPINotification(*b.Notification))
	}
	e, err := h.svc.UpdateEvent(req.ProjectId, req.EventName, in)
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateSecretEvent200JSONResponse{Body: eventOK(e)}, nil
}

func (h *csmsHandlers) DeleteSecretEvent(_ context.Context, req csmsapi.DeleteSecretEventRequestObject) (csmsapi.DeleteSecretEventResponseObject, error) {
	if err := h.svc.DeleteEvent(req.ProjectId, req.EventName); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecretEvent204Response{}, nil
}

// ListNotificationRecords first records the expiries the clock has passed in the project, so
// that the answer holds what has happened whether or not a background pass has run (only
// replicas on a shared database run one).
func (h *csmsHandlers) ListNotificationRecords(_ context.Context, req csmsapi.ListNotificationRecordsRequestObject) (csmsapi.ListNotificationRecordsResponseObject, error) {
	if _, err := h.svc.NotifyExpiredIn(req.ProjectId, expiryBatch); err != nil {
		return nil, err
	}
	recs, err := h.svc.ListRecords(req.ProjectId)
	if err != nil {
		return nil, err
	}
	out := make([]csmsapi.NotificationRecord, len(recs))
	for i, r := range recs {
		out[i] = csmsapi.NotificationRecord{
			EventName:              ptr(r.EventName),
			TriggerEventType:       ptr(csmsapi.EventType(r.EventType)),
			CreateTime:             ptr(r.CreateTime),
			SecretName:             ptr(r.SecretName),
			SecretType:             ptr(r.SecretType),
			NotificationTargetName: ptr(r.TargetName),
			NotificationTargetId:   ptr(r.TargetID),
			NotificationContent:    ptr(r.Content),
			NotificationStatus:     ptr(csmsapi.NotificationRecordNotificationStatus(r.Status)),
		}
	}
	return csmsapi.ListNotificationRecords200JSONResponse{Body: csmsapi.ListNotificationRecordsResponse{
		Records: &out, PageInfo: pageInfo(len(out), ""),
	}}, nil
}
