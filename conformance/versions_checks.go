package conformance

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Vendor sources of the versions checks.
const (
	srcCreateVersion = "the CreateSecretVersion page: a new version (v1, v2, …) of an enabled secret becomes SYSCURRENT " +
		"and the former current one SYSPREVIOUS"
	srcShowVersion  = "the ShowSecretVersion page: one version with its value; latest names the SYSCURRENT version"
	srcListVersions = "the ListSecretVersions page and definitions: versions in creation order, limit (1 to 1,000) at a time " +
		"after marker, a version ID"
	srcUpdateVersion = "the UpdateVersion page: expire_time, the one field a client changes on a version"
	srcRetention     = "the CreateSecretVersion page: a secret keeps at most 20 versions, and \"versions without any " +
		"status can be automatically deleted\""
)

// maxVersions is how many versions a secret keeps, as the CreateSecretVersion page documents it.
const maxVersions = 20

// history is a secret the suite made with three versions, and what it wrote to each.
type history struct {
	name string
	// ids are the versions in creation order; values maps each to the value written to it.
	ids    []string
	values map[string]string
	// added are CreateSecretVersion's answers for the second and third versions.
	added []*exchange
}

// newHistory creates a secret and adds two versions to it.
func (c *check) newHistory(purpose string) *history {
	name, first := c.newStringSecret(purpose)
	h := &history{name: name, ids: []string{c.currentID(name)}, values: map[string]string{}}
	h.values[h.ids[0]] = "string:" + first
	for range 2 {
		value := newValue()
		id, ex := c.newVersion(name, value)
		h.ids = append(h.ids, id)
		h.values[id] = "string:" + value
		h.added = append(h.added, ex)
	}
	return h
}

// stagesOf returns the stages ShowSecretVersion gives a version.
func (c *check) stagesOf(name, id string) ([]string, *exchange) {
	v, ex := c.readVersion(name, id)
	return v.meta.Stages, ex
}

// expectStages blames a version whose stages hold what they must not, or lack what they must.
func (c *check) expectStages(name, id string, with, without []string) {
	stages, ex := c.stagesOf(name, id)
	for _, st := range with {
		if !slices.Contains(stages, st) {
			c.blame(ex, "version %s has stages %v, without %s", id, stages, st)
		}
	}
	for _, st := range without {
		if slices.Contains(stages, st) {
			c.blame(ex, "version %s has stages %v, with %s", id, stages, st)
		}
	}
}

// walkVersions reads ListSecretVersions limit at a time, following next_marker.
func (c *check) walkVersions(name string, limit int) *walk {
	w := &walk{stages: map[string][]string{}}
	return c.walkList(w, opListSecretVersions, secretPath(c.s.projectID(), name, "versions"), limit, func(ex *exchange) ([]string, pageInfo) {
		var body struct {
			Versions []versionFields `json:"version_metadatas"`
			Info     pageInfo        `json:"page_info"`
		}
		c.decode(ex, &body)
		var ids []string
		for _, v := range body.Versions {
			ids = append(ids, v.ID)
			w.stages[v.ID] = v.Stages
		}
		return ids, body.Info
	})
}

// versionsChecks: versions hold what was written to them, stages follow a new version, and
// the version operations list, show and update as their pages say.
func (s *suite) versionsChecks() {
	var h *history
	s.setup(func(c *check) { h = c.newHistory("versions") })
	s.must("CreateSecretVersion answers the new version's metadata: a new ID, the secret's name and SYSCURRENT", ProfileVersions,
		srcCreateVersion, ops(opCreateSecretVersion), func(c *check) {
			for i, ex := range h.added {
				c.touched = append(c.touched, ex)
				m := metadataOf(ex)
				if slices.Index(h.ids, m.ID) != i+1 {
					c.blame(ex, "version_metadata.id %q is not new", m.ID)
				}
				if m.SecretName != "" && m.SecretName != h.name {
					c.blame(ex, "version_metadata.secret_name is %q, not %q", m.SecretName, h.name)
				}
				if !slices.Contains(m.Stages, stageCurrent) {
					c.blame(ex, "the new version has stages %v, without SYSCURRENT", m.Stages)
				}
			}
		})
	s.must("ShowSecretVersion gives each version the value written to it", ProfileVersions, srcShowVersion,
		ops(opShowSecretVersion), func(c *check) {
			for _, id := range h.ids {
				v, ex := c.readVersion(h.name, id)
				if v.meta.ID != id {
					c.blame(ex, "asked for version %s, the answer is version %q", id, v.meta.ID)
				}
				if v.value != h.values[id] {
					c.blame(ex, "version %s does not hold the value the suite wrote to it", id)
				}
			}
		})
	s.must("a new version becomes SYSCURRENT and the one it follows SYSPREVIOUS; older versions keep neither", ProfileVersions,
		srcCreateVersion, ops(opCreateSecretVersion, opShowSecretVersion), func(c *check) {
			c.touched = append(c.touched, h.added...)
			c.expectStages(h.name, h.ids[2], []string{stageCurrent}, []string{stagePrevious})
			c.expectStages(h.name, h.ids[1], []string{stagePrevious}, []string{stageCurrent})
			c.expectStages(h.name, h.ids[0], nil, []string{stageCurrent, stagePrevious})
		})
	s.must("ShowSecretVersion of latest answers the SYSCURRENT version", ProfileVersions, srcShowVersion,
		ops(opShowSecretVersion), func(c *check) {
			v, ex := c.readVersion(h.name, "latest")
			if v.meta.ID != h.ids[2] || v.value != h.values[h.ids[2]] {
				c.blame(ex, "latest answers version %q, not %s, the newest, with its value", v.meta.ID, h.ids[2])
			}
		})
	s.must("ListSecretVersions walked one version a page names every version once, in creation order, with its stages", ProfileVersions,
		srcListVersions+"; "+srcCreateVersion, ops(opListSecretVersions), func(c *check) {
			w := c.walkVersions(h.name, 1)
			c.checkRepeats(w, "version")
			last := w.pages[len(w.pages)-1].ex
			if !slices.Equal(w.names, h.ids) {
				c.blame(last, "the walk lists versions %v, not %v, the versions in the order they were made", w.names, h.ids)
			}
			for i, id := range h.ids {
				want := []string{"", stagePrevious, stageCurrent}[i]
				for _, st := range []string{stageCurrent, stagePrevious} {
					if slices.Contains(w.stages[id], st) != (st == want) {
						c.blame(last, "version %s is listed with stages %v; of SYSCURRENT and SYSPREVIOUS it holds only %q", id, w.stages[id], want)
						break
					}
				}
			}
		})
	s.must("ListSecretVersions counts each page's versions in page_info.current_count, never more than limit", ProfileVersions,
		srcListVersions, ops(opListSecretVersions), func(c *check) {
			for _, limit := range []int{1, 3, 50} {
				c.checkCounts(c.walkVersions(h.name, limit))
			}
		})
	// As for ListSecrets: the contract's choice, for the loops clients write.
	s.should("ListSecretVersions leaves next_marker out on the last page", ProfileVersions, ops(opListSecretVersions), func(c *check) {
		for _, limit := range []int{1, 3, 50} {
			c.checkLastPage(c.walkVersions(h.name, limit))
		}
	})
	s.must("ListSecretVersions refuses a limit of 0 or 1,001 with 400", ProfileVersions, srcListVersions,
		ops(opListSecretVersions), func(c *check) {
			c.ok(opListSecretVersions, http.MethodGet, secretPath(c.s.projectID(), h.name, "versions")+"?limit=1", nil)
			for _, limit := range []string{"0", "1001"} {
				ex := c.op(opListSecretVersions, http.MethodGet, secretPath(c.s.projectID(), h.name, "versions")+"?limit="+limit, nil)
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: limit is 1 to 1,000")
				}
			}
		})
	s.must("UpdateVersion sets expire_time, and ShowSecretVersion returns it as sent with the value unchanged", ProfileVersions,
		srcUpdateVersion, ops(opUpdateVersion, opShowSecretVersion), func(c *check) {
			expire := time.Now().Add(30 * 24 * time.Hour).Unix()
			id := h.ids[0]
			ex := c.ok(opUpdateVersion, http.MethodPut, secretPath(c.s.projectID(), h.name, "versions", id), map[string]int64{"expire_time": expire})
			if m := metadataOf(ex); m.ID != id || m.ExpireTime == nil || int64(*m.ExpireTime) != expire {
				c.blame(ex, "the answer is not version %s with expire_time %d", id, expire)
			}
			v, ex := c.readVersion(h.name, id)
			if v.meta.ExpireTime == nil || int64(*v.meta.ExpireTime) != expire {
				c.blame(ex, "version %s has expire_time %s, not %d as sent", id, jsonOf(v.meta.ExpireTime), expire)
			}
			if v.value != h.values[id] {
				c.blame(ex, "after UpdateVersion, version %s no longer holds the value written to it", id)
			}
		})
	s.must("ShowSecretVersion and UpdateVersion answer an unknown version with 404 or the documented 400 CSMS.0005", ProfileVersions,
		srcUnknown, ops(opShowSecretVersion, opUpdateVersion), func(c *check) {
			c.readVersion(h.name, h.ids[0])
			c.ok(opUpdateVersion, http.MethodPut, secretPath(c.s.projectID(), h.name, "versions", h.ids[1]), map[string]int64{"expire_time": 1893456000})
			absent := namePrefix + "no-such-version"
			for _, cl := range []call{
				{what: "ShowSecretVersion of an unknown version", method: http.MethodGet},
				{what: "UpdateVersion of an unknown version", method: http.MethodPut, body: map[string]int64{"expire_time": 1893456000}},
			} {
				cl.path, cl.creds = secretPath(c.s.projectID(), h.name, "versions", absent), c.s.creds()
				if ex := c.mustAnswer(cl); !isUnknownResource(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0005: there is no such version")
				}
			}
		})
	s.must("CreateSecretVersion refuses both secret_string and secret_binary, or neither, with 400 and adds no version", ProfileVersions,
		srcCreateVersion+"; the SDK: exactly one of secret_string and secret_binary", ops(opCreateSecretVersion, opShowSecretVersion), func(c *check) {
			name, _ := c.newStringSecret("refused-version")
			defer c.deleteSecret(name)
			current := c.currentID(name)
			for _, b := range []struct {
				what string
				body map[string]string
			}{
				{"both values", map[string]string{"secret_string": newValue(), "secret_binary": "Y3Ntc2NvbmZvcm0="}},
				{"no value", map[string]string{}},
			} {
				ex := c.op(opCreateSecretVersion, http.MethodPost, secretPath(c.s.projectID(), name, "versions"), b.body)
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: a version with %s breaks the documented rule", b.what)
				}
			}
			if id := c.currentID(name); id != current {
				c.errorf("after the refused versions, the SYSCURRENT version is %s, not %s", id, current)
			}
		})
	s.must("a secret keeps 20 versions: the 21st retires the oldest, which has no stage", ProfileVersions, srcRetention,
		ops(opCreateSecretVersion, opShowSecretVersion), func(c *check) {
			name, first := c.newStringSecret("retention")
			defer c.deleteSecret(name)
			oldest := c.currentID(name)
			values := map[string]string{}
			var ids []string
			for range maxVersions {
				value := newValue()
				id, _ := c.newVersion(name, value)
				ids, values[id] = append(ids, id), "string:"+value
			}
			ex := c.mustAnswer(call{what: "ShowSecretVersion of the retired version", method: http.MethodGet,
				path: secretPath(c.s.projectID(), name, "versions", oldest), creds: c.s.creds()})
			if !isUnknownResource(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0005: with %d versions made, the oldest (%s) retires", maxVersions+1, oldest)
				if v, err := readVersionAnswer(ex); err == nil && is2xx(ex) && v.value != "string:"+first {
					c.blame(ex, "and it does not hold the value written to it")
				}
			}
			for _, id := range ids {
				if v, ex := c.readVersion(name, id); v.value != values[id] {
					c.blame(ex, "version %s does not hold the value the suite wrote to it", id)
				}
			}
		})
	s.sweepChecks(ops(opCreateSecret, opCreateSecretVersion, opShowSecretVersion, opListSecretVersions, opUpdateVersion, opDeleteSecret))
}

// jsonOf renders a value as JSON, for problems.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
