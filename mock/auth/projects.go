package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Project is a project of the mock's one account, as IAM lists it. Its name is what the
// official SDKs look it up by: the region ID (cn-north-4) for a region's default project.
type Project struct {
	ID, Name string
}

// Domain is the mock's one account (IAM calls it a domain).
type Domain struct {
	ID, Name string
}

// AddProject names a project. Names are unique within the account, as IAM's are: a name taken
// by another project, or a second name for the same project, is refused. Naming a project
// again with the same name is no change.
func (a *Authenticator) AddProject(p Project) error {
	if p.ID == "" || p.Name == "" {
		return fmt.Errorf("a project needs an id and a name")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, q := range a.projects {
		switch {
		case q == p:
			return nil
		case q.ID == p.ID:
			return fmt.Errorf("project %s is named %q already, not %q", p.ID, q.Name, p.Name)
		case q.Name == p.Name:
			return fmt.Errorf("project name %q is taken by project %s (project %s needs another)", p.Name, q.ID, p.ID)
		}
	}
	a.projects = append(a.projects, p)
	return nil
}

// SetDomain names the mock's account.
func (a *Authenticator) SetDomain(d Domain) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.domain = d
}

// Domain returns the mock's account.
func (a *Authenticator) Domain() Domain {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.domain
}

// ProjectsOf lists, sorted by name, the named projects p may use whose name is name (every
// one when name is empty). A project p may not use is not listed: IAM lists what the
// caller's account holds, and the mock's credentials each stand for a slice of it.
func (a *Authenticator) ProjectsOf(p Principal, name string) []Project {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var out []Project
	for _, q := range a.projects {
		if (name == "" || q.Name == name) && p.canUse(q.ID) {
			out = append(out, q)
		}
	}
	slices.SortFunc(out, func(x, y Project) int { return strings.Compare(x.Name, y.Name) })
	return out
}

type principalKey struct{}

// NewContext returns ctx carrying the principal a request was authenticated as.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal NewContext put in ctx, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
