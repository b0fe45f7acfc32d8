package mock

import (
	"context"
	"errors"
	"strings"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/auth"
)

// The operations on the account rather than a project (their paths name none): the rotation
// function templates, the service agencies, and the account's users. The pipeline puts the
// principal in their request's context, as it does for IAM's lookups.

func (h *csmsHandlers) ShowSecretFunctionTemplates(_ context.Context, req csmsapi.ShowSecretFunctionTemplatesRequestObject) (csmsapi.ShowSecretFunctionTemplatesResponseObject, error) {
	q := req.Params
	t, err := account.Template(string(q.SecretType), string(q.SecretSubType), string(deref(q.Engine)))
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretFunctionTemplates200JSONResponse{Body: csmsapi.ShowSecretFunctionTemplatesResponse{FunctionTemplates: t}}, nil
}

// couldNotCreate is the agency's error_msg when it exists already: the page reports each
// agency that could not be created with a message, and the answer stays 200.
const couldNotCreate = "The agency already exists."

func (h *csmsHandlers) CreateAgency(_ context.Context, req csmsapi.CreateAgencyRequestObject) (csmsapi.CreateAgencyResponseObject, error) {
	agencies, err := h.account.CreateAgencies(string(req.Body.SecretType))
	if err != nil {
		return nil, err
	}
	list := []csmsapi.Agency{}
	for _, a := range agencies {
		api := csmsapi.Agency{AgencyName: a.Name, AgencyId: ptr(a.ID)}
		if a.Existed {
			api.ErrorMsg = ptr(couldNotCreate)
		}
		list = append(list, api)
	}
	return csmsapi.CreateAgency200JSONResponse{Body: csmsapi.CreateAgencyResponse{Agencies: &list}}, nil
}

func (h *csmsHandlers) ShowAgency(_ context.Context, req csmsapi.ShowAgencyRequestObject) (csmsapi.ShowAgencyResponseObject, error) {
	granted, err := h.account.Granted(string(req.Params.SecretType))
	if err != nil {
		return nil, err
	}
	answer := "false"
	if granted {
		answer = "true"
	}
	return csmsapi.ShowAgency200JSONResponse{Body: csmsapi.ShowAgencyResponse{AgencyGranted: &answer}}, nil
}

func (h *csmsHandlers) ListUsers(_ context.Context, req csmsapi.ListUsersRequestObject) (csmsapi.ListUsersResponseObject, error) {
	q := req.Params
	users, err := h.auth.Users()
	if err != nil {
		return nil, err
	}
	domain := h.auth.Domain()
	var matched []auth.UserInfo
	// The account is the users' one organisation: its ID is their org_id.
	if org := deref(q.OrgId); org == "" || org == domain.ID {
		for _, u := range users {
			if strings.Contains(u.Name, deref(q.UserInfo)) {
				matched = append(matched, u)
			}
		}
	}
	// offset is the page's number, from 0.
	page := []csmsapi.UserFields{}
	for _, u := range pageOf(matched, int(q.Offset), int(q.Limit)) {
		page = append(page, listedUser(u, domain))
	}
	return csmsapi.ListUsers200JSONResponse{Body: csmsapi.ListUsersResponse{Total: ptr(int64(len(matched))), Users: &page}}, nil
}

func (h *csmsHandlers) ShowUserDetail(_ context.Context, req csmsapi.ShowUserDetailRequestObject) (csmsapi.ShowUserDetailResponseObject, error) {
	u, err := h.auth.UserByID(req.UserId)
	if err != nil {
		return nil, err
	}
	domain := h.auth.Domain()
	f := userFields(u, domain)
	// Here the SDK reads disabled as a boolean, unlike in the list.
	f.Set("disabled", false)
	f.DomainId = optional(domain.ID)
	return csmsapi.ShowUserDetail200JSONResponse{Body: f}, nil
}

func (h *csmsHandlers) UpdateUserPassword(ctx context.Context, req csmsapi.UpdateUserPasswordRequestObject) (csmsapi.UpdateUserPasswordResponseObject, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errors.New("password change without an authenticated principal")
	}
	u, err := h.auth.ChangePassword(p, req.Body.OldPassword, req.Body.Password)
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateUserPassword200JSONResponse{Body: csmsapi.UpdateUserPasswordResponse{UserId: u.ID}}, nil
}

// listedUser is a user as ListUsers lists it: disabled a string, as the SDK reads it there.
func listedUser(u auth.UserInfo, domain auth.Domain) csmsapi.UserFields {
	f := userFields(u, domain)
	f.Set("disabled", "false")
	return f
}

// userFields is what the mock knows of a user: its ID, name and organisation (the account),
// and when it last changed its password. Contact details, creation times and trust levels
// it does not keep, so it leaves them out.
func userFields(u auth.UserInfo, domain auth.Domain) csmsapi.UserFields {
	f := csmsapi.UserFields{
		UserId: ptr(u.ID), UserName: ptr(u.Name), Name: ptr(u.Name), PwdMustModify: ptr(false), Locked: ptr("false"),
	}
	if domain.ID != "" {
		f.OrgId = ptr(domain.ID)
		f.UserOrgRelationList = &[]csmsapi.UserOrgRelation{{OrgId: domain.ID, RelationType: "0"}}
	}
	if !u.PasswordChangedAt.IsZero() {
		at := u.PasswordChangedAt.UTC().Format(userTimeLayout)
		f.PwdChangeAt, f.UpdatedAt = &at, &at
	}
	return f
}

// userTimeLayout is the user pages' time format, as in their examples.
const userTimeLayout = "2006-01-02 15:04:05.000"
