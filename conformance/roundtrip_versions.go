package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// versions maps each version ID to what the target says about it.
type versions map[string]version

// version is one version's stages and value.
type version struct {
	stages string // sorted, comma-separated
	value  string
}

// listVersions sends ListSecretVersions, an operation the target may lack.
func (c *check) listVersions(name string) *exchange {
	return c.mustAnswer(call{
		what: "ListSecretVersions", method: http.MethodGet, path: secretPath(c.s.projectID(), name, "versions"),
		creds: c.s.creds(), optional: true,
	})
}

// showSecret sends ShowSecret, an operation the target may lack.
func (c *check) showSecret(name string) *exchange {
	return c.mustAnswer(call{
		what: "ShowSecret", method: http.MethodGet, path: secretPath(c.s.projectID(), name),
		creds: c.s.creds(), optional: true,
	})
}

// showVersion sends ShowSecretVersion.
func (c *check) showVersion(name, id string) *exchange {
	return c.mustAnswer(call{
		what: "ShowSecretVersion", method: http.MethodGet, path: secretPath(c.s.projectID(), name, "versions", id),
		creds: c.s.creds(),
	})
}

// versionsOf reads the versions of the round trip's secret with ShowSecretVersion: every
// version ListSecretVersions names where the target has it, and always the versions whose
// IDs the target returned when they were added.
func (c *check) versionsOf(rt *roundTrip) versions {
	ids := slices.Clone(rt.ids)
	if rt.listed {
		ex := c.listVersions(rt.name)
		var list struct {
			Versions []struct {
				ID string `json:"id"`
			} `json:"version_metadatas"`
		}
		if !is2xx(ex) || json.Unmarshal(ex.body, &list) != nil {
			c.fatalOn(ex, "cannot list the versions of %s", rt.name)
		}
		listed := []string{}
		for _, m := range list.Versions {
			listed = append(listed, m.ID)
		}
		for _, id := range rt.ids {
			if !slices.Contains(listed, id) {
				c.blame(ex, "ListSecretVersions does not name version %s, which CreateSecretVersion returned", id)
			}
		}
		ids = slices.Compact(slices.Sorted(slices.Values(append(ids, listed...))))
	}
	vs := versions{}
	for _, id := range ids {
		ex := c.showVersion(rt.name, id)
		if isUnknownSecret(ex) {
			continue // missing: diff says so
		}
		read, err := readVersionAnswer(ex)
		if !is2xx(ex) || err != nil {
			c.fatalOn(ex, "cannot read version %s of %s", id, rt.name)
		}
		v := version{stages: strings.Join(slices.Sorted(slices.Values(read.meta.Stages)), ","), value: read.value}
		vs[id] = v
	}
	return vs
}

// diff describes how after differs from vs, naming versions but never their values.
func (vs versions) diff(after versions) []string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(vs)) {
		a, ok := after[id]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("version %s is missing", id))
		case a.value != vs[id].value:
			out = append(out, fmt.Sprintf("version %s holds another value than before the backup", id))
		case a.stages != vs[id].stages:
			out = append(out, fmt.Sprintf("version %s has stages [%s], not [%s] as before the backup", id, a.stages, vs[id].stages))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(after)) {
		if _, ok := vs[id]; !ok {
			out = append(out, fmt.Sprintf("there is a version %s that was not backed up", id))
		}
	}
	return out
}
