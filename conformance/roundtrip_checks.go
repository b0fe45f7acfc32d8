package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/csmskit/csmskit/openapi"
)

// roundTrip is the state the round-trip checks share: a secret of the suite's own with two
// versions, its backup, and what it held when backed up.
type roundTrip struct {
	name   string
	blob   string
	before versions
}

// versions maps each version ID to what the target says about it.
type versions map[string]version

// version is one version's stages and value.
type version struct {
	stages string // sorted, comma-separated
	value  string
}

// roundTripChecks: a backup restores what it backed up, and only a genuine backup restores.
// They need CreateSecret, CreateSecretVersion, the version reads, DeleteSecret and
// UploadSecretBlob; a target without them has these checks skipped, saying which it lacks.
func (s *suite) roundTripChecks() {
	ginkgo.Describe("round trip through UploadSecretBlob", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		// The setup's problems become each check's, so that every check says why it could
		// not run; a setup that finds a capability missing skips them all instead.
		var (
			rt    *roundTrip
			setup *check
		)
		ginkgo.BeforeAll(func() {
			setup = s.attempt(func(c *check) { rt = c.prepareRoundTrip() })
		})
		ginkgo.AfterAll(func() {
			// Deleted now if possible; if not, the suite's cleanup retries and reports it,
			// rather than pinning the failure on the last check here.
			if rt != nil {
				s.attempt(func(c *check) { c.deleteSecret(rt.name) })
			}
		})
		ginkgo.BeforeEach(func() {
			if rt == nil {
				s.exec(levelMust, func(c *check) { c.inherit("the round trip's setup", setup) })
			}
		})
		s.must("refuses to restore onto an existing secret with a 4xx", areaRoundTrip, func(c *check) {
			ex := c.restore("restore onto the existing secret", rt.blob)
			c.expectRefusal(ex, "a restore must not replace a secret that exists")
		})
		s.must("refuses a backup with one character of its ciphertext changed with a 4xx", areaRoundTrip, func(c *check) {
			c.mustDelete(rt.name)
			tampered, err := tamper(rt.blob)
			if err != nil {
				c.fatalf("cannot tamper with the round trip's backup: %v", err)
			}
			ex := c.restore("restore of a backup with one ciphertext character changed", tampered)
			c.expectRefusal(ex, "the JWE's authentication tag no longer matches its ciphertext")
		})
		s.must("refuses the documented, truncated example blob with a 4xx", areaRoundTrip, func(c *check) {
			ex := c.restore("restore of the documented, truncated example", documentedBlob())
			c.expectRefusal(ex, "the example has four JWE segments, not five")
		})
		s.must("restores a deleted secret with the same versions and values", areaRoundTrip, func(c *check) {
			c.mustDelete(rt.name)
			ex := c.restore("restore of the backup", rt.blob)
			if !is2xx(ex) {
				c.fatalOn(ex, "want 200: a genuine backup of a deleted secret restores")
			}
			c.trackRestored(ex)
			after := c.versionsOf(rt.name)
			for _, d := range rt.before.diff(after) {
				c.errorf("after the restore, %s", d)
			}
		})
	})
}

// prepareRoundTrip creates the round trip's secret with two versions, checks that the target
// implements restoring, and backs the secret up.
func (c *check) prepareRoundTrip() *roundTrip {
	rt := &roundTrip{name: newName("roundtrip")}
	ex, implemented := c.createSecret(rt.name, newValue())
	if !implemented {
		c.skipf("the target does not implement CreateSecret (%s), which the round trip needs", ex)
	}
	if !is2xx(ex) {
		c.fatalOn(ex, "cannot create the round trip's secret")
	}
	if ex = c.addVersion(rt.name, newValue()); notImplemented(ex) {
		c.skipf("the target does not implement CreateSecretVersion (%s), which the round trip needs", ex)
	} else if !is2xx(ex) {
		c.fatalOn(ex, "cannot add a second version to the round trip's secret")
	}
	// A string that is no backup tells whether UploadSecretBlob is there without restoring anything.
	if ex = c.restore("UploadSecretBlob probe with a string that is no backup", namePrefix+"not-a-backup"); notImplemented(ex) {
		c.skipf("the target does not implement UploadSecretBlob (%s)", ex)
	} else if is2xx(ex) {
		c.trackRestored(ex)
		c.fatalOn(ex, "UploadSecretBlob accepted a string that is no backup")
	}
	rt.blob = c.blobOf(c.downloadBackup("backup of the round trip's secret", rt.name))
	rt.before = c.versionsOf(rt.name)
	if len(rt.before) != 2 {
		c.fatalf("the round trip's secret has %d versions after two were written, not 2", len(rt.before))
	}
	return rt
}

// expectRefusal checks that a restore was refused with a 4xx; a restore that succeeded anyway
// is tracked so that the suite deletes what it made.
func (c *check) expectRefusal(ex *exchange, why string) {
	if is2xx(ex) {
		c.trackRestored(ex)
	}
	if !is4xx(ex) {
		c.blame(ex, "want a 4xx: %s", why)
	}
}

// trackRestored records the secret a successful restore made, for deletion at the end.
func (c *check) trackRestored(ex *exchange) {
	var body struct {
		Secret struct {
			Name string `json:"name"`
		} `json:"secret"`
	}
	if json.Unmarshal(ex.body, &body) == nil && body.Secret.Name != "" {
		c.s.track(body.Secret.Name, true)
	}
}

// versionsOf reads every version of a secret: its stages from ListSecretVersions and its
// value from ShowSecretVersion.
func (c *check) versionsOf(name string) versions {
	ex := c.mustAnswer(call{
		what: "ListSecretVersions", method: http.MethodGet, path: secretPath(c.s.projectID(), name, "versions"),
		creds: c.s.creds(),
	})
	if notImplemented(ex) {
		c.skipf("the target does not implement ListSecretVersions (%s), which the round trip needs", ex)
	}
	var list struct {
		Versions []struct {
			ID     string   `json:"id"`
			Stages []string `json:"version_stages"`
		} `json:"version_metadatas"`
	}
	if !is2xx(ex) || json.Unmarshal(ex.body, &list) != nil {
		c.fatalOn(ex, "cannot list the versions of %s", name)
	}
	vs := versions{}
	for _, m := range list.Versions {
		ex := c.mustAnswer(call{
			what: "ShowSecretVersion", method: http.MethodGet, path: secretPath(c.s.projectID(), name, "versions", m.ID),
			creds: c.s.creds(),
		})
		var show struct {
			Version struct {
				String *string `json:"secret_string"`
				Binary *string `json:"secret_binary"`
			} `json:"version"`
		}
		if !is2xx(ex) || json.Unmarshal(ex.body, &show) != nil {
			c.fatalOn(ex, "cannot read version %s of %s", m.ID, name)
		}
		v := version{stages: strings.Join(slices.Sorted(slices.Values(m.Stages)), ",")}
		switch {
		case show.Version.String != nil:
			v.value = "string:" + *show.Version.String
		case show.Version.Binary != nil:
			v.value = "binary:" + *show.Version.Binary
		}
		vs[m.ID] = v
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

// tamper changes one character in the middle of a blob's ciphertext segment, to another
// base64url character, leaving everything else as it was.
func tamper(blob string) (string, error) {
	l := splitBlob(blob)
	j, err := parseJWE(l.jwe)
	if len(j.segments) != len(jweParts) {
		return "", fmt.Errorf("the blob is not a five-segment JWE: %w", err)
	}
	ct := []byte(j.segments[3])
	if len(ct) < 4 {
		return "", errors.New("the ciphertext segment is too short to change a character in its middle")
	}
	// The middle character carries six whole bits of ciphertext, so any replacement decodes.
	i := len(ct) / 2
	if ct[i] == 'A' {
		ct[i] = 'B'
	} else {
		ct[i] = 'A'
	}
	j.segments[3] = string(ct)
	return blob[:len(blob)-len(l.jwe)] + strings.Join(j.segments, "."), nil
}

// documentedBlob is the vendor's documented, truncated example of a secret_blob, as the
// contract keeps it.
func documentedBlob() string {
	op := openapi.MustLoad().CSMS.Paths.Value("/v1/{project_id}/secrets/{secret_name}/backup").Post
	ex := op.Responses.Value("200").Value.Content.Get("application/json").Examples["documented"]
	return ex.Value.Value.(map[string]any)["secret_blob"].(string)
}
