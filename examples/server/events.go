package main

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
)

// The operations on events and notification records, none of which this server implements.

// CreateSecretEvent is not supported.
func (s *Server) CreateSecretEvent(context.Context, csmsapi.CreateSecretEventRequestObject) (csmsapi.CreateSecretEventResponseObject, error) {
	return nil, notSupported("CreateSecretEvent")
}

// ListSecretEvents is not supported.
func (s *Server) ListSecretEvents(context.Context, csmsapi.ListSecretEventsRequestObject) (csmsapi.ListSecretEventsResponseObject, error) {
	return nil, notSupported("ListSecretEvents")
}

// ShowSecretEvent is not supported.
func (s *Server) ShowSecretEvent(context.Context, csmsapi.ShowSecretEventRequestObject) (csmsapi.ShowSecretEventResponseObject, error) {
	return nil, notSupported("ShowSecretEvent")
}

// UpdateSecretEvent is not supported.
func (s *Server) UpdateSecretEvent(context.Context, csmsapi.UpdateSecretEventRequestObject) (csmsapi.UpdateSecretEventResponseObject, error) {
	return nil, notSupported("UpdateSecretEvent")
}

// DeleteSecretEvent is not supported.
func (s *Server) DeleteSecretEvent(context.Context, csmsapi.DeleteSecretEventRequestObject) (csmsapi.DeleteSecretEventResponseObject, error) {
	return nil, notSupported("DeleteSecretEvent")
}

// ListNotificationRecords is not supported.
func (s *Server) ListNotificationRecords(context.Context, csmsapi.ListNotificationRecordsRequestObject) (csmsapi.ListNotificationRecordsResponseObject, error) {
	return nil, notSupported("ListNotificationRecords")
}
