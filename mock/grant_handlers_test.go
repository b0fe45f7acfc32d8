package mock_test

import (
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

const grantsBase = "/v1/" + mock.DemoProjectID + "/csms/grants"

type grantAnswer struct {
	Data struct {
		UUID         string `json:"uuid"`
		ResourceID   string `json:"resourceId"`
		GranteeUser  string `json:"granteeUser"`
		ValidityTime *int64 `json:"validityTime"`
		State        int    `json:"state"`
	} `json:"data"`
}

type grantsAnswer struct {
	Data struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Grantee []struct {
			UserID       string `json:"user_id"`
			ValidityTime *int64 `json:"validity_time"`
		} `json:"grantee_user"`
	} `json:"data"`
}

func secretID(t *testing.T, c *client, name string) string {
	t.Helper()
	var s secretBody
	c.must(200, "GET", base+"/"+name, "", demoToken).json(t, &s)
	return s.Secret.ID
}

func grantJSON(id, grantee, validity string) string {
	return `{"resource_id":"` + id + `","type":"SECRET","grantee_type":"0","grantee_target_id":"` + grantee + `"` +
		map[bool]string{true: `,"validity_time":"` + validity + `"`, false: ""}[validity != ""] + `}`
}

func TestGrantOperations(t *testing.T) {
	srv, c := newMock(t, nil)
	c.create("granted", "v")
	id := secretID(t, c, "granted")

	var g grantAnswer
	c.must(200, "POST", grantsBase, grantJSON(id, "alice", "1"), demoToken).json(t, &g)
	if g.Data.UUID == "" || g.Data.ResourceID != id || g.Data.GranteeUser != "alice" || *g.Data.ValidityTime != 1 || g.Data.State != 0 {
		t.Errorf("grant = %+v; want an ended grant (validity 1 ms) to alice", g.Data)
	}
	c.must(200, "POST", grantsBase, grantJSON(id, "bob", ""), demoAKSK)
	if code := c.must(400, "POST", grantsBase, grantJSON(id, "alice", ""), demoToken).errorCode(t); code != "CSMS.0003" {
		t.Errorf("granting alice again: %s, want CSMS.0003", code)
	}
	c.must(200, "PUT", grantsBase+"?resource_id="+id, grantJSON(id, "alice", "1924992000000"), demoToken).json(t, &g)
	if g.Data.State != 1 || *g.Data.ValidityTime != 1924992000000 {
		t.Errorf("updated grant = %+v", g.Data)
	}
	var list grantsAnswer
	c.must(200, "GET", grantsBase+"?resource_id="+id, "", demoToken).json(t, &list)
	if list.Data.ID != id || list.Data.Name != "granted" || len(list.Data.Grantee) != 2 ||
		list.Data.Grantee[0].UserID != "alice" || *list.Data.Grantee[0].ValidityTime != 1924992000000 ||
		list.Data.Grantee[1].UserID != "bob" || list.Data.Grantee[1].ValidityTime != nil {
		t.Errorf("grants = %+v", list.Data)
	}
	c.must(204, "DELETE", grantsBase+"?resource_id="+id+"&grantee_user=bob", "", demoToken)
	if code := c.must(404, "DELETE", grantsBase+"?resource_id="+id+"&grantee_user=bob", "", demoToken).errorCode(t); code != "CSMS.0005" {
		t.Errorf("revoking bob twice: %s", code)
	}
	if code := c.must(404, "POST", grantsBase, strings.Replace(grantJSON(id, "carol", ""), "SECRET", "GROUP", 1), demoToken).errorCode(t); code != "CSMS.0005" {
		t.Errorf("a group of secrets: %s", code)
	}
	c.must(400, "PUT", grantsBase+"?resource_id=other", grantJSON(id, "alice", ""), demoToken)
	c.must(400, "POST", grantsBase, grantJSON(id, "dave", "next-week"), demoToken)
	c.must(404, "GET", grantsBase+"?resource_id=no-such-secret", "", demoToken)
	c.must(204, "DELETE", grantsBase+"?resource_id="+id, "", demoToken)
	c.must(200, "GET", grantsBase+"?resource_id="+id, "", demoToken).json(t, &list)
	if len(list.Data.Grantee) != 0 {
		t.Errorf("grants after revoking all: %+v", list.Data)
	}
	noResponseViolations(t, srv)
}

func TestBatchImportCreatesRealSecrets(t *testing.T) {
	srv, c := newMock(t, func(cfg *mock.Config) { cfg.MaxSecrets = 4 })
	c.create("taken", "kept")
	var out struct {
		Total, Success, Failed int
		Errors                 []struct {
			Name string `json:"name"`
			Msg  string `json:"error_msg"`
		} `json:"error_list"`
	}
	c.must(200, "POST", base+"/batch-import", `{"secrets":[{"name":"a","secret_string":"1"},{"name":"taken","secret_string":"x"},`+
		`{"name":"b","secret_binary":"AAEC"},{"name":"c","secret_string":"3"}]}`, demoToken).json(t, &out)
	if out.Total != 4 || out.Success != 2 || out.Failed != 2 || len(out.Errors) != 2 ||
		out.Errors[0].Name != "taken" || !strings.HasPrefix(out.Errors[0].Msg, "CSMS.0003: ") ||
		out.Errors[1].Name != "c" || !strings.HasPrefix(out.Errors[1].Msg, "CSMS.0202: ") {
		t.Errorf("import = %+v; want taken in use and c past the quota of 4 (with the demo secret)", out)
	}
	c.must(200, "GET", base+"/a", "", demoToken)
	if v := c.version("b", "latest"); v.Version.Binary == nil || *v.Version.Binary != "AAEC" {
		t.Errorf("b = %+v", v.Version)
	}
	if v := c.version("taken", "latest"); *v.Version.String != "kept" {
		t.Errorf("the secret in use was changed: %+v", v.Version)
	}
	c.must(400, "POST", base, `{"name":"d","secret_string":"4"}`, demoToken)
	// A malformed secret refuses the whole request, before anything is created.
	c.must(400, "POST", base+"/batch-import", `{"secrets":[{"name":"e","secret_string":"5"},{"name":"f.g","secret_string":"6"}]}`, demoToken)
	c.must(404, "GET", base+"/e", "", demoToken)
	noResponseViolations(t, srv)
}

func TestCheckerAndItsConfiguration(t *testing.T) {
	srv, c := newMock(t, nil)
	c.create("weak", "abc")
	c.create("strong", "Long-enough-1")
	var cfg struct {
		On *bool `json:"checking_secret_strength"`
	}
	c.must(200, "GET", base+"/checker/config", "", demoToken).json(t, &cfg)
	if cfg.On == nil || !*cfg.On {
		t.Fatalf("configuration = %+v, want checking on", cfg)
	}
	type checked struct {
		Type string `json:"type"`
		Data struct {
			On      bool `json:"checking_secret_strength"`
			Results []struct {
				Name     string   `json:"secret_name"`
				Strength string   `json:"strength"`
				Reasons  []string `json:"reasons"`
			} `json:"results"`
		} `json:"data"`
	}
	var got checked
	c.must(200, "POST", base+"/checker/check", `{"type":"1","data":{"secret_names":["weak","strong"]}}`, demoAKSK).json(t, &got)
	if got.Type != "1" || !got.Data.On || len(got.Data.Results) != 2 ||
		got.Data.Results[0].Name != "strong" || got.Data.Results[0].Strength != "STRONG" ||
		got.Data.Results[1].Name != "weak" || got.Data.Results[1].Strength != "WEAK" || len(got.Data.Results[1].Reasons) != 2 {
		t.Errorf("check = %+v", got)
	}
	c.must(404, "POST", base+"/checker/check", `{"type":"1","data":{"secret_names":["missing"]}}`, demoToken)
	c.must(200, "POST", base+"/checker/config", `{"checking_secret_strength":false}`, demoToken)
	c.must(200, "POST", base+"/checker/config", `{}`, demoToken).json(t, &cfg)
	if *cfg.On {
		t.Error("a body without checking_secret_strength turned checking on")
	}
	got = checked{}
	c.must(200, "POST", base+"/checker/check", `{"type":"1","data":{}}`, demoToken).json(t, &got)
	if got.Data.On || len(got.Data.Results) != 0 {
		t.Errorf("check with checking off = %+v", got)
	}
	noResponseViolations(t, srv)
}

// A secret may be named like the literal segments of batch import and the checker: with the
// other methods, the segment is its name.
func TestSecretsNamedLikeTheLiteralSegments(t *testing.T) {
	srv, c := newMock(t, nil)
	for _, name := range []string{"checker", "batch-import"} {
		c.create(name, "v1-"+name)
		c.must(200, "GET", base+"/"+name, "", demoToken)
		c.must(200, "PUT", base+"/"+name, `{"description":"named like a route"}`, demoToken)
		c.must(200, "POST", base+"/"+name+"/versions", `{"secret_string":"v2-`+name+`"}`, demoToken)
		if v := c.version(name, "latest"); *v.Version.String != "v2-"+name {
			t.Errorf("%s: latest = %+v", name, v.Version)
		}
		c.must(200, "POST", base+"/"+name+"/backup", "", demoToken)
	}
	c.must(200, "GET", base+"/checker/config", "", demoToken)
	c.must(200, "POST", base+"/checker/check", `{"type":"1","data":{"secret_names":["checker"]}}`, demoToken)
	for _, name := range []string{"checker", "batch-import"} {
		c.must(200, "DELETE", base+"/"+name, "", demoToken)
		c.must(404, "GET", base+"/"+name, "", demoToken)
	}
	noResponseViolations(t, srv)
}

// Grants and the checker's configuration live in the database: every replica sees them, and a
// reset clears them.
func TestReplicasShareGrantsAndTheChecker(t *testing.T) {
	r := startReplicas(t, "", 2, nil)
	r[0].create("shared", "v")
	id := secretID(t, r[1].client, "shared")
	r[0].must(200, "POST", grantsBase, grantJSON(id, "alice", ""), demoToken)
	var list grantsAnswer
	r[1].must(200, "GET", grantsBase+"?resource_id="+id, "", demoToken).json(t, &list)
	if len(list.Data.Grantee) != 1 || list.Data.Grantee[0].UserID != "alice" {
		t.Errorf("replica 1 lists %+v", list.Data)
	}
	r[1].must(200, "POST", base+"/checker/config", `{"checking_secret_strength":false}`, demoToken)
	if body := r[0].must(200, "GET", base+"/checker/config", "", demoToken).body; !strings.Contains(string(body), "false") {
		t.Errorf("replica 0's configuration: %s", body)
	}
	r[1].must(200, "POST", base+"/batch-import", `{"secrets":[{"name":"imported","secret_string":"i"}]}`, demoToken)
	r[0].must(200, "GET", base+"/imported", "", demoToken)
	if status, body := r[0].admin("POST", "/__admin/reset", "", ""); status != 204 {
		t.Fatalf("reset: %d %s", status, body)
	}
	if body := r[1].must(200, "GET", base+"/checker/config", "", demoToken).body; !strings.Contains(string(body), "true") {
		t.Errorf("the configuration after a reset: %s", body)
	}
}
