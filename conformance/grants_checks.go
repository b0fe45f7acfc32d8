package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Vendor sources of the grants, batch import and checker checks.
const (
	srcGrants = "the CreateGrants, ListGrants and UpdateGrant pages and the SDK's models: a grant of a resource (a secret, " +
		"by its id) to a user (grantee_type 0) or user group (2), answered in data (uuid, resourceId, granteeUser, " +
		"validityTime); ListGrants answers the resource with every grantee in grantee_user"
	srcDeleteGrant = "the DeleteGrant page: resource_id and the optional grantee_user in the query; 204 on success"
	srcImport      = "the BatchImportSecrets page and the SDK's model: secrets, each a CreateSecret body; the answer counts " +
		"total, success and failed and names each failure in error_list (name, error_msg)"
	srcCheckerConfig = "the ShowSecretsConfig and UpdateSecretsConfig pages: checking_secret_strength, whether secret " +
		"strength checking is on, shown and set"
	srcCheck = "the CheckSecrets page (2026 edition): type is fixed to 1 and data is an object; the answer carries type " +
		"and data"
)

// grantFields is a GrantData as CreateGrants and UpdateGrant answer it.
type grantFields struct {
	UUID         string `json:"uuid"`
	ResourceID   string `json:"resourceId"`
	GranteeUser  string `json:"granteeUser"`
	ValidityTime *int64 `json:"validityTime"`
}

// granteeFields is one grantee as ListGrants lists it.
type granteeFields struct {
	UserID       string `json:"user_id"`
	ValidityTime *int64 `json:"validity_time"`
}

// grantsPath is the path of the grant operations, with a query.
func grantsPath(projectID string, query url.Values) string {
	p := csmsPath(projectID, "grants")
	if len(query) > 0 {
		p += "?" + query.Encode()
	}
	return p
}

// grantBody is a grant of a secret to a user, valid until validity (epoch milliseconds).
func grantBody(secretID, grantee string, validity int64) map[string]any {
	return map[string]any{"resource_id": secretID, "type": "SECRET", "grantee_type": "0",
		"grantee_target_id": grantee, "validity_time": strconv.FormatInt(validity, 10)}
}

// newGrantee is a user id unique to the run, in the shape of IAM's (32 hexadecimal digits).
func newGrantee() string { return randomHex(16) }

// grant grants a secret to a user through CreateGrants and returns the answered grant.
func (c *check) grant(secretID, grantee string, validity int64) (grantFields, *exchange) {
	ex := c.ok(opCreateGrants, http.MethodPost, grantsPath(c.s.projectID(), nil), grantBody(secretID, grantee, validity))
	return member[grantFields](c, ex, "data"), ex
}

// grantees lists the grantees of a secret through ListGrants, by user id.
func (c *check) grantees(secretID string) (map[string]granteeFields, *exchange) {
	ex := c.ok(opListGrants, http.MethodGet, grantsPath(c.s.projectID(), url.Values{"resource_id": {secretID}}), nil)
	var body struct {
		Data *struct {
			ID      string          `json:"id"`
			Grantee []granteeFields `json:"grantee_user"`
		} `json:"data"`
	}
	c.decode(ex, &body)
	if body.Data == nil {
		c.fatalOn(ex, "the answer has no data, the resource with its grantees")
	}
	out := map[string]granteeFields{}
	for _, g := range body.Data.Grantee {
		out[g.UserID] = g
	}
	return out, ex
}

// expectGrantees blames a secret whose grantees are not want.
func (c *check) expectGrantees(secretID string, want []string, why string) {
	got, ex := c.grantees(secretID)
	ids := make([]string, 0, len(got))
	for id := range got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(ids, want) {
		c.blame(ex, "ListGrants lists the grantees %v, not %v: %s", ids, want, why)
	}
}

// grantsChecks: grants are kept, listed, changed and revoked.
func (s *suite) grantsChecks() {
	// A validity time in the future that survives a round trip: whole seconds, in milliseconds.
	later := func(days int64) int64 { return (time.Now().Unix() + days*86400) * 1000 }
	s.must("CreateGrants answers the grant in data, and ListGrants lists its grantee with its validity", ProfileGrants, srcGrants,
		ops(opCreateGrants, opListGrants), func(c *check) {
			w := c.newWritten("granted")
			defer c.deleteSecret(w.name)
			grantee, validity := newGrantee(), later(30)
			g, ex := c.grant(w.id, grantee, validity)
			if g.UUID == "" || g.ResourceID != w.id || g.GranteeUser != grantee {
				c.blame(ex, "the grant names uuid %q, resourceId %q and granteeUser %q; want a uuid, %q and %q",
					g.UUID, g.ResourceID, g.GranteeUser, w.id, grantee)
			}
			listed, ex := c.grantees(w.id)
			got, ok := listed[grantee]
			switch {
			case !ok:
				c.blame(ex, "ListGrants does not list the grantee %s just granted", grantee)
			case got.ValidityTime == nil || *got.ValidityTime != validity:
				c.blame(ex, "ListGrants lists the grantee's validity_time as %v, not %d, the time granted", got.ValidityTime, validity)
			}
		})
	s.must("UpdateGrant changes the grant's validity, and ListGrants shows the new one", ProfileGrants, srcGrants,
		ops(opUpdateGrant, opCreateGrants, opListGrants), func(c *check) {
			w := c.newWritten("regranted")
			defer c.deleteSecret(w.name)
			grantee, validity := newGrantee(), later(60)
			c.grant(w.id, grantee, later(30))
			ex := c.ok(opUpdateGrant, http.MethodPut, grantsPath(c.s.projectID(), url.Values{"resource_id": {w.id}}),
				grantBody(w.id, grantee, validity))
			listed, ex2 := c.grantees(w.id)
			if got := listed[grantee].ValidityTime; got == nil || *got != validity {
				c.blame(ex2, "after UpdateGrant, ListGrants lists validity_time %v, not %d, the time it was changed to", got, validity)
				c.blame(ex, "the update that was not kept")
			}
		})
	s.must("DeleteGrant of one grantee answers 204 and revokes that grant only", ProfileGrants, srcDeleteGrant,
		ops(opDeleteGrant, opCreateGrants, opListGrants), func(c *check) {
			w := c.newWritten("revoked")
			defer c.deleteSecret(w.name)
			gone, kept := newGrantee(), newGrantee()
			c.grant(w.id, gone, later(30))
			c.grant(w.id, kept, later(30))
			ex := c.op(opDeleteGrant, http.MethodDelete,
				grantsPath(c.s.projectID(), url.Values{"resource_id": {w.id}, "grantee_user": {gone}}), nil)
			if ex.status != http.StatusNoContent {
				c.blame(ex, "want 204: the grant is there to revoke")
			}
			c.expectGrantees(w.id, []string{kept}, "one grant was revoked, the other stays")
		})
	// The contract's reading: the pages document 404 for a resource that does not exist.
	s.should("ListGrants of a secret id that does not exist is refused with a 4xx", ProfileGrants,
		ops(opListGrants, opCreateGrants), func(c *check) {
			w := c.newWritten("grants-gone")
			c.grant(w.id, newGrantee(), later(30))
			c.mustDelete(w.name)
			// Sent as optional: an unknown resource's 404 need not carry a CSMS.* code.
			ex := c.send(call{what: opListGrants, method: http.MethodGet,
				path: grantsPath(c.s.projectID(), url.Values{"resource_id": {w.id}}), creds: c.s.creds(), optional: true})
			if !is4xx(ex) {
				c.blame(ex, "want a 4xx: the secret %s was deleted", w.id)
			}
		})
	s.sweepChecks(ops(opCreateGrants, opListGrants, opUpdateGrant, opDeleteGrant))
}

// importAnswer is BatchImportSecrets' answer.
type importAnswer struct {
	Total   *int `json:"total"`
	Success *int `json:"success"`
	Failed  *int `json:"failed"`
	Errors  []struct {
		Name string `json:"name"`
	} `json:"error_list"`
}

// importSecrets sends BatchImportSecrets with a secret_string secret for each name and value,
// tracking them for deletion.
func (c *check) importSecrets(names, values []string) (importAnswer, *exchange) {
	batch := make([]map[string]string, len(names))
	for i, n := range names {
		c.s.redact.add(values[i])
		batch[i] = map[string]string{"name": n, "secret_string": values[i]}
		c.s.track(n, true)
	}
	ex := c.ok(opBatchImportSecrets, http.MethodPost, secretsPath(c.s.projectID(), "batch-import"), map[string]any{"secrets": batch})
	var out importAnswer
	c.decode(ex, &out)
	if out.Total == nil || out.Success == nil || out.Failed == nil {
		c.fatalOn(ex, "the answer lacks total, success or failed")
	}
	return out, ex
}

// importChecks: a batch import creates real secrets, and a failure is the failing secret's alone.
func (s *suite) importChecks() {
	s.must("BatchImportSecrets creates every secret, each readable with ShowSecret, and counts them", ProfileImport, srcImport,
		ops(opBatchImportSecrets, opShowSecret), func(c *check) {
			names := []string{newName("import-a"), newName("import-b"), newName("import-c")}
			out, ex := c.importSecrets(names, []string{newValue(), newValue(), newValue()})
			defer func() {
				for _, n := range names {
					c.deleteSecret(n)
				}
			}()
			if *out.Total != 3 || *out.Success != 3 || *out.Failed != 0 {
				c.blame(ex, "total %d, success %d, failed %d; want 3, 3 and 0", *out.Total, *out.Success, *out.Failed)
			}
			for _, n := range names {
				if got, _ := c.showSecretOf(n); got.Name != n {
					c.errorf("ShowSecret of the imported %s answers the secret %q", n, got.Name)
				}
			}
		})
	s.must("BatchImportSecrets fails only the secret whose name is in use, names it in error_list, and creates the others",
		ProfileImport, srcImport, ops(opBatchImportSecrets, opShowSecret, opCreateSecret), func(c *check) {
			taken := c.newWritten("import-taken")
			defer c.deleteSecret(taken.name)
			fresh := newName("import-fresh")
			out, ex := c.importSecrets([]string{taken.name, fresh}, []string{newValue(), newValue()})
			defer c.deleteSecret(fresh)
			if *out.Total != 2 || *out.Success != 1 || *out.Failed != 1 {
				c.blame(ex, "total %d, success %d, failed %d; want 2, 1 and 1", *out.Total, *out.Success, *out.Failed)
			}
			if len(out.Errors) != 1 || out.Errors[0].Name != taken.name {
				c.blame(ex, "error_list does not name %s, the one secret whose name is in use, alone", taken.name)
			}
			if got, _ := c.showSecretOf(fresh); got.Name != fresh {
				c.errorf("ShowSecret of %s, imported beside a failure, answers the secret %q", fresh, got.Name)
			}
		})
	s.sweepChecks(ops(opBatchImportSecrets, opShowSecret))
}

// checkerConfig reads the project's configuration through ShowSecretsConfig.
func (c *check) checkerConfig() (bool, *exchange) {
	ex := c.ok(opShowSecretsConfig, http.MethodGet, secretsPath(c.s.projectID(), "checker", "config"), nil)
	return member[bool](c, ex, "checking_secret_strength"), ex
}

// setCheckerConfig sets the project's configuration through UpdateSecretsConfig.
func (c *check) setCheckerConfig(on bool) *exchange {
	return c.ok(opUpdateSecretsConfig, http.MethodPost, secretsPath(c.s.projectID(), "checker", "config"),
		map[string]bool{"checking_secret_strength": on})
}

// checkerChecks: the configuration is kept; a check answers type 1 with data and refuses
// another type.
func (s *suite) checkerChecks() {
	s.must("UpdateSecretsConfig sets checking_secret_strength, and ShowSecretsConfig shows it", ProfileChecker, srcCheckerConfig,
		ops(opUpdateSecretsConfig, opShowSecretsConfig), func(c *check) {
			was, _ := c.checkerConfig()
			defer c.setCheckerConfig(was)
			ex := c.setCheckerConfig(!was)
			if now, ex2 := c.checkerConfig(); now != !was {
				c.blame(ex2, "ShowSecretsConfig shows checking_secret_strength %v, not %v, the value set", now, !was)
				c.blame(ex, "the change that was not kept")
			}
		})
	s.must("CheckSecrets of type 1 answers type and an object data", ProfileChecker, srcCheck,
		ops(opCheckSecrets), func(c *check) {
			ex := c.ok(opCheckSecrets, http.MethodPost, secretsPath(c.s.projectID(), "checker", "check"),
				map[string]any{"type": "1", "data": map[string]any{}})
			var out struct {
				Type *string        `json:"type"`
				Data map[string]any `json:"data"`
			}
			if err := json.Unmarshal(ex.body, &out); err != nil || out.Type == nil || out.Data == nil {
				c.blame(ex, "the answer lacks type or an object data")
			}
		})
	s.must("CheckSecrets refuses a type other than 1 with 400", ProfileChecker, srcCheck,
		ops(opCheckSecrets), func(c *check) {
			ex := c.op(opCheckSecrets, http.MethodPost, secretsPath(c.s.projectID(), "checker", "check"),
				map[string]any{"type": "2", "data": map[string]any{}})
			if ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400: type is fixed to 1")
			}
		})
	s.sweepChecks(ops(opCheckSecrets, opShowSecretsConfig, opUpdateSecretsConfig))
}
