package mock_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/auth"
)

// tokenRequest is IAM's password token request for a user of the demo project.
func tokenRequest(user, password, domain string) string {
	b, _ := json.Marshal(map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": map[string]any{"name": domain}}}},
		"scope": map[string]any{"project": map[string]any{"id": mock.DemoProjectID}},
	}})
	return string(b)
}

// issueToken obtains a token for the user, or fails the test.
func (c *client) issueToken(user, password, domain string) creds {
	c.t.Helper()
	r := c.must(201, "POST", "/v3/auth/tokens", tokenRequest(user, password, domain), noCreds)
	return creds{token: r.header.Get("X-Subject-Token")}
}

func TestAccountPathsAreNotAProject(t *testing.T) {
	_, c := newMock(t, nil)
	// /v1/csms/agencies is CreateAgency, not an operation of a project named csms.
	c.must(200, "GET", "/v1/csms/agencies?secret_type=RDS-FG", "", demoToken)
	// /v1/csms/secrets is ListSecrets of a project "csms", whose ID breaks the contract.
	if code := c.must(400, "GET", "/v1/csms/secrets", "", demoToken).errorCode(t); code != "CSMS.0002" {
		t.Errorf("GET /v1/csms/secrets: %s, want CSMS.0002 for a project_id of 4 characters", code)
	}
	// change-password is its own operation, never a user of that ID; a GET of it is the
	// detail of a user so named, who does not exist.
	c.must(400, "GET", "/v1/csms/users/change-password", "", demoToken)
	c.must(404, "PUT", "/v1/csms/agencies", "{}", demoToken)
}

func TestAccountOperationsTakeAnyCredentialOfTheAccount(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml" })
	// ci-reader may only read secrets, in the demo project; alice's token is scoped to it
	// too. Neither holds an action these operations need, as they need none.
	reader := creds{token: "MIIci-reader-token-0123456789abcdef0123"}
	alice := c.issueToken("alice", "alice-password", "example-domain")
	for _, cr := range []creds{demoToken, demoAKSK, reader, alice} {
		c.must(200, "GET", "/v1/csms/function-templates?secret_type=GaussDB-FG&secret_sub_type=MultiUser", "", cr)
		c.must(200, "GET", "/v1/csms/users?offset=0&limit=10", "", cr)
	}
	c.must(401, "GET", "/v1/csms/users?offset=0&limit=10", "", creds{token: strings.Repeat("x", 40)})
	c.must(401, "GET", "/v1/csms/users?offset=0&limit=10", "", noCreds)
}

func TestFunctionTemplates(t *testing.T) {
	_, c := newMock(t, nil)
	seen := map[string]bool{}
	for _, q := range []string{
		"secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql",
		"secret_type=RDS-FG&secret_sub_type=MultiUser&engine=mysql",
		"secret_type=RDS-FG&secret_sub_type=SingleUser&engine=sqlserver",
		"secret_type=GaussDB-FG&secret_sub_type=SingleUser",
	} {
		var body struct {
			Template string `json:"function_templates"`
		}
		c.must(200, "GET", "/v1/csms/function-templates?"+q, "", demoToken).json(t, &body)
		if seen[body.Template] || !json.Valid([]byte(body.Template)) {
			t.Errorf("%s: template %q, want a JSON document of its own", q, body.Template)
		}
		seen[body.Template] = true
	}
	for _, q := range []string{
		"secret_type=RDS-FG&secret_sub_type=SingleUser",
		"secret_type=GaussDB-FG&secret_sub_type=SingleUser&engine=mysql",
		"secret_type=COMMON&secret_sub_type=SingleUser",
		"secret_type=RDS-FG&secret_sub_type=Both&engine=mysql",
		"secret_sub_type=SingleUser",
	} {
		if code := c.must(400, "GET", "/v1/csms/function-templates?"+q, "", demoToken).errorCode(t); code != "CSMS.0002" {
			t.Errorf("%s: %s, want CSMS.0002", q, code)
		}
	}
}

type agencies struct {
	Agencies []struct {
		Name  string  `json:"agency_name"`
		ID    string  `json:"agency_id"`
		Error *string `json:"error_msg"`
	} `json:"agencies"`
}

func (a agencies) ids() map[string]string {
	out := map[string]string{}
	for _, x := range a.Agencies {
		out[x.Name] = x.ID
	}
	return out
}

func granted(t *testing.T, c *client, secretType string) string {
	var body struct {
		Granted string `json:"agency_granted"`
	}
	c.must(200, "GET", "/v1/csms/agencies?secret_type="+secretType, "", demoToken).json(t, &body)
	return body.Granted
}

func TestAgenciesAreCreatedOncePerAccount(t *testing.T) {
	dir := t.TempDir()
	edit := func(cfg *mock.Config) { cfg.DataDir = dir; cfg.BackupKey = nil }
	srv, c := newMock(t, edit)
	if g := granted(t, c, "RDS-FG"); g != "false" {
		t.Fatalf("agency_granted before CreateAgency = %q, want false", g)
	}
	var first, again agencies
	c.must(200, "POST", "/v1/csms/agencies", `{"secret_type":"RDS-FG"}`, demoToken).json(t, &first)
	if len(first.Agencies) != 2 || first.Agencies[0].Error != nil || first.Agencies[1].Error != nil {
		t.Fatalf("first CreateAgency = %+v, want two agencies created", first)
	}
	if g, other := granted(t, c, "RDS-FG"), granted(t, c, "GaussDB-FG"); g != "true" || other != "false" {
		t.Errorf("agency_granted = %q for RDS-FG, %q for GaussDB-FG; want true, false", g, other)
	}
	// Again, with a token of another credential: the same account's agencies exist already.
	c.must(200, "POST", "/v1/csms/agencies", `{"secret_type":"GaussDB-FG"}`, demoAKSK).json(t, &again)
	if !equalMaps(again.ids(), first.ids()) {
		t.Errorf("second CreateAgency = %v, want the same agencies %v", again.ids(), first.ids())
	}
	for _, a := range again.Agencies {
		if a.Error == nil || *a.Error == "" {
			t.Errorf("agency %s listed again without error_msg", a.Name)
		}
	}
	if code := c.must(400, "POST", "/v1/csms/agencies", `{"secret_type":"COMMON"}`, demoToken).errorCode(t); code != "CSMS.0002" {
		t.Errorf("CreateAgency of COMMON: %s, want CSMS.0002", code)
	}
	c.must(400, "POST", "/v1/csms/agencies", `{}`, demoToken)

	// They outlive a restart on the same data.
	srv.Close()
	_, c = newMock(t, edit)
	if g := granted(t, c, "GaussDB-FG"); g != "true" {
		t.Errorf("after a restart agency_granted = %q, want true", g)
	}
	var after agencies
	c.must(200, "POST", "/v1/csms/agencies", `{"secret_type":"RDS-FG"}`, demoToken).json(t, &after)
	if !equalMaps(after.ids(), first.ids()) {
		t.Errorf("after a restart the agencies are %v, want %v", after.ids(), first.ids())
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

type userList struct {
	Total int `json:"total"`
	Users []struct {
		ID       string `json:"user_id"`
		Name     string `json:"user_name"`
		OrgID    string `json:"org_id"`
		Disabled any    `json:"disabled"`
	} `json:"users"`
}

func (l userList) names() string {
	var out []string
	for _, u := range l.Users {
		out = append(out, u.Name)
	}
	return strings.Join(out, ",")
}

func TestUsersAreTheMocksIAMUsers(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml" })
	var all userList
	c.must(200, "GET", "/v1/csms/users?offset=0&limit=10", "", demoToken).json(t, &all)
	if all.Total != 2 || all.names() != "alice,demo-user" {
		t.Fatalf("users = %d %q, want alice and demo-user", all.Total, all.names())
	}
	if u := all.Users[1]; u.ID != auth.UserID(mock.DemoUser, mock.DemoDomain) || u.OrgID != mock.DemoDomainID || u.Disabled != "false" {
		t.Errorf("demo-user = %+v, want its ID, the account as org_id, disabled \"false\"", u)
	}
	for q, want := range map[string]string{
		"offset=0&limit=10&user_info=ali":                        "alice",
		"offset=1&limit=10":                                      "",
		"offset=2147483647&limit=100":                            "",
		"offset=0&limit=10&org_id=" + mock.DemoDomainID:          "alice,demo-user",
		"offset=0&limit=10&org_id=another-organisation":          "",
		"offset=0&limit=10&user_info=" + strings.Repeat("u", 64): "",
	} {
		var l userList
		c.must(200, "GET", "/v1/csms/users?"+q, "", demoToken).json(t, &l)
		if l.names() != want {
			t.Errorf("%s: %q, want %q", q, l.names(), want)
		}
	}
	for _, q := range []string{"offset=0&limit=9", "offset=0&limit=101", "offset=-1&limit=10", "limit=10", "offset=0",
		"offset=0&limit=10&user_info=" + strings.Repeat("u", 65)} {
		c.must(400, "GET", "/v1/csms/users?"+q, "", demoToken)
	}

	var detail struct {
		ID       string `json:"user_id"`
		Name     string `json:"user_name"`
		DomainID string `json:"domain_id"`
		Disabled any    `json:"disabled"`
	}
	c.must(200, "GET", "/v1/csms/users/"+all.Users[0].ID, "", demoToken).json(t, &detail)
	if detail.Name != "alice" || detail.DomainID != mock.DemoDomainID || detail.Disabled != false {
		t.Errorf("ShowUserDetail = %+v, want alice of the account, disabled false", detail)
	}
	if code := c.must(400, "GET", "/v1/csms/users/no-such-user", "", demoToken).errorCode(t); code != "CSMS.0005" {
		t.Errorf("unknown user: %s, want CSMS.0005", code)
	}
}

func TestPasswordChangeIsWhatIAMAccepts(t *testing.T) {
	dir := t.TempDir()
	edit := func(cfg *mock.Config) {
		cfg.DataDir, cfg.BackupKey = dir, nil
		cfg.FixturesFile = "../examples/fixtures.yaml"
	}
	srv, c := newMock(t, edit)
	alice := c.issueToken("alice", "alice-password", "example-domain")

	for body, code := range map[string]string{
		`{"password":"alice-new","old_password":"not-alices"}`: "CSMS.0002",
		`{"password":"","old_password":"alice-password"}`:      "CSMS.0002",
	} {
		if got := c.must(400, "POST", "/v1/csms/users/change-password", body, alice).errorCode(t); got != code {
			t.Errorf("%s: %s, want %s", body, got, code)
		}
	}
	c.must(400, "POST", "/v1/csms/users/change-password", `{"password":"alice-new"}`, alice)
	// A credential from fixtures speaks for no user.
	c.must(403, "POST", "/v1/csms/users/change-password", `{"password":"x","old_password":"y"}`,
		creds{token: "MIIci-reader-token-0123456789abcdef0123"})

	var changed struct {
		UserID string `json:"user_id"`
	}
	c.must(200, "POST", "/v1/csms/users/change-password", `{"password":"alice-new","old_password":"alice-password"}`, alice).json(t, &changed)
	if changed.UserID != auth.UserID("alice", "example-domain") {
		t.Errorf("user_id = %q, want alice's", changed.UserID)
	}
	c.must(401, "POST", "/v3/auth/tokens", tokenRequest("alice", "alice-password", "example-domain"), noCreds)
	c.issueToken("alice", "alice-new", "example-domain")
	// The token issued before stays valid.
	c.must(200, "GET", "/v1/csms/users?offset=0&limit=10", "", alice)
	var detail struct {
		ChangedAt string `json:"pwd_change_at"`
	}
	c.must(200, "GET", "/v1/csms/users/"+changed.UserID, "", alice).json(t, &detail)
	if detail.ChangedAt == "" {
		t.Error("ShowUserDetail has no pwd_change_at after the change")
	}

	// The configured token is the configured user's.
	c.must(200, "POST", "/v1/csms/users/change-password", `{"password":"demo-new","old_password":"`+mock.DemoPassword+`"}`, demoToken)
	c.issueToken(mock.DemoUser, "demo-new", mock.DemoDomain)

	// Neither password is journaled; both are kept across a restart.
	entries, _ := srv.Journal()
	raw, _ := json.Marshal(entries)
	for _, secret := range []string{"alice-new", "alice-password", "demo-new"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the journal holds the password %q", secret)
		}
	}
	srv.Close()
	srv, c = newMock(t, edit)
	c.issueToken("alice", "alice-new", "example-domain")
	c.must(401, "POST", "/v3/auth/tokens", tokenRequest("alice", "alice-password", "example-domain"), noCreds)

	// A reset gives the users back their configured passwords.
	if err := srv.Reset(); err != nil {
		t.Fatal(err)
	}
	c.issueToken("alice", "alice-password", "example-domain")
	c.issueToken(mock.DemoUser, mock.DemoPassword, mock.DemoDomain)
}

func TestAccountStateIsSharedByReplicas(t *testing.T) {
	rs := startReplicas(t, "", 2, nil)
	a, b := rs[0].client, rs[1].client
	var first, again agencies
	a.must(200, "POST", "/v1/csms/agencies", `{"secret_type":"RDS-FG"}`, demoToken).json(t, &first)
	if g := granted(t, b, "RDS-FG"); g != "true" {
		t.Errorf("the other replica's agency_granted = %q, want true", g)
	}
	b.must(200, "POST", "/v1/csms/agencies", `{"secret_type":"RDS-FG"}`, demoToken).json(t, &again)
	if !equalMaps(again.ids(), first.ids()) {
		t.Errorf("the other replica's agencies = %v, want %v", again.ids(), first.ids())
	}

	a.must(200, "POST", "/v1/csms/users/change-password", `{"password":"shared-new","old_password":"`+mock.DemoPassword+`"}`, demoAKSK)
	b.issueToken(mock.DemoUser, "shared-new", mock.DemoDomain)
	b.must(401, "POST", "/v3/auth/tokens", tokenRequest(mock.DemoUser, mock.DemoPassword, mock.DemoDomain), noCreds)
}
