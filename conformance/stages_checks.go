package conformance

import (
	"net/http"
	"slices"
)

// Vendor sources of the stages checks.
const (
	srcStages = "the UpdateSecretStage page: a stage marks one version of a secret, and moving it takes it from the version " +
		"that held it; moving SYSCURRENT gives its former version SYSPREVIOUS"
	srcDeleteStage = "the DeleteSecretStage page: SYSCURRENT and SYSPREVIOUS are built in and cannot be deleted; " +
		"success is 204 (200 in an older edition)"
	srcShowStage = "the ShowSecretStage page: which version holds a stage"
)

// newStage returns a fresh custom stage name.
func newStage(purpose string) string { return namePrefix + purpose + "-" + randomHex(4) }

// expectHolder blames a stage that ShowSecretStage does not put on the version want.
func (c *check) expectHolder(name, stage, want string) {
	got, ex := c.showStage(name, stage)
	if got != want {
		c.blame(ex, "%s is on version %q, not %s", stage, got, want)
	}
}

// stagesChecks: ShowSecretStage names the version a stage was moved to, UpdateSecretStage
// moves a stage, DeleteSecretStage removes a custom one and refuses the built-in ones.
func (s *suite) stagesChecks() {
	var h *history
	s.setup(func(c *check) { h = c.newHistory("stages") })
	s.must("ShowSecretStage names the versions that hold SYSCURRENT and SYSPREVIOUS", ProfileStages, srcShowStage+"; "+srcCreateVersion,
		ops(opShowSecretStage), func(c *check) {
			for stage, want := range map[string]string{stageCurrent: h.ids[2], stagePrevious: h.ids[1]} {
				got, ex := c.showStage(h.name, stage)
				st := stageOf(ex)
				if got != want {
					c.blame(ex, "%s is on version %q, not %s", stage, got, want)
				}
				if st.Name != "" && st.Name != stage || st.SecretName != "" && st.SecretName != h.name {
					c.blame(ex, "the answer is the stage %q of %q, not %s of %s", st.Name, st.SecretName, stage, h.name)
				}
			}
		})
	s.must("UpdateSecretStage moves a custom stage: the version it was moved to holds it, the one it left does not", ProfileStages,
		srcStages, ops(opUpdateSecretStage, opShowSecretStage, opShowSecretVersion), func(c *check) {
			stage := newStage("moved")
			if ex := c.moveStage(h.name, stage, h.ids[0]); stageOf(ex).VersionID != h.ids[0] {
				c.blame(ex, "the answer puts %s on version %q, not %s", stage, stageOf(ex).VersionID, h.ids[0])
			}
			c.expectHolder(h.name, stage, h.ids[0])
			c.expectStages(h.name, h.ids[0], []string{stage}, nil)
			c.moveStage(h.name, stage, h.ids[1])
			c.expectHolder(h.name, stage, h.ids[1])
			c.expectStages(h.name, h.ids[1], []string{stage}, nil)
			c.expectStages(h.name, h.ids[0], nil, []string{stage})
		})
	s.must("UpdateSecretStage moving SYSCURRENT gives the version it leaves SYSPREVIOUS", ProfileStages, srcStages,
		ops(opUpdateSecretStage, opShowSecretStage, opShowSecretVersion, opCreateSecretVersion), func(c *check) {
			m := c.newHistory("current-moved")
			defer c.deleteSecret(m.name)
			c.moveStage(m.name, stageCurrent, m.ids[0])
			c.expectHolder(m.name, stageCurrent, m.ids[0])
			c.expectHolder(m.name, stagePrevious, m.ids[2])
			c.expectStages(m.name, m.ids[1], nil, []string{stageCurrent, stagePrevious})
			if v, ex := c.readVersion(m.name, "latest"); v.value != m.values[m.ids[0]] {
				c.blame(ex, "latest does not hold the value of %s, the version SYSCURRENT was moved to", m.ids[0])
			}
		})
	s.must("DeleteSecretStage removes a custom stage: ShowSecretStage no longer finds it, and its version no longer holds it", ProfileStages,
		srcDeleteStage, ops(opDeleteSecretStage, opUpdateSecretStage, opShowSecretStage, opShowSecretVersion), func(c *check) {
			stage := newStage("deleted")
			c.moveStage(h.name, stage, h.ids[0])
			c.ok(opDeleteSecretStage, http.MethodDelete, c.stagePath(h.name, stage), nil)
			ex := c.mustAnswer(call{what: "ShowSecretStage of the deleted stage", method: http.MethodGet,
				path: c.stagePath(h.name, stage), creds: c.s.creds()})
			if !isUnknownResource(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0005: the stage was deleted")
			}
			c.expectStages(h.name, h.ids[0], nil, []string{stage})
		})
	s.must("DeleteSecretStage refuses SYSCURRENT and SYSPREVIOUS with a 4xx, and they stay where they were", ProfileStages,
		srcDeleteStage, ops(opDeleteSecretStage, opShowSecretStage, opCreateSecretVersion, opShowSecretVersion), func(c *check) {
			m := c.newHistory("builtin")
			defer c.deleteSecret(m.name)
			for _, stage := range []string{stageCurrent, stagePrevious} {
				ex := c.op(opDeleteSecretStage, http.MethodDelete, c.stagePath(m.name, stage), nil)
				if !is4xx(ex) {
					c.blame(ex, "want a 4xx: %s cannot be deleted", stage)
				}
			}
			c.expectHolder(m.name, stageCurrent, m.ids[2])
			c.expectHolder(m.name, stagePrevious, m.ids[1])
		})
	s.must("CreateSecretVersion with version_stages puts each listed stage on the new version, taking it from the version that held it",
		ProfileStages, srcStages+"; the CreateSecretVersion page (version_stages)",
		ops(opCreateSecretVersion, opUpdateSecretStage, opShowSecretStage, opShowSecretVersion), func(c *check) {
			name, _ := c.newStringSecret("listed-stage")
			defer c.deleteSecret(name)
			first := c.currentID(name)
			stage := newStage("listed")
			c.moveStage(name, stage, first)
			id, ex := c.newVersion(name, newValue(), stage)
			if !slices.Contains(metadataOf(ex).Stages, stage) {
				c.blame(ex, "the new version has stages %v, without %s, which it was given", metadataOf(ex).Stages, stage)
			}
			c.expectHolder(name, stage, id)
			c.expectStages(name, first, nil, []string{stage})
		})
	s.must("a version with a custom stage outlives the 20-version retention; the oldest without a stage retires", ProfileStages,
		srcRetention, ops(opUpdateSecretStage, opCreateSecretVersion, opShowSecretVersion), func(c *check) {
			name, first := c.newStringSecret("kept")
			defer c.deleteSecret(name)
			kept := c.currentID(name)
			stage := newStage("kept")
			c.moveStage(name, stage, kept)
			var ids []string
			for range maxVersions {
				id, _ := c.newVersion(name, newValue())
				ids = append(ids, id)
			}
			if v, ex := c.readVersion(name, kept); v.value != "string:"+first || !slices.Contains(v.meta.Stages, stage) {
				c.blame(ex, "version %s, which holds %s, is not kept with its value and stage", kept, stage)
			}
			ex := c.mustAnswer(call{what: "ShowSecretVersion of the retired version", method: http.MethodGet,
				path: secretPath(c.s.projectID(), name, "versions", ids[0]), creds: c.s.creds()})
			if !isUnknownResource(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0005: %s is the oldest version without a stage, which retires", ids[0])
			}
		})
	s.must("ShowSecretStage, UpdateSecretStage and DeleteSecretStage answer an unknown stage or version with 404 or the documented 400 CSMS.0005",
		ProfileStages, srcUnknown, ops(opShowSecretStage, opUpdateSecretStage, opDeleteSecretStage), func(c *check) {
			stage := newStage("probe")
			c.moveStage(h.name, stage, h.ids[0])
			c.showStage(h.name, stage)
			c.ok(opDeleteSecretStage, http.MethodDelete, c.stagePath(h.name, stage), nil)
			absent := newStage("absent")
			for _, cl := range []call{
				{what: "ShowSecretStage of an unknown stage", method: http.MethodGet, path: c.stagePath(h.name, absent)},
				{what: "DeleteSecretStage of an unknown stage", method: http.MethodDelete, path: c.stagePath(h.name, absent)},
				{what: "UpdateSecretStage onto an unknown version", method: http.MethodPut, path: c.stagePath(h.name, absent),
					body: map[string]string{"version_id": namePrefix + "no-such-version"}},
			} {
				cl.creds = c.s.creds()
				if ex := c.mustAnswer(cl); !isUnknownResource(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0005: there is no such stage or version")
				}
			}
		})
	s.sweepChecks(ops(opCreateSecret, opCreateSecretVersion, opShowSecretVersion, opShowSecretStage, opUpdateSecretStage,
		opDeleteSecretStage, opDeleteSecret))
}
