package openapi

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// A quick check is a schema compiled ahead of time for the values nearly every request and
// answer carry. It answers true only for a value kin-openapi's VisitJSON accepts; false means
// "not sure", and the caller then asks kin-openapi, which gives the verdict and words the
// refusal. A value that keeps the contract is so checked without kin-openapi's per-call
// set-up (its settings, its visited-schema list, a decoded copy of each parameter), while
// every refusal still reads exactly as kin-openapi words it. A differential test and a fuzz
// target hold every quick check to VisitJSON.
type quick func(v any) bool

// quickIgnored are the schema fields that never change VisitJSON's verdict.
var quickIgnored = map[string]bool{
	"Extensions": true, "Origin": true, "Title": true, "Description": true, "Default": true,
	"Example": true, "Examples": true, "ExternalDocs": true, "Deprecated": true, "XML": true,
	"Comment": true,
}

// quickKeywords are the keywords a quick check handles, by the one type it allows.
var quickKeywords = map[string]map[string]bool{
	openapi3.TypeString:  {"Type": true, "MinLength": true, "MaxLength": true, "Pattern": true, "Enum": true},
	openapi3.TypeObject:  {"Type": true, "Properties": true, "Required": true, "AdditionalProperties": true},
	openapi3.TypeArray:   {"Type": true, "Items": true, "MinItems": true, "MaxItems": true},
	openapi3.TypeBoolean: {"Type": true},
}

// maxQuickDepth bounds how deep a schema is compiled; a deeper or recursive one is left to
// kin-openapi.
const maxQuickDepth = 16

// compileQuick returns s's quick check, or nil when s uses anything beyond the subset: one
// type of string (lengths, a pattern, an enum), object (properties, required, additional
// properties), array (items, item counts) or boolean, and nothing else that constrains a value
// (no format, nullable, readOnly, writeOnly, allOf, anyOf, oneOf, not, numbers, ...).
func compileQuick(s *openapi3.Schema) quick { return compileQuickAt(s, 0) }

func compileQuickAt(s *openapi3.Schema, depth int) quick {
	if s == nil || depth > maxQuickDepth || s.Type == nil || len(s.Type.Slice()) != 1 {
		return nil
	}
	typ := s.Type.Slice()[0]
	handled, ok := quickKeywords[typ]
	if !ok || !onlyKeywords(s, handled) {
		return nil
	}
	switch typ {
	case openapi3.TypeString:
		check := compileQuickString(s)
		if check == nil {
			return nil
		}
		return func(v any) bool { str, ok := v.(string); return ok && check(str) }
	case openapi3.TypeObject:
		return compileQuickObject(s, depth)
	case openapi3.TypeArray:
		return compileQuickArray(s, depth)
	default: // boolean
		return func(v any) bool { _, ok := v.(bool); return ok }
	}
}

// onlyKeywords reports whether every field of s that is set is either handled or one that
// never changes the verdict. A keyword this code does not know (a newer kin-openapi's, say)
// so turns the quick check off rather than being skipped.
func onlyKeywords(s *openapi3.Schema, handled map[string]bool) bool {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if !handled[name] && !quickIgnored[name] && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// compileQuickString returns the quick check of a string schema, taking the string itself:
// a parameter or a header is checked without making an interface value of it.
func compileQuickString(s *openapi3.Schema) func(string) bool {
	var re *regexp.Regexp
	if s.Pattern != "" {
		// kin-openapi rewrites \uXXXX escapes before compiling; such patterns are left to it.
		if strings.Contains(s.Pattern, `\u`) {
			return nil
		}
		var err error
		if re, err = regexp.Compile(s.Pattern); err != nil {
			return nil
		}
	}
	var enum []string
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return nil
		}
		enum = append(enum, str)
	}
	minLen, maxLen := s.MinLength, s.MaxLength
	return func(str string) bool {
		if len(enum) > 0 && !containsString(enum, str) {
			return false
		}
		if (minLen != 0 && uint64(len(str)) < 4*minLen) || (maxLen != nil && uint64(len(str)) > *maxLen) {
			// A character is 1 to 4 bytes, so only then can the count of characters fail.
			n := stringLength(str)
			if n < minLen || (maxLen != nil && n > *maxLen) {
				return false
			}
		}
		return re == nil || re.MatchString(str)
	}
}

// stringLength counts a string's length as kin-openapi does for minLength and maxLength.
func stringLength(s string) uint64 {
	var n uint64
	for _, r := range s {
		if utf16.IsSurrogate(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func compileQuickObject(s *openapi3.Schema, depth int) quick {
	props := make(map[string]quick, len(s.Properties))
	for name, ref := range s.Properties {
		if ref == nil {
			return nil
		}
		q := compileQuickAt(ref.Value, depth+1)
		if q == nil {
			return nil
		}
		props[name] = q
	}
	closed := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	var extra quick
	if ref := s.AdditionalProperties.Schema; ref != nil && !closed {
		if extra = compileQuickAt(ref.Value, depth+1); extra == nil {
			return nil
		}
	}
	required := s.Required
	return func(v any) bool {
		obj, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, x := range obj {
			if q, ok := props[k]; ok {
				if !q(x) {
					return false
				}
				continue
			}
			if closed || (extra != nil && !extra(x)) {
				return false
			}
		}
		for _, k := range required {
			if _, ok := obj[k]; !ok {
				return false
			}
		}
		return true
	}
}

func compileQuickArray(s *openapi3.Schema, depth int) quick {
	var item quick
	if s.Items != nil {
		if item = compileQuickAt(s.Items.Value, depth+1); item == nil {
			return nil
		}
	}
	minItems, maxItems := s.MinItems, s.MaxItems
	return func(v any) bool {
		arr, ok := v.([]any)
		if !ok || uint64(len(arr)) < minItems || (maxItems != nil && uint64(len(arr)) > *maxItems) {
			return false
		}
		if item != nil {
			for _, x := range arr {
				if !item(x) {
					return false
				}
			}
		}
		return true
	}
}

// quickParam is a parameter whose value, as kin-openapi decodes it, is its raw text.
type quickParam struct {
	name  string
	check func(string) bool
}

// quickChecks holds, per operation, the quick checks compiled when the contract is parsed.
// They are read-only afterwards.
type quickChecks struct {
	// path lists each operation's path parameters in ValidateRequest's order, or is nil for
	// an operation with a path parameter no quick check covers.
	path map[*openapi3.Operation][]quickParam
	// restless marks operations without other parameters or a body: nothing for CheckRest.
	restless map[*openapi3.Operation]bool
	// schemas holds the quick check of each response's JSON body schema, headers those of
	// response headers kin-openapi decodes to their raw text.
	schemas map[*openapi3.Schema]quick
	headers map[*openapi3.Schema]func(string) bool
}

func newQuickChecks(docs ...*openapi3.T) *quickChecks {
	qc := &quickChecks{
		path:     map[*openapi3.Operation][]quickParam{},
		restless: map[*openapi3.Operation]bool{},
		schemas:  map[*openapi3.Schema]quick{},
		headers:  map[*openapi3.Schema]func(string) bool{},
	}
	for _, doc := range docs {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				qc.addOperation(item, op)
			}
		}
	}
	return qc
}

func (qc *quickChecks) addOperation(item *openapi3.PathItem, op *openapi3.Operation) {
	// ValidateRequest's order: the path item's parameters the operation does not override,
	// then the operation's.
	var params []*openapi3.Parameter
	for _, p := range item.Parameters {
		if op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) == nil {
			params = append(params, p.Value)
		}
	}
	for _, p := range op.Parameters {
		params = append(params, p.Value)
	}
	var path []quickParam
	pathOK, rest := true, false
	for _, p := range params {
		if p.In != openapi3.ParameterInPath {
			rest = true
			continue
		}
		if q := quickRawParam(p); q != nil {
			path = append(path, quickParam{p.Name, q})
		} else {
			pathOK = false
		}
	}
	if pathOK {
		qc.path[op] = path
	}
	qc.restless[op] = !rest && op.RequestBody == nil
	for _, ref := range op.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		for _, h := range ref.Value.Headers {
			if h != nil && h.Value != nil && h.Value.Schema != nil && quickRawHeader(h.Value) {
				if check := quickRawString(h.Value.Schema.Value); check != nil {
					qc.headers[h.Value.Schema.Value] = check
				}
			}
		}
		for _, mt := range ref.Value.Content {
			if mt != nil && mt.Schema != nil {
				qc.addSchema(mt.Schema.Value)
			}
		}
	}
}

func (qc *quickChecks) addSchema(s *openapi3.Schema) {
	if _, done := qc.schemas[s]; done || s == nil {
		return
	}
	qc.schemas[s] = compileQuick(s) // nil records "no quick check"
}

// quickRawParam returns the quick check of a path parameter that kin-openapi decodes to its
// raw text: style simple, a schema (not content), of type string.
func quickRawParam(p *openapi3.Parameter) func(string) bool {
	if p.Content != nil || p.Schema == nil || (p.Style != "" && p.Style != openapi3.SerializationSimple) {
		return nil
	}
	return quickRawString(p.Schema.Value)
}

// quickRawString returns the quick check of a string schema, or nil.
func quickRawString(s *openapi3.Schema) func(string) bool {
	if s == nil || !s.Type.Is(openapi3.TypeString) || compileQuick(s) == nil {
		return nil
	}
	return compileQuickString(s)
}

// quickRawHeader reports whether kin-openapi decodes a response header to its first value's
// raw text: style simple, a schema (not content), of type string.
func quickRawHeader(h *openapi3.Header) bool {
	return h.Content == nil && (h.Style == "" || h.Style == openapi3.SerializationSimple) &&
		h.Schema.Value != nil && h.Schema.Value.Type.Is(openapi3.TypeString)
}

// pathKept reports whether the request's path parameters certainly keep the contract.
func (qc *quickChecks) pathKept(q *Request) bool {
	checks, ok := qc.path[q.Route.Operation]
	if !ok {
		return false
	}
	for _, p := range checks {
		// kin-openapi takes an empty value for a missing one.
		if v := q.Params[p.name]; v == "" || !p.check(v) {
			return false
		}
	}
	return true
}

// responseKept reports whether a JSON answer certainly keeps the contract: every documented
// header (save Content-Type) absent and optional, or passing its quick check, and the body
// one JSON value passing its schema's. response is the documented response for the status,
// schema the documented JSON body's; jsonSchemaOf has already matched the status and the
// content type.
func (qc *quickChecks) responseKept(response *openapi3.Response, schema *openapi3.Schema, header http.Header, body []byte) bool {
	for name, ref := range response.Headers {
		if name == "Content-Type" {
			continue
		}
		values, present := header[http.CanonicalHeaderKey(name)]
		if !present {
			if ref.Value.Required {
				return false
			}
			continue
		}
		if ref.Value.Schema == nil {
			continue // present without a schema: kin-openapi checks nothing
		}
		check := qc.headers[ref.Value.Schema.Value]
		if check == nil || !quickRawHeader(ref.Value) || len(values) == 0 || !check(values[0]) {
			return false
		}
	}
	check := qc.schemas[schema]
	if check == nil {
		return false
	}
	value, err := jsonvalue.Decode(body)
	return err == nil && check(value)
}

// responseOf returns the documented response for status, as ValidateResponse picks it.
func responseOf(route *routers.Route, status int) *openapi3.Response {
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}
