package layering

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/csmskit/csmskit/"

// deps lists what pkg depends on, directly or not, test files excluded.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	var all []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct{ ImportPath string }
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		all = append(all, p.ImportPath)
	}
	return all
}

func TestLayering(t *testing.T) {
	rules := []struct {
		pkg    string
		banned []string // import paths, and prefixes ending in "/"
		why    string
	}{
		{"mock/secrets", []string{"net/http", module + "openapi", module + "openapi/", module + "generated/"},
			"the domain knows nothing of HTTP or the contract; the mock's error table maps its failures"},
		{"mock/auth", []string{"github.com/getkin/kin-openapi/", module + "openapi", module + "openapi/"},
			"authentication is called by the pipeline, not from inside the contract checks, and the mock's error table maps its refusals"},
		{"mock/account", []string{"net/http", module + "openapi", module + "openapi/", module + "generated/"},
			"the account's domain knows nothing of HTTP or the contract; the mock's error table maps its failures"},
		{"mock/password", []string{module + "openapi", module + "openapi/"},
			"the mock's error table maps the generator's failures"},
		{"openapi", []string{module + "mock", module + "mock/", module + "aksk"},
			"the contract package holds the contract, not how credentials are verified"},
		{"proxy", []string{module + "mock", module + "mock/"},
			"the proxy shares recording with the mock, not the mock's internals"},
		{"recording", []string{module + "mock", module + "mock/", module + "openapi"},
			"recording serves the mock and the proxy alike"},
	}
	for _, r := range rules {
		got := deps(t, r.pkg)
		if len(got) < 2 {
			t.Fatalf("%s: go list found %d packages", r.pkg, len(got))
		}
		for _, dep := range got {
			if slices.ContainsFunc(r.banned, func(b string) bool {
				return dep == b || strings.HasSuffix(b, "/") && strings.HasPrefix(dep, b)
			}) {
				t.Errorf("%s depends on %s: %s", r.pkg, dep, r.why)
			}
		}
	}
}
