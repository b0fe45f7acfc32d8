package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/mock/auth"
)

// iamHandlers implements the IAM token issuance the CSMS pages point to.
type iamHandlers struct {
	auth *auth.Authenticator
}

var _ iamapi.StrictServerInterface = (*iamHandlers)(nil)

func (h *iamHandlers) KeystoneCreateUserTokenByPassword(_ context.Context, req iamapi.KeystoneCreateUserTokenByPasswordRequestObject) (iamapi.KeystoneCreateUserTokenByPasswordResponseObject, error) {
	a := req.Body.Auth
	user := a.Identity.Password.User
	token, issued, err := h.auth.Issue(auth.TokenRequest{
		User:        user.Name,
		Password:    user.Password,
		Domain:      deref(user.Domain.Name),
		ProjectID:   deref(a.Scope.Project.Id),
		ProjectName: deref(a.Scope.Project.Name),
	})
	if err != nil {
		return nil, err
	}
	var body iamapi.TokenResponse
	body.Token.Methods = []string{"password"}
	body.Token.IssuedAt = issued.IssuedAt
	body.Token.ExpiresAt = issued.ExpiresAt
	domain := &iamapi.Domain{Name: optional(issued.Domain)}
	body.Token.User = &struct {
		Domain *iamapi.Domain `json:"domain,omitempty"`
		Id     *string        `json:"id,omitempty"`
		Name   *string        `json:"name,omitempty"`
	}{Domain: domain, Name: &issued.User}
	body.Token.Project = &struct {
		Domain *iamapi.Domain `json:"domain,omitempty"`
		Id     *string        `json:"id,omitempty"`
		Name   *string        `json:"name,omitempty"`
	}{Domain: domain, Id: &issued.ProjectID, Name: optional(deref(a.Scope.Project.Name))}
	return iamapi.KeystoneCreateUserTokenByPassword201JSONResponse{
		Body:    body,
		Headers: iamapi.KeystoneCreateUserTokenByPassword201ResponseHeaders{XSubjectToken: token},
	}, nil
}
