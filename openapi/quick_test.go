package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// The quick checks answer for kin-openapi on the values nearly every request and answer carry,
// so they are held to it: on every value tried, a quick check accepts the value's JSON text
// exactly when Schema.VisitJSON accepts the value that text decodes to. (A quick check may
// only ever be stricter without harm, since a refusal is passed on to kin-openapi; these tests
// ask for the same verdict both ways, so that the fast path is also the one taken.)

// quickSchema is one schema the tests compile, named for the failure messages.
type quickSchema struct {
	name   string
	schema *openapi3.Schema
}

// contractSchemas lists every schema of the contract's components, parameters, headers and
// bodies, sorted by name.
func contractSchemas(t testing.TB) []quickSchema {
	t.Helper()
	c := MustLoad()
	var out []quickSchema
	seen := map[*openapi3.Schema]bool{}
	add := func(name string, ref *openapi3.SchemaRef) {
		if ref != nil && ref.Value != nil && !seen[ref.Value] {
			seen[ref.Value] = true
			out = append(out, quickSchema{name, ref.Value})
		}
	}
	for _, doc := range []*openapi3.T{c.CSMS, c.IAM} {
		for name, ref := range doc.Components.Schemas {
			add(doc.Info.Title+" schema "+name, ref)
		}
		for name, ref := range doc.Components.Parameters {
			add(doc.Info.Title+" parameter "+name, ref.Value.Schema)
		}
		for name, ref := range doc.Components.Headers {
			add(doc.Info.Title+" header "+name, ref.Value.Schema)
		}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				for _, p := range op.Parameters {
					add(method+" "+path+" parameter "+p.Value.Name, p.Value.Schema)
				}
				for status, resp := range op.Responses.Map() {
					for mt, media := range resp.Value.Content {
						add(method+" "+path+" "+status+" "+mt, media.Schema)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// agree fails t when the quick check and VisitJSON (as a response, as the answer check runs
// it) give v different verdicts: the quick check reads v's JSON text, written with and without
// encoding/json's escapes of <, > and &, and with every object's members in reverse order, and
// VisitJSON judges what that text decodes to.
func agree(t testing.TB, name string, s *openapi3.Schema, q *quick, v any) (accepted bool) {
	t.Helper()
	for _, write := range []func(any) ([]byte, error){
		func(v any) ([]byte, error) { return json.Marshal(v) },
		func(v any) ([]byte, error) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			err := enc.Encode(v)
			return bytes.TrimSpace(buf.Bytes()), err
		},
		reversed,
	} {
		text, err := write(v)
		if err != nil {
			t.Fatalf("%s: encode %#v: %v", name, v, err)
		}
		decoded, err := jsonvalue.Decode(text)
		if err != nil {
			t.Fatalf("%s: %.200s does not decode: %v", name, text, err)
		}
		kin := s.VisitJSON(decoded, openapi3.VisitAsResponse())
		if got := q.check(text); got != (kin == nil) {
			shown := text
			if len(shown) > 200 {
				shown = append(shown[:200:200], "…"...)
			}
			t.Errorf("%s: quick check says %v, VisitJSON says %v, for %s", name, got, kin, shown)
		}
		accepted = kin == nil
	}
	return accepted
}

// reversed writes v as JSON with every object's members in reverse name order.
func reversed(v any) ([]byte, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if arr, ok := v.([]any); ok {
			parts := make([][]byte, len(arr))
			for i, x := range arr {
				var err error
				if parts[i], err = reversed(x); err != nil {
					return nil, err
				}
			}
			return append(append([]byte{'['}, bytes.Join(parts, []byte{','})...), ']'), nil
		}
		return json.Marshal(v)
	}
	var parts [][]byte
	for _, k := range slices.Backward(slices.Sorted(maps.Keys(m))) {
		key, _ := json.Marshal(k)
		val, err := reversed(m[k])
		if err != nil {
			return nil, err
		}
		parts = append(parts, append(append(key, ':'), val...))
	}
	return append(append([]byte{'{'}, bytes.Join(parts, []byte{','})...), '}'), nil
}

func TestQuickChecksAgreeWithVisitJSON(t *testing.T) {
	compiled, accepted := 0, 0
	for _, cs := range contractSchemas(t) {
		q := compileQuick(cs.schema)
		if q == nil {
			continue
		}
		compiled++
		values := quickValues(cs.schema, 0)
		for _, v := range values {
			if agree(t, cs.name, cs.schema, q, v) {
				accepted++
			}
		}
	}
	// The generated values must reach both verdicts, or the agreement shows little.
	if compiled < 20 || accepted < 50 {
		t.Fatalf("only %d schemas compiled and %d values accepted: the test no longer covers the quick checks", compiled, accepted)
	}
	t.Logf("%d schemas compiled, %d values accepted", compiled, accepted)
}

// TestQuickChecksCoverTheBackup makes sure the backup's request and answer take the fast path:
// its path parameters, its X-Request-Id header and its body all have quick checks.
func TestQuickChecksCoverTheBackup(t *testing.T) {
	c := MustLoad()
	route := c.CSMS.Paths.Find("/v1/{project_id}/secrets/{secret_name}/backup")
	op := route.Post
	if params, ok := c.quick.path[op]; !ok || len(params) != 2 {
		t.Errorf("path parameters: %v, %v; want two quick checks", params, ok)
	}
	if !c.quick.restless[op] {
		t.Error("the backup has no other parameter or body, yet CheckRest would run")
	}
	ok := op.Responses.Status(200).Value
	if c.quick.schemas[ok.Content.Get("application/json").Schema.Value] == nil {
		t.Error("the answer's body has no quick check")
	}
	if c.quick.headers[ok.Headers["X-Request-Id"].Value.Schema.Value] == nil {
		t.Error("the answer's X-Request-Id has no quick check")
	}
}

// TestQuickChecksCoverTheAnswers: every JSON answer of the CSMS contract, lists included, takes
// the fast path.
func TestQuickChecksCoverTheAnswers(t *testing.T) {
	c := MustLoad()
	covered := 0
	for path, item := range c.CSMS.Paths.Map() {
		for method, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				media := ref.Value.Content.Get("application/json")
				if media == nil || media.Schema == nil {
					continue
				}
				if c.quick.schemas[media.Schema.Value] == nil {
					t.Errorf("%s %s → %s: the answer's body has no quick check", method, path, status)
				}
				covered++
			}
		}
	}
	if covered < 30 {
		t.Fatalf("only %d answers found: the test no longer covers the contract", covered)
	}
}

// TestQuickChecksRefuseTheUnknown: a schema with anything outside the subset gets no quick
// check, so kin-openapi alone judges it.
func TestQuickChecksRefuseTheUnknown(t *testing.T) {
	str := &openapi3.Types{openapi3.TypeString}
	obj := &openapi3.Types{openapi3.TypeObject}
	integer := &openapi3.Types{openapi3.TypeInteger}
	yes, two := true, 2.0
	for name, s := range map[string]*openapi3.Schema{
		"no type":            {},
		"two types":          {Type: &openapi3.Types{openapi3.TypeString, openapi3.TypeNull}},
		"a number":           {Type: &openapi3.Types{openapi3.TypeNumber}},
		"an integer enum":    {Type: integer, Enum: []any{1.0}},
		"multipleOf":         {Type: integer, MultipleOf: &two},
		"exclusiveMinimum":   {Type: integer, Min: &two, ExclusiveMin: openapi3.ExclusiveBound{Bool: &yes}},
		"exclusiveMaximum":   {Type: integer, ExclusiveMax: openapi3.ExclusiveBound{Value: &two}},
		"a format":           {Type: str, Format: "date-time"},
		"nullable":           {Type: str, Nullable: true},
		"readOnly":           {Type: str, ReadOnly: true},
		"allOf":              {Type: str, AllOf: openapi3.SchemaRefs{{Value: &openapi3.Schema{Type: str}}}},
		"a \\u pattern":      {Type: str, Pattern: `^\u0041$`},
		"a bad pattern":      {Type: str, Pattern: `(`},
		"a numeric enum":     {Type: str, Enum: []any{1.0}},
		"a string keyword":   {Type: obj, MinLength: 1},
		"minProperties":      {Type: obj, MinProps: 1},
		"a writeOnly member": {Type: obj, Properties: openapi3.Schemas{"a": {Value: &openapi3.Schema{Type: str, WriteOnly: true}}}},
		"uniqueItems":        {Type: &openapi3.Types{openapi3.TypeArray}, UniqueItems: true},
		"a const":            {Type: str, Const: "a"},
		"always":             {Type: str, Always: &yes},
	} {
		if compileQuick(s) != nil {
			t.Errorf("%s: compiled a quick check", name)
		}
	}
}

// TestQuickChecksCatchABrokenCheck shows the agreement test bites: a quick check that forgets
// a keyword disagrees with VisitJSON on the values generated for that keyword, also where the
// keyword belongs to an item of a list answer.
func TestQuickChecksCatchABrokenCheck(t *testing.T) {
	find := func(suffix string) *openapi3.Schema {
		for _, cs := range contractSchemas(t) {
			if strings.HasPrefix(cs.name, "Huawei Cloud CSMS") && strings.HasSuffix(cs.name, suffix) {
				return cs.schema
			}
		}
		t.Fatalf("no schema named %q", suffix)
		return nil
	}
	for _, tt := range []struct {
		name, schema string
		path         []string // properties, and "[]" for an array's items, to the schema that forgets
		forget       func(*openapi3.Schema)
	}{
		{"pattern", "schema SecretName", nil, func(s *openapi3.Schema) { s.Pattern = "" }},
		{"the blob's pattern", "schema SecretBlob", nil, func(s *openapi3.Schema) { s.Pattern = "" }},
		{"maxLength", "parameter ProjectId", nil, func(s *openapi3.Schema) { s.MaxLength = nil }},
		{"minLength", "parameter ProjectId", nil, func(s *openapi3.Schema) { s.MinLength = 0 }},
		{"required", "schema DownloadSecretBlobResponse", nil, func(s *openapi3.Schema) { s.Required = nil }},
		{"enum", "schema SecretState", nil, func(s *openapi3.Schema) { s.Enum = nil }},
		{"minimum", "schema EpochMillis", nil, func(s *openapi3.Schema) { s.Min = nil }},
		{"format int64", "schema EpochMillis", nil, func(s *openapi3.Schema) { s.Format = "" }},
		{"nullable", "schema NullableEpochMillis", nil, func(s *openapi3.Schema) { s.Nullable = false }},
		{"maximum", "parameter VersionLimit", nil, func(s *openapi3.Schema) { s.Max = nil }},
		{"maxItems", "schema EventSubscriptions", nil, func(s *openapi3.Schema) { s.MaxItems = nil }},
		{"minItems", "schema VersionStages", nil, func(s *openapi3.Schema) { s.MinItems = 0 }},
		{"an item's pattern", "schema VersionStages", []string{"[]"}, func(s *openapi3.Schema) { s.Pattern = "" }},
		{"a listed secret's state", "schema ListSecretsResponse", []string{"secrets", "[]", "state"}, func(s *openapi3.Schema) { s.Enum = nil }},
		{"a listed secret's name", "schema ListSecretsResponse", []string{"secrets", "[]", "name"}, func(s *openapi3.Schema) { s.MaxLength, s.Pattern = nil, "" }},
		{"a listed version's time", "schema ListSecretVersionsResponse", []string{"version_metadatas", "[]", "create_time"}, func(s *openapi3.Schema) { s.Min = nil }},
	} {
		schema := find(tt.schema)
		q := compileQuick(forgetAt(schema, tt.path, tt.forget))
		if q == nil {
			t.Fatalf("%s: no quick check compiled", tt.name)
		}
		rec := &recorder{}
		for _, v := range quickValues(schema, 0) {
			agree(rec, tt.name, schema, q, v)
		}
		if rec.failed == 0 {
			t.Errorf("a quick check without its %s agreed with VisitJSON on every value", tt.name)
		}
	}
}

// forgetAt returns a copy of s in which forget has changed the schema at path (property names,
// "[]" for an array's items), copying what lies on the way and leaving s as it is.
func forgetAt(s *openapi3.Schema, path []string, forget func(*openapi3.Schema)) *openapi3.Schema {
	c := *s
	if len(path) == 0 {
		forget(&c)
		return &c
	}
	if path[0] == "[]" {
		c.Items = &openapi3.SchemaRef{Value: forgetAt(s.Items.Value, path[1:], forget)}
		return &c
	}
	c.Properties = maps.Clone(s.Properties)
	c.Properties[path[0]] = &openapi3.SchemaRef{Value: forgetAt(s.Properties[path[0]].Value, path[1:], forget)}
	return &c
}

// TestQuickChecksCatchABrokenCompiledCheck: a compiled check that forgets what is required, a
// string's bound, or the items of a list accepts answers VisitJSON refuses.
func TestQuickChecksCatchABrokenCompiledCheck(t *testing.T) {
	c := MustLoad()
	blob := c.CSMS.Components.Schemas["DownloadSecretBlobResponse"].Value
	list := c.CSMS.Components.Schemas["ListSecretsResponse"].Value
	for _, tt := range []struct {
		name   string
		schema *openapi3.Schema
		forget func(*quick)
		texts  []string
	}{
		{"required", blob, func(q *quick) { q.required = nil },
			[]string{`{}`, `{"other":"x"}`}},
		{"maxLength", blob, func(q *quick) { q.props[q.places["secret_blob"]].check.str = &stringCheck{} },
			[]string{`{"secret_blob":"` + strings.Repeat("a", 5242881) + `"}`}},
		{"pattern", blob, func(q *quick) {
			q.props[q.places["secret_blob"]].check.str = &stringCheck{maxLen: 5242880, hasMax: true}
		},
			[]string{`{"secret_blob":"` + blobDefects["no prefix"] + `"}`}},
		{"items", list, func(q *quick) { q.props[q.places["secrets"]].check.items = nil },
			[]string{`{"secrets":[{"name":"a"},{"state":"GONE"}]}`, `{"secrets":[{"create_time":-1}]}`, `{"secrets":[1]}`}},
	} {
		q := compileQuick(tt.schema)
		tt.forget(q)
		caught := false
		for _, text := range tt.texts {
			v, err := jsonvalue.Decode([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			caught = caught || (q.check([]byte(text)) && tt.schema.VisitJSON(v, openapi3.VisitAsResponse()) != nil)
		}
		if !caught {
			t.Errorf("a compiled check without its %s agreed with VisitJSON on every answer", tt.name)
		}
	}
}

// recorder is a testing.TB that counts failures instead of reporting them.
type recorder struct {
	testing.TB
	failed int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed++ }

// FuzzQuickMatchesVisitJSON holds every compiled quick check of the contract to VisitJSON on
// the input: a check that accepts it must accept a document that decodes to a value VisitJSON
// accepts; and on the decoded value, and each of its members, re-encoded, the two agree.
func FuzzQuickMatchesVisitJSON(f *testing.F) {
	var checks []quickSchema
	var quicks []*quick
	for _, cs := range contractSchemas(f) {
		if q := compileQuick(cs.schema); q != nil {
			checks = append(checks, cs)
			quicks = append(quicks, q)
		}
	}
	for _, s := range []string{
		`{"secret_blob":")CloudSecretManagementBackupV1.comeyJ"}`, `{"secret_blob":")CloudSecretManagementBackupV1.comeyJ.a.b.c.d"}`,
		`{"secret_blob":")CloudSecretManagementBackupV1.comeyJ..b.c.d"}`, `{"secret_blob":")CloudSecretManagementBackupV1.comeyJ.a.b.c=.d"}`,
		`"db-password"`, `"a b"`, `{}`, `[]`,
		`{"name":"n","secret_string":"v"}`, `{"tags":[{"key":"k","value":"v"}]}`, `"\ud83d\ude00"`,
		`{"secret_blob":"x","extra":1}`, `{"secret_blob":"a\u0062"}`, `{"secret_blob":"x","secret_blob":5}`, `"` + strings.Repeat("a", 65) + `"`, `true`, `null`, `1.5`,
		`{"secrets":[{"id":"i","name":"db","state":"ENABLED","create_time":1764417600000,"scheduled_delete_time":null,"event_subscriptions":["e"]}],"page_info":{"current_count":1}}`,
		`{"version_metadatas":[{"id":"v1","create_time":1e3,"expire_time":null,"version_stages":["SYSCURRENT"]}],"page_info":{"next_marker":"v1"}}`,
		`0`, `-0`, `1.0`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775809`, `1e400`, `123456789012345678`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := jsonvalue.Decode(data)
		for i, q := range quicks {
			if q.check(data) && (err != nil || checks[i].schema.VisitJSON(v, openapi3.VisitAsResponse()) != nil) {
				t.Fatalf("%s: the quick check accepts %q, which Decode (%v) or VisitJSON refuses", checks[i].name, data, err)
			}
		}
		if err != nil {
			return
		}
		values := []any{v}
		if m, ok := v.(map[string]any); ok {
			for _, x := range m {
				values = append(values, x)
			}
		}
		for i, cs := range checks {
			for _, x := range values {
				agree(t, cs.name, cs.schema, quicks[i], x)
			}
		}
	})
}

// quickValues generates values for s: one built to keep it first, where the schema allows,
// then values at and across each of its bounds, and values of every other type.
func quickValues(s *openapi3.Schema, depth int) []any {
	others := []any{nil, true, json.Number("1"), "s", []any{}, map[string]any{}}
	if depth > 6 || s == nil || s.Type == nil {
		return others
	}
	var out []any
	switch {
	case s.Type.Is(openapi3.TypeString):
		out = stringValues(s)
	case s.Type.Is(openapi3.TypeInteger):
		out = integerValues(s)
	case s.Type.Is(openapi3.TypeObject):
		out = objectValues(s, depth)
	case s.Type.Is(openapi3.TypeArray):
		items := []any{"s"}
		if s.Items != nil {
			items = quickValues(s.Items.Value, depth+1)
		}
		// Every variant of an item, second in a list of two, so that a constraint an item's
		// check forgets is met in a list.
		out = []any{[]any{items[0]}, []any{}, []any{items[0], items[0]}}
		for _, it := range items[1:] {
			out = append(out, []any{items[0], it})
		}
		if s.MaxItems != nil && *s.MaxItems < 1000 {
			long := make([]any, *s.MaxItems+1)
			for i := range long {
				long[i] = items[0]
			}
			out = append(out, long, long[:len(long)-1])
		}
	case s.Type.Is(openapi3.TypeBoolean):
		out = []any{false}
	}
	return append(out, others...)
}

func stringValues(s *openapi3.Schema) []any {
	var out []any
	if ex, ok := s.Example.(string); ok {
		out = append(out, ex)
	}
	for _, e := range s.Enum {
		out = append(out, e, fmt.Sprint(e)+"x")
	}
	out = append(out, "db-password", "a", "", "a b", "a.b", "A_1-z", "ü", "😀", "a\x00b", "\xff")
	lengths := []uint64{s.MinLength, s.MinLength + 1}
	if s.MinLength > 0 {
		lengths = append(lengths, s.MinLength-1)
	}
	if s.MaxLength != nil && *s.MaxLength < 1<<16 {
		lengths = append(lengths, *s.MaxLength, *s.MaxLength+1)
	}
	for _, n := range lengths {
		out = append(out, strings.Repeat("a", int(n)), strings.Repeat("é", int(n)), strings.Repeat("😀", int(n)))
	}
	return out
}

// integerValues are numbers at and across an integer schema's bounds, its format's, and JSON's
// ways of writing an integer.
func integerValues(s *openapi3.Schema) []any {
	var out []any
	if ex, ok := s.Example.(float64); ok {
		out = append(out, json.Number(strconv.FormatFloat(ex, 'f', -1, 64)))
	}
	out = append(out, json.Number("1764417600000"))
	for _, bound := range []*float64{s.Min, s.Max} {
		if bound != nil {
			for _, d := range []float64{-1, 0, 1} {
				out = append(out, json.Number(strconv.FormatFloat(*bound+d, 'f', -1, 64)))
			}
			out = append(out, json.Number(strconv.FormatFloat(*bound-0.5, 'f', -1, 64)))
		}
	}
	for _, n := range []string{"0", "-0", "-1", "1.0", "1.5", "1e2", "1E+2", "-1e-2", "2147483647", "2147483648",
		"-2147483649", "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551616", "1e19", "1e400", "-1e400", "1e-400", "123456789012345678"} {
		out = append(out, json.Number(n))
	}
	return out
}

func objectValues(s *openapi3.Schema, depth int) []any {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	children := map[string][]any{}
	base := map[string]any{}
	for _, name := range names {
		children[name] = quickValues(s.Properties[name].Value, depth+1)
		base[name] = children[name][0]
	}
	variant := func(change func(map[string]any)) map[string]any {
		m := make(map[string]any, len(base)+1)
		for k, v := range base {
			m[k] = v
		}
		change(m)
		return m
	}
	out := []any{base}
	for _, name := range names {
		for _, v := range children[name][1:] {
			out = append(out, variant(func(m map[string]any) { m[name] = v }))
		}
		out = append(out, variant(func(m map[string]any) { delete(m, name) }))
	}
	out = append(out, variant(func(m map[string]any) { m["zz-extra"] = "x" }), map[string]any{})
	return out
}

// jsonAnswer finds, for an answer sent as application/json, what jsonSchemaOf and responseOf
// find: the same response and schema, or nothing.
func TestJSONAnswerFindsWhatJSONSchemaOfFinds(t *testing.T) {
	c := MustLoad()
	header := http.Header{"Content-Type": {"application/json"}}
	checked := 0
	for _, doc := range []*openapi3.T{c.CSMS, c.IAM} {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
				for _, status := range []int{200, 201, 204, 304, 400, 401, 403, 404, 418, 500, 502, 504} {
					for _, m := range []string{method, http.MethodHead} {
						req := httptest.NewRequest(m, "http://csms.test/", nil)
						jr, ok := c.quick.jsonAnswer(op, m, status, header)
						schema, isJSON := jsonSchemaOf(route, req, status, header)
						wantOK := isJSON && schema != nil && schema.Value != nil
						// It may find less (a default or 2XX response is left to the slow path),
						// never something else.
						if ok && (!wantOK || jr.schema != schema.Value || jr.response != responseOf(route, status)) {
							t.Errorf("%s %s → %d: jsonAnswer %v, jsonSchemaOf %v", m, path, status, ok, wantOK)
						}
						if ok {
							checked++
						}
					}
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d answers found: the test no longer covers jsonAnswer", checked)
	}
}

// TestClassRunIsRegexp: a pattern matched as a run of one class matches exactly what the
// regexp engine matches, and the contract's name patterns are matched so.
func TestClassRunIsRegexp(t *testing.T) {
	inputs := []string{"", "a", "A", "0", "_", "-", "ab", "a b", " a", "a\n", "\na", "é", "a\xff", "\xff",
		"😀", "aaa", "aaaa", "db-password", "SYSCURRENT", strings.Repeat("a", 64), strings.Repeat("a", 65),
		strings.Repeat("Z", 63) + "!", "a.b", "[", "]", "^", "$", "\x00", "\x7f", "ſ", "K"}
	compiled := 0
	for _, pattern := range []string{
		`^[a-zA-Z0-9_-]{1,64}$`, `^[a-z]+$`, `^[0-9]*$`, `^[a-c]{2,3}$`, `^[a-z]{2}$`, `^[a-z]{2,}$`,
		`^[\x00-\x7f]{0,2}$`, `^[^a]{1,3}$`, `(?i)^[a-z]{1,3}$`, `^[0-9]+[dhms]$`, `^a+$`, `[a-z]+`,
		`^[a-z]+`, `[a-z]+$`, `^[\p{L}]+$`, `^[a-z]+?$`, `^(?:[a-z])+$`, `^[a-z]{0}$`,
	} {
		run := compileClassRun(pattern)
		if run == nil {
			continue
		}
		compiled++
		re := regexp.MustCompile(pattern)
		for _, in := range inputs {
			if got, want := matchRun(run, in), re.MatchString(in); got != want {
				t.Errorf("%s on %q: the run says %v, the regexp %v", pattern, in, got, want)
			}
			if got, want := matchRun(run, []byte(in)), re.Match([]byte(in)); got != want {
				t.Errorf("%s on %q as bytes: the run says %v, the regexp %v", pattern, in, got, want)
			}
		}
	}
	if compiled < 8 {
		t.Errorf("only %d patterns compiled as runs", compiled)
	}
	c := MustLoad()
	if compileClassRun(c.CSMS.Components.Schemas["SecretName"].Value.Pattern) == nil {
		t.Error("a secret's name is not matched as a run")
	}
}
