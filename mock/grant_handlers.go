package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of grants of secrets to users and user groups.

// Grant states as answered: the vendor documents none, so the mock says whether the grant's
// validity has ended.
const (
	grantEnded    int32 = 0
	grantInEffect int32 = 1
)

func fromAPIGrant(b csmsapi.GrantSecretRequest) secrets.GrantRequest {
	return secrets.GrantRequest{ResourceID: b.ResourceId, Type: string(b.Type), GranteeType: string(b.GranteeType),
		Grantee: b.GranteeTargetId, ValidityTime: deref(b.ValidityTime)}
}

func grantOK(g secrets.Grant, now int64) csmsapi.GrantResponse {
	state := grantEnded
	if g.InEffect(now) {
		state = grantInEffect
	}
	return csmsapi.GrantResponse{Data: csmsapi.GrantData{
		Uuid:         g.ID,
		ResourceId:   g.ResourceID,
		Type:         g.Type,
		GranteeUser:  g.Grantee,
		CreateTime:   ptr(g.CreateTime),
		UpdateTime:   ptr(g.UpdateTime),
		ValidityTime: optional(g.ValidityTime),
		State:        &state,
	}}
}

func (h *csmsHandlers) CreateGrants(_ context.Context, req csmsapi.CreateGrantsRequestObject) (csmsapi.CreateGrantsResponseObject, error) {
	g, err := h.svc.CreateGrant(req.ProjectId, fromAPIGrant(*req.Body))
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateGrants200JSONResponse{Body: grantOK(g, h.svc.Now())}, nil
}

func (h *csmsHandlers) UpdateGrant(_ context.Context, req csmsapi.UpdateGrantRequestObject) (csmsapi.UpdateGrantResponseObject, error) {
	g, err := h.svc.UpdateGrant(req.ProjectId, req.Params.ResourceId, fromAPIGrant(*req.Body))
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateGrant200JSONResponse{Body: grantOK(g, h.svc.Now())}, nil
}

func (h *csmsHandlers) DeleteGrant(_ context.Context, req csmsapi.DeleteGrantRequestObject) (csmsapi.DeleteGrantResponseObject, error) {
	if err := h.svc.DeleteGrant(req.ProjectId, req.Params.ResourceId, deref(req.Params.GranteeUser)); err != nil {
		return nil, err
	}
	return csmsapi.DeleteGrant204Response{}, nil
}

func (h *csmsHandlers) ListGrants(_ context.Context, req csmsapi.ListGrantsRequestObject) (csmsapi.ListGrantsResponseObject, error) {
	got, err := h.svc.Grants(req.ProjectId, req.Params.ResourceId)
	if err != nil {
		return nil, err
	}
	users := make([]csmsapi.GrantUserInfo, len(got.Grants))
	// The resource's times are its grants': the first made and the last changed; a resource
	// granted to none answers its own creation.
	created, updated := got.Secret.CreateTime, got.Secret.CreateTime
	for i, g := range got.Grants {
		// The mock keeps no names of users: a grantee is named by its id.
		users[i] = csmsapi.GrantUserInfo{UserId: g.Grantee, UserName: g.Grantee, CreateTime: g.CreateTime,
			ValidityTime: optional(g.ValidityTime)}
		if i == 0 {
			created = g.CreateTime
		}
		updated = max(updated, g.UpdateTime)
	}
	return csmsapi.ListGrants200JSONResponse{Body: csmsapi.ListGrantsResponse{Data: &csmsapi.GrantDTO{
		Id:          got.Secret.ID,
		Name:        ptr(got.Secret.Name),
		Type:        ptr(secrets.GrantSecret),
		GranteeUser: users,
		CreateTime:  created,
		UpdateTime:  ptr(updated),
	}}}, nil
}
