package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Vendor sources of the round-trip checks.
const (
	srcRestore = "the UploadSecretBlob page: a backup restores in the same account and region, and fails when " +
		"a secret of that name exists; the backup page: the blob \"contains all secret version information\""
	srcDelete = "the DeleteSecret page: the secret and all its versions are deleted at once and for good; " +
		"the backup page: 404 (the error-code page: 400 CSMS.0106) for a secret that does not exist"
	srcTamper = "the backup page: the blob is encrypted; RFC 7516 §5.2: a JWE whose ciphertext or authentication " +
		"tag does not verify is rejected"
)

// roundTrip is the state the round-trip checks share: a secret of the suite's own with three
// versions and two tags, its backup, what the suite wrote to it and what it held when backed up.
type roundTrip struct {
	name string
	blob string
	// ids are the version IDs the target returned for the versions the suite added; values
	// maps them to the values the suite wrote, and first is the first version's value.
	ids    []string
	values map[string]string
	first  string
	before versions
	// listed and shown say whether the target has ListSecretVersions and ShowSecret, which
	// the round trip uses where they exist.
	listed, shown bool
	// tags are the tags the suite gave the secret; untagged is the answer that showed the
	// target has no tag operations, when it has none.
	tags     map[string]string
	untagged *exchange
}

// roundTripChecks: DELETE deletes, a backup restores what it backed up, and only a genuine
// backup restores. They need CreateSecret, CreateSecretVersion, ShowSecretVersion,
// DeleteSecret and UploadSecretBlob; a target without one has them not supported, saying which.
func (s *suite) roundTripChecks() {
	var rt *roundTrip
	s.setup(func(c *check) { rt = c.prepareRoundTrip() })
	s.tree.afterAll(func() {
		// Deleted now if possible; if not, the suite's cleanup retries and reports it.
		if rt != nil {
			s.attemptAs(ProfileRestore, func(c *check) { c.deleteSecret(rt.name) })
		}
	})
	s.must("refuses to restore onto an existing secret with a 4xx", areaRoundTrip, srcRestore, ops(opUploadSecretBlob), func(c *check) {
		ex := c.restore("restore onto the existing secret", rt.blob)
		c.expectRefusal(ex, "a restore must not replace a secret that exists")
	})
	s.must("deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", areaRoundTrip, srcDelete,
		ops(opDeleteSecret, opDownloadSecretBlob, opShowSecretVersion, opShowSecret), func(c *check) {
			ex, _ := c.deleteSecret(rt.name)
			if ex.status != http.StatusOK {
				c.fatalOn(ex, "want 200 from DeleteSecret of an existing secret")
			}
			if ex := c.downloadBackup("backup of the deleted secret", rt.name); !isUnknownSecret(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0106: the secret was deleted")
			}
			for _, id := range rt.ids {
				if ex := c.showVersion(rt.name, id); !isUnknownSecret(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0106 or CSMS.0005: the secret was deleted")
				}
			}
			if rt.shown {
				if ex := c.showSecret(rt.name); !isUnknownSecret(ex) && !ex.gap() {
					c.blame(ex, "want 404 or the documented 400 CSMS.0106: the secret was deleted")
				}
			}
		})
	s.must("refuses a backup with one character of its ciphertext changed with a 4xx", areaRoundTrip, srcTamper, ops(opUploadSecretBlob), func(c *check) {
		c.mustDelete(rt.name)
		tampered, err := tamper(rt.blob)
		if err != nil {
			c.fatalf("cannot tamper with the round trip's backup: %v", err)
		}
		ex := c.restore("restore of a backup with one ciphertext character changed", tampered)
		c.expectRefusal(ex, "the JWE's authentication tag no longer matches its ciphertext")
	})
	s.must("refuses the documented, truncated example blob with a 4xx", areaRoundTrip,
		"the backup page's example blob has four JWE segments, not the five RFC 7516 §7.1 requires", ops(opUploadSecretBlob), func(c *check) {
			ex := c.restore("restore of the documented, truncated example", c.s.contract.documentedBlob())
			c.expectRefusal(ex, "the example has four JWE segments, not five")
		})
	s.must("restores a deleted secret with the same versions, stages and values, each the value written to it", areaRoundTrip, srcRestore,
		ops(opUploadSecretBlob, opShowSecretVersion, opListSecretVersions), func(c *check) {
			c.mustDelete(rt.name)
			ex := c.restore("restore of the backup", rt.blob)
			if !is2xx(ex) {
				c.fatalOn(ex, "want 200: a genuine backup of a deleted secret restores")
			}
			c.trackRestored(ex)
			after := c.versionsOf(rt)
			for _, d := range rt.before.diff(after) {
				c.errorf("after the restore, %s", d)
			}
			for _, d := range rt.unwritten(after) {
				c.errorf("after the restore, %s", d)
			}
		})
	s.must("restores a deleted secret with all its tags and their values, or with none", areaRoundTrip,
		"the backup page does not say whether a backup carries tags; a restore that carries some but not all, "+
			"or other values, restores something that was never backed up", ops(opUploadSecretBlob, opListSecretTags), func(c *check) {
			if rt.untagged != nil {
				// Without tag operations the secret has no tags, and none is what a restore
				// must bring back: the tags are used where the target has them, as the
				// optional reads are.
				return
			}
			c.mustDelete(rt.name)
			ex := c.restore("restore of the tagged backup", rt.blob)
			if !is2xx(ex) {
				c.fatalOn(ex, "want 200: a genuine backup of a deleted secret restores")
			}
			c.trackRestored(ex)
			id := secretOf(ex).ID
			if id == "" {
				c.fatalOn(ex, "the restore's answer names no secret.id to list the tags of")
			}
			got := c.tagsOf(id)
			if len(got) > 0 && !maps.Equal(got, rt.tags) {
				c.errorf("after the restore, the secret's tags are %s, not all of %s nor none", describeTags(got), describeTags(rt.tags))
			}
		})
	s.sweepChecks(ops(opCreateSecret, opCreateSecretVersion, opShowSecretVersion, opUploadSecretBlob, opDownloadSecretBlob,
		opDeleteSecret, opListSecretVersions, opShowSecret, opCreateSecretTag, opListSecretTags))
}

// prepareRoundTrip creates the round trip's secret, adds two versions and two tags, checks
// that the target implements restoring, learns which optional reads it has, and backs the
// secret up.
func (c *check) prepareRoundTrip() *roundTrip {
	rt := &roundTrip{name: newName("roundtrip"), values: map[string]string{}, first: newValue()}
	ex, implemented := c.createSecret(rt.name, rt.first)
	if !implemented {
		c.lacks(ex, "so the round trip has no secret of its own to back up, delete and restore")
	}
	if !is2xx(ex) {
		c.fatalOn(ex, "cannot create the round trip's secret")
	}
	id := secretOf(ex).ID
	for range 2 {
		value := newValue()
		ex := c.addVersion(rt.name, value)
		if notImplemented(ex) {
			c.lacks(ex, "so the round trip cannot give its secret more than one version")
		}
		vid := versionIDOf(ex)
		if !is2xx(ex) || vid == "" {
			c.fatalOn(ex, "cannot add a version to the round trip's secret: want 200 with version_metadata.id")
		}
		rt.ids = append(rt.ids, vid)
		rt.values[vid] = "string:" + value
	}
	if rt.ids[0] == rt.ids[1] {
		c.fatalf("CreateSecretVersion returned the version ID %s twice", rt.ids[0])
	}
	if ex := c.showVersion(rt.name, rt.ids[0]); notImplemented(ex) {
		c.lacks(ex, "so the round trip cannot read a version back")
	}
	// A string that is no backup tells whether UploadSecretBlob is there without restoring anything.
	if ex = c.restore("UploadSecretBlob probe with a string that is no backup", namePrefix+"not-a-backup"); notImplemented(ex) {
		c.lacks(ex, "so no backup can be restored")
	} else if is2xx(ex) {
		c.trackRestored(ex)
		c.fatalOn(ex, "UploadSecretBlob accepted a string that is no backup")
	}
	rt.listed = !c.listVersions(rt.name).gap()
	rt.shown = !c.showSecret(rt.name).gap()
	rt.tags = map[string]string{namePrefix + "team": "payments", namePrefix + "env": "prod"}
	for _, k := range slices.Sorted(maps.Keys(rt.tags)) {
		ex := c.send(call{what: opCreateSecretTag, method: http.MethodPost, path: tagsPath(c.s.projectID(), id),
			body: map[string]any{"tag": map[string]string{"key": k, "value": rt.tags[k]}}, creds: c.s.creds(), optional: true})
		if ex.gap() {
			rt.untagged = ex
			break
		}
		if !is2xx(ex) {
			c.fatalOn(ex, "cannot tag the round trip's secret")
		}
	}
	rt.blob = c.blobOf(c.downloadBackup("backup of the round trip's secret", rt.name))
	rt.before = c.versionsOf(rt)
	for _, id := range rt.ids {
		if _, ok := rt.before[id]; !ok {
			c.fatalf("ShowSecretVersion does not find version %s, which CreateSecretVersion returned", id)
		}
	}
	return rt
}

// unwritten describes the versions of vs that do not hold what the suite wrote to them: the
// versions it added, by the IDs the target returned, and the first, by the one other ID
// ListSecretVersions names.
func (rt *roundTrip) unwritten(vs versions) []string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(vs)) {
		want, ok := rt.values[id]
		if !ok {
			want = "string:" + rt.first
		}
		if vs[id].value != want {
			out = append(out, fmt.Sprintf("version %s holds another value than the suite wrote to it", id))
		}
	}
	return out
}

// versionIDOf returns version_metadata.id of a CreateSecretVersion answer.
func versionIDOf(ex *exchange) string {
	var body struct {
		Meta struct {
			ID string `json:"id"`
		} `json:"version_metadata"`
	}
	_ = json.Unmarshal(ex.body, &body)
	return body.Meta.ID
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
