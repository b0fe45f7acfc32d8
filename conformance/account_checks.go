package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The operations on the account rather than a project: their paths name none.
const (
	opShowSecretFunctionTemplates = "ShowSecretFunctionTemplates"
	opCreateAgency                = "CreateAgency"
	opShowAgency                  = "ShowAgency"
	opListUsers                   = "ListUsers"
	opShowUserDetail              = "ShowUserDetail"
	opUpdateUserPassword          = "UpdateUserPassword"
)

// Where the account checks' rules come from.
const (
	srcTemplates = "the ShowSecretFunctionTemplates page: secret_type RDS-FG or GaussDB-FG, secret_sub_type SingleUser or " +
		"MultiUser; engine (mysql, postgresql, sqlserver) mandatory for RDS-FG, not supported for the other types"
	srcAgencies = "the CreateAgency and ShowAgency pages: the service agencies for CSMS and FunctionGraph are created for " +
		"a secret type, each listed with its name and ID, or with error_msg when it could not be created; " +
		"ShowAgency says whether they exist"
	srcUsers = "the ListUsers and ShowUserDetail pages: offset is the page's number (from 0), limit 10 to 100, " +
		"user_info a part of the user name; total counts the users; ShowUserDetail answers the user_id's user, " +
		"400 its one error status"
	srcUserPassword = "the UpdateUserPassword page: the new password and the current one (old_password) are mandatory; " +
		"400 its one error status"
)

// accountPath is a path below /v1/csms, the operations on the account; query is encoded.
func accountPath(path string, query url.Values) string {
	p := "/v1/csms/" + path
	if len(query) > 0 {
		p += "?" + query.Encode()
	}
	return p
}

// templateCombos are the documented combinations of ShowSecretFunctionTemplates' parameters.
var templateCombos = []url.Values{
	{"secret_type": {"RDS-FG"}, "secret_sub_type": {"SingleUser"}, "engine": {"mysql"}},
	{"secret_type": {"RDS-FG"}, "secret_sub_type": {"MultiUser"}, "engine": {"mysql"}},
	{"secret_type": {"RDS-FG"}, "secret_sub_type": {"SingleUser"}, "engine": {"postgresql"}},
	{"secret_type": {"RDS-FG"}, "secret_sub_type": {"MultiUser"}, "engine": {"sqlserver"}},
	{"secret_type": {"GaussDB-FG"}, "secret_sub_type": {"SingleUser"}},
	{"secret_type": {"GaussDB-FG"}, "secret_sub_type": {"MultiUser"}},
}

// template asks for the function template of one combination and returns it.
func (c *check) template(q url.Values) (string, *exchange) {
	ex := c.ok(opShowSecretFunctionTemplates, http.MethodGet, accountPath("function-templates", q), nil)
	return member[string](c, ex, "function_templates"), ex
}

// agency is an Agency as CreateAgency lists it.
type agency struct {
	Name  string  `json:"agency_name"`
	ID    *string `json:"agency_id"`
	Error *string `json:"error_msg"`
}

// createAgency sends CreateAgency for the secret type and returns the agencies it lists.
func (c *check) createAgency(secretType string) ([]agency, *exchange) {
	ex := c.ok(opCreateAgency, http.MethodPost, accountPath("agencies", nil), map[string]string{"secret_type": secretType})
	var body struct {
		Agencies []agency `json:"agencies"`
	}
	c.decode(ex, &body)
	if len(body.Agencies) == 0 {
		c.fatalOn(ex, "the answer lists no agency")
	}
	return body.Agencies, ex
}

// userFields is a user as ListUsers and ShowUserDetail answer it.
type userFields struct {
	ID   string `json:"user_id"`
	Name string `json:"user_name"`
}

// usersPage asks for one page of ListUsers and returns its users and total.
func (c *check) usersPage(offset, limit int, userInfo string) ([]userFields, int, *exchange) {
	q := url.Values{"offset": {fmt.Sprint(offset)}, "limit": {fmt.Sprint(limit)}}
	if userInfo != "" {
		q.Set("user_info", userInfo)
	}
	ex := c.ok(opListUsers, http.MethodGet, accountPath("users", q), nil)
	var body struct {
		Total *int         `json:"total"`
		Users []userFields `json:"users"`
	}
	c.decode(ex, &body)
	if body.Total == nil {
		c.fatalOn(ex, "the answer has no total")
	}
	if len(body.Users) > limit {
		c.blame(ex, "the page lists %d users, more than limit %d", len(body.Users), limit)
	}
	return body.Users, *body.Total, ex
}

// allUsers walks ListUsers ten users a page, from page 0 until a page is short, and
// returns every user listed and the total the first page gave. A page past the end must be
// empty; a user listed twice, or a count other than the total, is a fault.
func (c *check) allUsers() ([]userFields, int) {
	const limit = 10
	var all []userFields
	seen := map[string]bool{}
	total := -1
	for page := 0; ; page++ {
		users, t, ex := c.usersPage(page, limit, "")
		if total < 0 {
			total = t
		}
		for _, u := range users {
			if seen[u.ID] {
				c.blame(ex, "user %s is listed again on page %d: offset is a page's number", u.ID, page)
			}
			seen[u.ID] = true
			all = append(all, u)
		}
		if len(users) < limit || page > total/limit+1 {
			break
		}
	}
	return all, total
}

// accountChecks: the function templates, the agencies, the users and the password change.
func (s *suite) accountChecks() {
	s.must("ShowSecretFunctionTemplates answers a template for every documented secret type, sub-type and engine", ProfileAccount,
		srcTemplates, ops(opShowSecretFunctionTemplates), func(c *check) {
			for _, q := range templateCombos {
				if t, ex := c.template(q); strings.TrimSpace(t) == "" {
					c.blame(ex, "function_templates is empty")
				}
			}
		})
	s.should("ShowSecretFunctionTemplates answers a different template for each secret type, sub-type and engine", ProfileAccount,
		ops(opShowSecretFunctionTemplates), func(c *check) {
			seen := map[string]string{}
			for _, q := range templateCombos {
				t, ex := c.template(q)
				if other, twice := seen[t]; twice {
					c.blame(ex, "the template of %s is that of %s", q.Encode(), other)
				}
				seen[t] = q.Encode()
			}
		})
	s.must("ShowSecretFunctionTemplates refuses RDS-FG without an engine, GaussDB-FG with one and an unknown secret_type with 400",
		ProfileAccount, srcTemplates, ops(opShowSecretFunctionTemplates), func(c *check) {
			c.template(templateCombos[0])
			for _, q := range []url.Values{
				{"secret_type": {"RDS-FG"}, "secret_sub_type": {"SingleUser"}},
				{"secret_type": {"GaussDB-FG"}, "secret_sub_type": {"SingleUser"}, "engine": {"mysql"}},
				{"secret_type": {"COMMON"}, "secret_sub_type": {"SingleUser"}},
			} {
				ex := c.op(opShowSecretFunctionTemplates, http.MethodGet, accountPath("function-templates", q), nil)
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400 for %s", q.Encode())
				}
			}
		})
	s.must("CreateAgency creates the agencies once: ShowAgency then says they exist, and a second CreateAgency lists the same ones",
		ProfileAccount, srcAgencies, ops(opCreateAgency, opShowAgency), func(c *check) {
			first, _ := c.createAgency("GaussDB-FG")
			ex := c.ok(opShowAgency, http.MethodGet, accountPath("agencies", url.Values{"secret_type": {"GaussDB-FG"}}), nil)
			var shown struct {
				Granted *string `json:"agency_granted"`
			}
			c.decode(ex, &shown)
			if shown.Granted == nil || !strings.EqualFold(*shown.Granted, "true") {
				c.blame(ex, "agency_granted is not true after CreateAgency")
			}
			again, ex := c.createAgency("GaussDB-FG")
			ids := map[string]string{}
			for _, a := range first {
				if a.ID != nil {
					ids[a.Name] = *a.ID
				}
			}
			for _, a := range again {
				if want, ok := ids[a.Name]; ok && a.ID != nil && *a.ID != want {
					c.blame(ex, "agency %s has the ID %s, not %s: it was created again", a.Name, *a.ID, want)
				}
				if _, ok := ids[a.Name]; !ok {
					c.blame(ex, "agency %s is new: the first CreateAgency did not list it", a.Name)
				}
			}
		})
	s.must("ShowAgency and CreateAgency refuse an unknown secret_type with 400", ProfileAccount, srcAgencies,
		ops(opShowAgency, opCreateAgency), func(c *check) {
			ex := c.op(opShowAgency, http.MethodGet, accountPath("agencies", url.Values{"secret_type": {"COMMON"}}), nil)
			if ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400 for secret_type COMMON")
			}
			ex = c.op(opCreateAgency, http.MethodPost, accountPath("agencies", nil), map[string]string{"secret_type": "COMMON"})
			if ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400 for secret_type COMMON")
			}
		})
	s.must("ListUsers walked ten a page by page number lists every user once, as many as total", ProfileAccount, srcUsers,
		ops(opListUsers), func(c *check) {
			all, total := c.allUsers()
			if len(all) != total {
				c.errorf("the pages list %d users, total says %d", len(all), total)
			}
		})
	s.must("ListUsers refuses a limit of 9 or 101 with 400", ProfileAccount, srcUsers, ops(opListUsers), func(c *check) {
		c.usersPage(0, 10, "")
		for _, limit := range []int{9, 101} {
			q := url.Values{"offset": {"0"}, "limit": {fmt.Sprint(limit)}}
			if ex := c.op(opListUsers, http.MethodGet, accountPath("users", q), nil); ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400: limit is 10 to 100")
			}
		}
	})
	s.must("ListUsers with user_info lists the users whose name holds it", ProfileAccount, srcUsers, ops(opListUsers), func(c *check) {
		all, _ := c.allUsers()
		if len(all) == 0 {
			c.skipf("the account lists no user")
		}
		name := all[0].Name
		users, total, ex := c.usersPage(0, 100, name)
		found := false
		for _, u := range users {
			found = found || u.ID == all[0].ID
			if !strings.Contains(u.Name, name) {
				c.blame(ex, "user %q does not hold %q", u.Name, name)
			}
		}
		if !found {
			c.blame(ex, "user %q is not listed for its own name", name)
		}
		if len(users) < 100 && total != len(users) {
			c.blame(ex, "total is %d for the %d users of a page that is not full", total, len(users))
		}
	})
	s.must("ShowUserDetail answers each listed user by its user_id, and an unknown user_id with 400", ProfileAccount, srcUsers,
		ops(opListUsers, opShowUserDetail), func(c *check) {
			all, _ := c.allUsers()
			for _, u := range all {
				ex := c.ok(opShowUserDetail, http.MethodGet, accountPath("users/"+url.PathEscape(u.ID), nil), nil)
				var got userFields
				c.decode(ex, &got)
				if got.ID != u.ID || got.Name != u.Name {
					c.blame(ex, "the answer is user %s (%q), not %s (%q)", got.ID, got.Name, u.ID, u.Name)
				}
			}
			// The operation answered above: a 404 now says the user is unknown, whatever its body.
			ex := c.mustAnswer(call{what: opShowUserDetail, method: http.MethodGet,
				path: accountPath("users/"+newName("no-such-user"), nil), creds: c.s.creds()})
			if ex.status != http.StatusBadRequest && ex.status != http.StatusNotFound {
				c.blame(ex, "want 400 (or 404) for an unknown user_id")
			}
		})
	// The suite knows no user's password: it checks the refusal, which changes nothing.
	s.must("UpdateUserPassword refuses a wrong old_password and a body without one with a 4xx", ProfileAccount, srcUserPassword,
		ops(opUpdateUserPassword), func(c *check) {
			for _, body := range []map[string]string{
				{"password": "csmskit-New-Passw0rd!", "old_password": newName("not-the-password")},
				{"password": "csmskit-New-Passw0rd!"},
			} {
				c.s.redact.add(body["password"], body["old_password"])
				ex := c.op(opUpdateUserPassword, http.MethodPost, accountPath("users/change-password", nil), body)
				if ex.status < 400 || ex.status > 499 {
					c.blame(ex, "want a 4xx: the password must not change without the current one")
				}
			}
		})
	s.sweepChecks(ops(opShowSecretFunctionTemplates, opCreateAgency, opShowAgency, opListUsers, opShowUserDetail, opUpdateUserPassword))
}
