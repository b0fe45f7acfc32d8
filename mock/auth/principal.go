// Package auth authenticates and authorises the mock's callers: X-Auth-Token tokens (given in
// the configuration or issued by the mock's IAM), AK/SK SDK-HMAC-SHA256 signatures, and the
// projects and IAM actions each credential may use.
package auth

import (
	"slices"
	"strings"
)

// AnyProject and AnyAction grant everything.
const (
	AnyProject = "*"
	AnyAction  = "*"
)

// Principal is who a credential speaks for and what it may do.
type Principal struct {
	// Name identifies the credential in logs; it is never a secret.
	Name string `json:"name"`
	// Projects the principal may call (AnyProject for all).
	Projects []string `json:"projects"`
	// Actions are IAM actions such as csms:secret:get; "csms:*", "csms:secret:*" and
	// AnyAction match several.
	Actions []string `json:"actions"`
	// UserID is the IAM user a token the mock's IAM issued speaks for (UserID); empty for the
	// configured tokens and AK/SK, which speak for no user.
	UserID string `json:"user_id,omitempty"`
}

// canUse reports whether the principal may call the project.
func (p Principal) canUse(project string) bool {
	return slices.Contains(p.Projects, AnyProject) || slices.Contains(p.Projects, project)
}

// allows reports whether the principal may perform action.
func (p Principal) allows(action string) bool {
	for _, a := range p.Actions {
		if a == AnyAction || a == action {
			return true
		}
		if prefix, ok := strings.CutSuffix(a, "*"); ok && strings.HasPrefix(action, prefix) {
			return true
		}
	}
	return false
}
