package mock_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// projectList is the part of IAM's project list the SDKs and these tests read.
type projectList struct {
	Projects []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		DomainID string `json:"domain_id"`
		Enabled  bool   `json:"enabled"`
	} `json:"projects"`
	Links struct {
		Self string `json:"self"`
	} `json:"links"`
}

func (l projectList) ids() []string {
	var ids []string
	for _, p := range l.Projects {
		ids = append(ids, p.Name+"="+p.ID)
	}
	return ids
}

func TestProjectLookup(t *testing.T) {
	srv, c := newMock(t, nil)
	var list projectList
	c.must(200, "GET", "/v3/projects?name=cn-north-4", "", demoAKSK).json(t, &list)
	if got := strings.Join(list.ids(), ","); got != "cn-north-4="+mock.DemoProjectID {
		t.Fatalf("projects named cn-north-4 = %q, want the default project", got)
	}
	if p := list.Projects[0]; p.DomainID != mock.DemoDomainID || !p.Enabled {
		t.Errorf("project = %+v, want domain %s, enabled", p, mock.DemoDomainID)
	}

	entries, _ := srv.Journal()
	last := entries[len(entries)-1]
	if last.Operation != "KeystoneListProjects" || last.Principal != "default" || last.Query != "name=cn-north-4" {
		t.Errorf("journal entry = %+v, want KeystoneListProjects by default with its query", last)
	}

	// IAM answers a name that matches nothing with an empty list, which the SDKs report.
	list = projectList{}
	c.must(200, "GET", "/v3/projects?name=ap-southeast-1", "", demoAKSK).json(t, &list)
	if len(list.Projects) != 0 {
		t.Errorf("projects named ap-southeast-1 = %v, want none", list.ids())
	}
	// No length is documented for a name: a long one is just another name that matches nothing.
	list = projectList{}
	c.must(200, "GET", "/v3/projects?name="+strings.Repeat("a", 65), "", demoAKSK).json(t, &list)
	if len(list.Projects) != 0 {
		t.Errorf("projects named a*65 = %v, want none", list.ids())
	}
	// A token is accepted as IAM accepts it.
	list = projectList{}
	c.must(200, "GET", "/v3/projects", "", demoToken).json(t, &list)
	if len(list.Projects) != 1 {
		t.Errorf("every project = %v, want the default one", list.ids())
	}

	for _, tt := range []struct {
		name, path string
		cr         creds
		status     int
		code       string
	}{
		{"unknown AK", "/v3/projects?name=cn-north-4", creds{ak: "UNKNOWNAK0000000", sk: mock.DemoSK}, 401, "APIGW.0301"},
		{"wrong SK", "/v3/projects?name=cn-north-4", creds{ak: mock.DemoAK, sk: "wrong"}, 401, "APIGW.0301"},
		{"no credentials", "/v3/projects?name=cn-north-4", noCreds, 401, "APIGW.0301"},
		{"page without per_page", "/v3/projects?page=1", demoAKSK, 400, "CSMS.0002"},
		{"per_page out of range", "/v3/projects?page=1&per_page=0", demoAKSK, 400, "CSMS.0002"},
		{"page not a number", "/v3/projects?page=x&per_page=1", demoAKSK, 400, "CSMS.0002"},
		{"domains, unknown AK", "/v3/auth/domains", creds{ak: "UNKNOWNAK0000000", sk: mock.DemoSK}, 401, "APIGW.0301"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code := c.must(tt.status, "GET", tt.path, "", tt.cr).errorCode(t); code != tt.code {
				t.Errorf("error_code = %s, want %s", code, tt.code)
			}
		})
	}
}

func TestProjectLookupByRegion(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.Region = "ap-southeast-3" })
	var list projectList
	c.must(200, "GET", "/v3/projects?name=ap-southeast-3", "", demoAKSK).json(t, &list)
	if got := strings.Join(list.ids(), ","); got != "ap-southeast-3="+mock.DemoProjectID {
		t.Errorf("projects named ap-southeast-3 = %q, want the default project", got)
	}
	list = projectList{}
	c.must(200, "GET", "/v3/projects?name=cn-north-4", "", demoAKSK).json(t, &list)
	if len(list.Projects) != 0 {
		t.Errorf("projects named cn-north-4 = %v, want none under another region", list.ids())
	}
}

func TestProjectLookupFromFixtures(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml" })
	admin := creds{ak: "CIADMINAK00000000001", sk: "ciAdminSecretKey000000000000000000000000"}
	reader := creds{token: "MIIci-reader-token-0123456789abcdef0123"}
	for _, tt := range []struct {
		name  string
		query string
		cr    creds
		want  string
	}{
		{"a fixture's project by name", "?name=cn-east-3", admin, "cn-east-3=ffeeddccbbaa99887766554433221100"},
		{"every project a credential may use", "", admin, "cn-east-3=ffeeddccbbaa99887766554433221100,cn-north-4=" + mock.DemoProjectID},
		{"a page of them", "?page=2&per_page=1", admin, "cn-north-4=" + mock.DemoProjectID},
		{"a page past the end", "?page=9223372036854775807&per_page=5000", admin, ""},
		{"not another project's", "", reader, "cn-north-4=" + mock.DemoProjectID},
		{"not a project it may not use, by name", "?name=cn-east-3", reader, ""},
		{"not in another account", "?domain_id=ffffffffffffffffffffffffffffffff", admin, ""},
		{"in this account", "?domain_id=" + mock.DemoDomainID + "&name=cn-east-3", admin, "cn-east-3=ffeeddccbbaa99887766554433221100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var list projectList
			c.must(200, "GET", "/v3/projects"+tt.query, "", tt.cr).json(t, &list)
			if got := strings.Join(list.ids(), ","); got != tt.want {
				t.Errorf("projects = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProjectNamesAreUnique(t *testing.T) {
	dir := t.TempDir()
	for name, yaml := range map[string]string{
		"a name taken by the default project": "projects: [{id: ffeeddccbbaa99887766554433221100, name: cn-north-4}]\n",
		"a second name for the default":       "projects: [{id: " + mock.DemoProjectID + ", name: cn-east-3}]\n",
		"a user naming a project otherwise":   "users: [{name: u, password: p, project_id: " + mock.DemoProjectID + ", project_name: eu-west-0}]\n",
		"two projects of one name":            "projects: [{id: ffeeddccbbaa99887766554433221100, name: x1}, {id: eeeeddccbbaa99887766554433221100, name: x1}]\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := mock.DefaultConfig()
			cfg.BackupKey = testKey()
			cfg.FixturesFile = path
			srv, err := mock.New(cfg)
			if err == nil {
				srv.Close()
				t.Fatal("mock.New accepted the fixtures")
			}
			if !strings.Contains(err.Error(), "project") {
				t.Errorf("error %q does not say which project", err)
			}
		})
	}
}

func TestDomainLookup(t *testing.T) {
	_, c := newMock(t, nil)
	var body struct {
		Domains []struct {
			ID, Name string
			Enabled  bool
		} `json:"domains"`
	}
	c.must(200, "GET", "/v3/auth/domains", "", demoAKSK).json(t, &body)
	if len(body.Domains) != 1 || body.Domains[0].ID != mock.DemoDomainID || body.Domains[0].Name != mock.DemoDomain || !body.Domains[0].Enabled {
		t.Errorf("domains = %+v, want the demo account", body.Domains)
	}
}
