package mock

import (
	"context"
	"errors"
	"net/url"

	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/mock/auth"
)

// iamHandlers implements the IAM token issuance the CSMS pages point to and the project and
// account lookups the official SDKs make.
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

// KeystoneListProjects answers the official SDKs' project lookup (GET /v3/projects?name=<region>)
// with the named projects the caller's credential may use; a name that matches none is an
// empty list, as IAM answers.
func (h *iamHandlers) KeystoneListProjects(ctx context.Context, req iamapi.KeystoneListProjectsRequestObject) (iamapi.KeystoneListProjectsResponseObject, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errors.New("project lookup without an authenticated principal")
	}
	q := req.Params
	if (q.Page == nil) != (q.PerPage == nil) {
		return nil, refused(badParameter, "page and per_page go together")
	}
	domain := h.auth.Domain()
	if q.DomainId != nil && *q.DomainId != domain.ID || q.ParentId != nil && *q.ParentId != domain.ID ||
		q.Enabled != nil && !*q.Enabled || q.IsDomain != nil && *q.IsDomain {
		// Every project of the mock is a region's enabled project in its one account.
		return listProjects(nil, domain, q), nil
	}
	return listProjects(h.auth.ProjectsOf(p, deref(q.Name)), domain, q), nil
}

func listProjects(found []auth.Project, domain auth.Domain, q iamapi.KeystoneListProjectsParams) iamapi.KeystoneListProjects200JSONResponse {
	if q.Page != nil {
		found = pageOf(found, *q.Page-1, *q.PerPage)
	}
	body := iamapi.ProjectList{Projects: []iamapi.Project{}, Links: iamapi.Links{Self: "/v3/projects"}}
	if q.Name != nil {
		body.Links.Self += "?name=" + url.QueryEscape(*q.Name)
	}
	for _, p := range found {
		body.Projects = append(body.Projects, iamapi.Project{
			Id: p.ID, Name: p.Name, Description: ptr(""), DomainId: domain.ID,
			// A region's default project has the account as its parent.
			ParentId: ptr(domain.ID), Enabled: true, IsDomain: false,
			Links: &iamapi.LinksSelf{Self: "/v3/projects/" + p.ID},
		})
	}
	return iamapi.KeystoneListProjects200JSONResponse{Body: body}
}

// KeystoneListAuthDomains answers the global-credentials lookup (GET /v3/auth/domains) with
// the mock's one account.
func (h *iamHandlers) KeystoneListAuthDomains(context.Context, iamapi.KeystoneListAuthDomainsRequestObject) (iamapi.KeystoneListAuthDomainsResponseObject, error) {
	d := h.auth.Domain()
	return iamapi.KeystoneListAuthDomains200JSONResponse{Body: iamapi.DomainList{
		Links: iamapi.LinksSelf{Self: "/v3/auth/domains"},
		Domains: []iamapi.DomainInfo{{
			Id: d.ID, Name: d.Name, Description: ptr(""), Enabled: true,
			Links: &iamapi.LinksSelf{Self: "/v3/domains/" + d.ID},
		}},
	}}, nil
}

// pageOf returns page number page (from 0) of per items; a page past the end is empty.
// Compared before multiplying, a page far past the end cannot overflow.
func pageOf[T any](items []T, page, per int) []T {
	if page > len(items)/per {
		return nil
	}
	from := min(len(items), page*per)
	return items[from:min(len(items), from+per)]
}
