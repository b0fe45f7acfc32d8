package conformance

import "strings"

// credentials are what a request proves its caller with: a token, an AK/SK pair or nothing.
type credentials struct {
	token  string
	ak, sk string
}

// way is one way into the API: an IAM token or an AK/SK signature.
type way struct {
	// name says it in check texts, after "an": "X-Auth-Token" or "AK/SK signature".
	name  string
	creds credentials
}

// Names of the ways in.
const (
	wayToken = "X-Auth-Token"
	wayAKSK  = "AK/SK signature"
)

// waysOf returns the ways in cfg gives, AK/SK first: with both, every check but the
// authentication checks signs with AK/SK, as the vendor's SDKs do.
func waysOf(cfg Config) []way {
	var ws []way
	if cfg.AK != "" {
		ws = append(ws, way{name: wayAKSK, creds: credentials{ak: cfg.AK, sk: cfg.SK}})
	}
	if cfg.AuthToken != "" {
		ws = append(ws, way{name: wayToken, creds: credentials{token: cfg.AuthToken}})
	}
	return ws
}

// wayNamed returns the run's way of that name.
func (t *target) wayNamed(name string) (way, bool) {
	for _, w := range t.ways {
		if w.name == name {
			return w, true
		}
	}
	return way{}, false
}

// describeWays says which ways in the run uses, and which one the checks other than the
// authentication checks use.
func (t *target) describeWays() string {
	switch len(t.ways) {
	case 0:
		return "no credentials"
	case 1:
		return "with an " + t.ways[0].name + " only: the checks of the other way in are skipped"
	}
	var names []string
	for _, w := range t.ways {
		names = append(names, w.name)
	}
	return "with " + strings.Join(names, " and ") + ": the authentication checks run for each; every other check uses the " + t.ways[0].name
}
