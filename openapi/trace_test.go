package openapi_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/csmskit/csmskit/openapi"
)

// Every constraint of the contract names where it comes from: a vendor source listed in
// info.x-sources, or csmskit's own choice with its reason. These tests walk the specs as
// YAML, so that nothing kin-openapi adds or drops hides a node.

// constraintKeys are the schema keywords that refuse or shape values.
var constraintKeys = []string{
	"pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
	"exclusiveMaximum", "multipleOf", "enum", "nullable", "minItems", "maxItems",
	"uniqueItems", "minProperties", "maxProperties", "not",
}

// constrainedNode is one place in a spec that constrains values.
type constrainedNode struct {
	path   string
	keys   []string
	source string // the node's x-source, or the enclosing parameter's
}

// constrainedNodes walks a spec and returns every node that constrains values. A schema's
// list of required properties counts; so does `required: true` on a request body or on a
// query or header parameter (a path parameter is required by OpenAPI itself).
func constrainedNodes(t *testing.T, spec []byte) ([]constrainedNode, map[string]any) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	var nodes []constrainedNode
	var walk func(path string, v any, inherited string)
	walk = func(path string, v any, inherited string) {
		switch n := v.(type) {
		case map[string]any:
			source, _ := n["x-source"].(string)
			var keys []string
			for _, k := range constraintKeys {
				if _, ok := n[k]; ok {
					keys = append(keys, k)
				}
			}
			switch req := n["required"].(type) {
			case []any:
				keys = append(keys, "required")
			case bool:
				if req && n["in"] != "path" {
					keys = append(keys, "required")
				}
			}
			own := source
			if source == "" {
				own = inherited
			}
			if len(keys) > 0 {
				nodes = append(nodes, constrainedNode{path: path, keys: keys, source: own})
			}
			pass := ""
			if _, isParam := n["in"]; isParam {
				pass = source // a parameter's source covers its schema
			}
			names := make([]string, 0, len(n))
			for k := range n {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if strings.HasPrefix(k, "x-") || k == "example" || k == "examples" {
					continue
				}
				child := ""
				switch k {
				case "schema":
					child = pass
				case "not", "anyOf", "allOf", "oneOf":
					child = own // they spell out their parent's rule
				}
				walk(path+"/"+k, n[k], child)
			}
		case []any:
			for i, item := range n {
				walk(fmt.Sprintf("%s/%d", path, i), item, inherited)
			}
		}
	}
	walk("", doc, "")
	return nodes, doc
}

func TestEveryConstraintNamesItsSource(t *testing.T) {
	for name, spec := range map[string][]byte{"csms.yaml": openapi.CSMSYAML(), "iam.yaml": openapi.IAMYAML()} {
		nodes, doc := constrainedNodes(t, spec)
		info, _ := doc["info"].(map[string]any)
		legend, _ := info["x-sources"].(map[string]any)
		if len(legend) == 0 {
			t.Errorf("%s: info.x-sources lists no sources", name)
			continue
		}
		if len(nodes) < 10 {
			t.Fatalf("%s: found only %d constrained nodes; is the walk broken?", name, len(nodes))
		}
		for _, n := range nodes {
			if n.source == "" {
				t.Errorf("%s %s constrains (%s) but names no x-source", name, n.path, strings.Join(n.keys, ", "))
				continue
			}
			for part := range strings.SplitSeq(n.source, ";") {
				id, _, _ := strings.Cut(strings.TrimSpace(part), " ")
				id = strings.TrimSuffix(id, ":")
				if _, ok := legend[id]; !ok {
					t.Errorf("%s %s: x-source part %q does not start with a source of info.x-sources", name, n.path, strings.TrimSpace(part))
				}
				if id == "csmskit" && !strings.Contains(part, ":") {
					t.Errorf("%s %s: csmskit's own choice must say why (\"csmskit: …\")", name, n.path)
				}
			}
		}
	}
}

// The check above must notice a constraint without a source.
func TestUnsourcedConstraintIsNoticed(t *testing.T) {
	spec := []byte("info:\n  x-sources: {sdk: the SDK}\ncomponents:\n  schemas:\n    A:\n      type: string\n      maxLength: 3\n    B:\n      type: string\n      maxLength: 3\n      x-source: sdk model.go\n")
	nodes, _ := constrainedNodes(t, spec)
	var unsourced []string
	for _, n := range nodes {
		if n.source == "" {
			unsourced = append(unsourced, n.path)
		}
	}
	if !slices.Equal(unsourced, []string{"/components/schemas/A"}) {
		t.Errorf("unsourced nodes = %v, want only /components/schemas/A", unsourced)
	}
}
