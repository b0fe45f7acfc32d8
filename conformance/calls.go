package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The suite's calls of every operation of the contract, and readers of their answers. A call
// made through op expects the target to have the operation: an answer that says it has none
// (405, 501, a 404 without a CSMS.* code, APIGW.0101) ends the check as not supported.

// op sends a request to an operation the check needs.
func (c *check) op(operation, method, path string, body any) *exchange {
	ex := c.mustAnswer(call{what: operation, method: method, path: path, body: body, creds: c.s.creds(), optional: true})
	if ex.gap() {
		c.lacks(ex, "")
	}
	return ex
}

// ok is op, ending the check unless the answer is a 2xx.
func (c *check) ok(operation, method, path string, body any) *exchange {
	ex := c.op(operation, method, path, body)
	if !is2xx(ex) {
		c.fatalOn(ex, "want a 2xx from %s", operation)
	}
	return ex
}

// decode reads an answer's JSON body into v, or ends the check saying it cannot.
func (c *check) decode(ex *exchange, v any) {
	if err := json.Unmarshal(ex.body, v); err != nil {
		c.fatalOn(ex, "the answer is not the JSON the contract gives: %v", err)
	}
}

// member decodes the answer's member name, which the check needs: an answer without it fails
// the check.
func member[T any](c *check, ex *exchange, name string) T {
	var body map[string]json.RawMessage
	c.decode(ex, &body)
	raw, ok := body[name]
	if !ok || string(raw) == "null" {
		c.fatalOn(ex, "the answer has no %s", name)
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		c.fatalOn(ex, "the answer's %s is not what the contract gives: %v", name, err)
	}
	return v
}

// secretFields is a Secret as answers carry it.
type secretFields struct {
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	State               string   `json:"state"`
	Description         *string  `json:"description"`
	SecretType          string   `json:"secret_type"`
	ScheduledDeleteTime *float64 `json:"scheduled_delete_time"`
}

// secretOf returns the secret of a SecretResponse, zero when the body holds none.
func secretOf(ex *exchange) secretFields {
	var body struct {
		Secret secretFields `json:"secret"`
	}
	_ = json.Unmarshal(ex.body, &body)
	return body.Secret
}

// newSecret creates a secret named after purpose with the body's fields and tracks it for
// deletion; the check ends when the target cannot.
func (c *check) newSecret(purpose string, body map[string]any) (string, *exchange) {
	name := newName(purpose)
	b := maps.Clone(body)
	b["name"] = name
	for _, k := range []string{"secret_string", "secret_binary"} {
		if v, ok := b[k].(string); ok {
			c.s.redact.add(v)
		}
	}
	ex := c.op(opCreateSecret, http.MethodPost, secretsPath(c.s.projectID()), b)
	if !is2xx(ex) {
		c.fatalOn(ex, "cannot create a secret to check with: want 200")
	}
	c.s.track(name, true)
	return name, ex
}

// newStringSecret creates a secret with a fresh value and returns its name and value.
func (c *check) newStringSecret(purpose string) (name, value string) {
	value = newValue()
	name, _ = c.newSecret(purpose, map[string]any{"secret_string": value})
	return name, value
}

// showSecretOf returns a secret's metadata through ShowSecret.
func (c *check) showSecretOf(name string) (secretFields, *exchange) {
	ex := c.ok(opShowSecret, http.MethodGet, secretPath(c.s.projectID(), name), nil)
	return secretOf(ex), ex
}

// versionFields is a version's metadata and value as ShowSecretVersion answers them.
type versionFields struct {
	ID         string   `json:"id"`
	SecretName string   `json:"secret_name"`
	Stages     []string `json:"version_stages"`
	ExpireTime *float64 `json:"expire_time"`
}

// versionRead is one version as ShowSecretVersion answered it.
type versionRead struct {
	meta versionFields
	// value is "string:" or "binary:" and the value, "" when the answer holds neither.
	value string
}

// readVersionAnswer reads a ShowSecretVersion answer.
func readVersionAnswer(ex *exchange) (versionRead, error) {
	var show struct {
		Version struct {
			Meta   versionFields `json:"version_metadata"`
			String *string       `json:"secret_string"`
			Binary *string       `json:"secret_binary"`
		} `json:"version"`
	}
	if err := json.Unmarshal(ex.body, &show); err != nil {
		return versionRead{}, err
	}
	v := versionRead{meta: show.Version.Meta}
	switch {
	case show.Version.String != nil:
		v.value = "string:" + *show.Version.String
	case show.Version.Binary != nil:
		v.value = "binary:" + *show.Version.Binary
	}
	return v, nil
}

// readVersion reads one version of a secret; the check ends when it cannot.
func (c *check) readVersion(name, id string) (versionRead, *exchange) {
	ex := c.ok(opShowSecretVersion, http.MethodGet, secretPath(c.s.projectID(), name, "versions", id), nil)
	v, err := readVersionAnswer(ex)
	if err != nil {
		c.fatalOn(ex, "the answer is not the JSON the contract gives: %v", err)
	}
	return v, ex
}

// metadataOf returns the version_metadata of a CreateSecretVersion or UpdateVersion answer.
func metadataOf(ex *exchange) versionFields {
	var body struct {
		Meta versionFields `json:"version_metadata"`
	}
	_ = json.Unmarshal(ex.body, &body)
	return body.Meta
}

// newVersion adds a version with value to a secret and returns its ID.
func (c *check) newVersion(name, value string, stages ...string) (string, *exchange) {
	c.s.redact.add(value)
	body := map[string]any{"secret_string": value}
	if len(stages) > 0 {
		body["version_stages"] = stages
	}
	ex := c.ok(opCreateSecretVersion, http.MethodPost, secretPath(c.s.projectID(), name, "versions"), body)
	id := metadataOf(ex).ID
	if id == "" {
		c.fatalOn(ex, "the answer names no version_metadata.id")
	}
	return id, ex
}

// currentID returns the ID of a secret's SYSCURRENT version, read through "latest".
func (c *check) currentID(name string) string {
	v, ex := c.readVersion(name, "latest")
	if v.meta.ID == "" {
		c.fatalOn(ex, "the answer names no version_metadata.id")
	}
	return v.meta.ID
}

// stageFields is a Stage as ShowSecretStage and UpdateSecretStage answer it.
type stageFields struct {
	Name       string `json:"name"`
	SecretName string `json:"secret_name"`
	VersionID  string `json:"version_id"`
}

// stageOf returns the stage of a StageResponse.
func stageOf(ex *exchange) stageFields {
	var body struct {
		Stage stageFields `json:"stage"`
	}
	_ = json.Unmarshal(ex.body, &body)
	return body.Stage
}

// stagePath is the path of a secret's stage.
func (c *check) stagePath(name, stage string) string {
	return secretPath(c.s.projectID(), name, "stages", stage)
}

// showStage returns the version that holds a stage, through ShowSecretStage.
func (c *check) showStage(name, stage string) (string, *exchange) {
	ex := c.ok(opShowSecretStage, http.MethodGet, c.stagePath(name, stage), nil)
	return stageOf(ex).VersionID, ex
}

// moveStage puts a stage on a version through UpdateSecretStage.
func (c *check) moveStage(name, stage, versionID string) *exchange {
	return c.ok(opUpdateSecretStage, http.MethodPut, c.stagePath(name, stage), map[string]string{"version_id": versionID})
}

// tagsPath is the path of a secret's tags, by its id.
func tagsPath(projectID, secretID string, more ...string) string {
	p := csmsPath(projectID, url.PathEscape(secretID), "tags")
	for _, m := range more {
		p += "/" + url.PathEscape(m)
	}
	return p
}

// csmsPath is a path below /v1/{project_id}/csms; parts are escaped already.
func csmsPath(projectID string, parts ...string) string {
	return "/v1/" + url.PathEscape(projectID) + "/csms/" + strings.Join(parts, "/")
}

// tagsOf lists a secret's tags, by its id, as key → value.
func (c *check) tagsOf(secretID string) map[string]string {
	ex := c.ok(opListSecretTags, http.MethodGet, tagsPath(c.s.projectID(), secretID), nil)
	var body struct {
		Tags []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"tags"`
	}
	c.decode(ex, &body)
	out := map[string]string{}
	for _, t := range body.Tags {
		if _, twice := out[t.Key]; twice {
			c.blame(ex, "the tag key %q is listed twice; a secret has one value per key", t.Key)
		}
		out[t.Key] = t.Value
	}
	return out
}

// tag adds a tag to a secret through CreateSecretTag.
func (c *check) tag(secretID, key, value string) *exchange {
	return c.op(opCreateSecretTag, http.MethodPost, tagsPath(c.s.projectID(), secretID),
		map[string]any{"tag": map[string]string{"key": key, "value": value}})
}

// batchTags sends BatchCreateOrDeleteTags with the tags in key order.
func (c *check) batchTags(secretID, action string, tags map[string]string) *exchange {
	var list []map[string]string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		t := map[string]string{"key": k}
		if v := tags[k]; v != "" {
			t["value"] = v
		}
		list = append(list, t)
	}
	return c.op(opBatchCreateOrDeleteTags, http.MethodPost, tagsPath(c.s.projectID(), secretID, "action"),
		map[string]any{"action": action, "tags": list})
}

// describeTags renders tags in key order, for problems.
func describeTags(tags map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, fmt.Sprintf("%s=%s", k, tags[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// hasCode reports an answer of the status with the error code.
func hasCode(ex *exchange, status int, code string) bool {
	return ex.status == status && ex.errorCode() == code
}

// isUnknownResource reports an answer that says a resource below a secret (a version, a
// stage) does not exist: 404, or 400 with the documented CSMS.0005.
func isUnknownResource(ex *exchange) bool {
	return ex.status == http.StatusNotFound || hasCode(ex, http.StatusBadRequest, "CSMS.0005")
}
