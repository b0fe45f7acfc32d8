package main

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
)

// RotateSecret is not supported.
func (s *Server) RotateSecret(context.Context, csmsapi.RotateSecretRequestObject) (csmsapi.RotateSecretResponseObject, error) {
	return nil, notSupported("RotateSecret")
}

// ListSecretTask is not supported.
func (s *Server) ListSecretTask(context.Context, csmsapi.ListSecretTaskRequestObject) (csmsapi.ListSecretTaskResponseObject, error) {
	return nil, notSupported("ListSecretTask")
}
