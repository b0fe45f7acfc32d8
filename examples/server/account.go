package main

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
)

// The operations on the account rather than a project: none is supported.

// ShowSecretFunctionTemplates is not supported.
func (s *Server) ShowSecretFunctionTemplates(context.Context, csmsapi.ShowSecretFunctionTemplatesRequestObject) (csmsapi.ShowSecretFunctionTemplatesResponseObject, error) {
	return nil, notSupported("ShowSecretFunctionTemplates")
}

// CreateAgency is not supported.
func (s *Server) CreateAgency(context.Context, csmsapi.CreateAgencyRequestObject) (csmsapi.CreateAgencyResponseObject, error) {
	return nil, notSupported("CreateAgency")
}

// ShowAgency is not supported.
func (s *Server) ShowAgency(context.Context, csmsapi.ShowAgencyRequestObject) (csmsapi.ShowAgencyResponseObject, error) {
	return nil, notSupported("ShowAgency")
}

// ListUsers is not supported.
func (s *Server) ListUsers(context.Context, csmsapi.ListUsersRequestObject) (csmsapi.ListUsersResponseObject, error) {
	return nil, notSupported("ListUsers")
}

// ShowUserDetail is not supported.
func (s *Server) ShowUserDetail(context.Context, csmsapi.ShowUserDetailRequestObject) (csmsapi.ShowUserDetailResponseObject, error) {
	return nil, notSupported("ShowUserDetail")
}

// UpdateUserPassword is not supported.
func (s *Server) UpdateUserPassword(context.Context, csmsapi.UpdateUserPasswordRequestObject) (csmsapi.UpdateUserPasswordResponseObject, error) {
	return nil, notSupported("UpdateUserPassword")
}
