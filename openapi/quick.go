// One file for one compiled subset of JSON Schema: the string, object and array checks, the raw
// object check and the per-operation tables that use them must never accept what kin-openapi's
// VisitJSON refuses, and the differential tests (TestQuickChecksAgreeWithVisitJSON,
// TestRawChecksAgreeWithVisitJSON, TestBlobFormatQuickAndRawChecksAgree) and one fuzz target
// (FuzzQuickMatchesVisitJSON) hold them to it together; TestSegmentedPatternsMatchAsRegexpDoes
// holds the one-pass pattern check to regexp. Read in one place, the subset and its limits are
// seen whole.

package openapi

import (
	"bytes"
	"net/http"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	typ, ok := quickType(s)
	if !ok || depth > maxQuickDepth {
		return nil
	}
	switch typ {
	case openapi3.TypeString:
		check := newStringCheck(s)
		if check == nil {
			return nil
		}
		return func(v any) bool { str, ok := v.(string); return ok && check.str(str) }
	case openapi3.TypeObject:
		return compileQuickObject(s, depth)
	case openapi3.TypeArray:
		return compileQuickArray(s, depth)
	default: // boolean
		return func(v any) bool { _, ok := v.(bool); return ok }
	}
}

// quickType returns the one type of s when s keeps to the keywords a quick check of that type
// handles.
func quickType(s *openapi3.Schema) (string, bool) {
	if s == nil || s.Type == nil || len(s.Type.Slice()) != 1 {
		return "", false
	}
	typ := s.Type.Slice()[0]
	handled, ok := quickKeywords[typ]
	return typ, ok && onlyKeywords(s, handled)
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

// stringCheck holds what a string schema asks of a value.
type stringCheck struct {
	enum           []string
	minLen, maxLen uint64
	hasMax         bool
	re             *regexp.Regexp
	// segments is re's verdict made in one pass over the bytes, when re has that shape:
	// regexp steps through a long value (a backup's blob) several times slower.
	segments *segmentedPattern
}

func newStringCheck(s *openapi3.Schema) *stringCheck {
	c := &stringCheck{minLen: s.MinLength}
	if s.MaxLength != nil {
		c.maxLen, c.hasMax = *s.MaxLength, true
	}
	if s.Pattern != "" {
		// kin-openapi rewrites \uXXXX escapes before compiling; such patterns are left to it.
		if strings.Contains(s.Pattern, `\u`) {
			return nil
		}
		var err error
		if c.re, err = regexp.Compile(s.Pattern); err != nil {
			return nil
		}
		c.segments = compileSegmented(s.Pattern)
	}
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return nil
		}
		c.enum = append(c.enum, str)
	}
	return c
}

func (c *stringCheck) str(s string) bool {
	return (len(c.enum) == 0 || slices.Contains(c.enum, s)) &&
		c.lengthOK(len(s), func() int { return utf8.RuneCountInString(s) }) &&
		(c.re == nil || (c.segments != nil && matchSegments(c.segments, s)) || (c.segments == nil && c.re.MatchString(s)))
}

// bytes is str for the text of a JSON string without escapes, which is the string itself.
func (c *stringCheck) bytes(b []byte) bool {
	return (len(c.enum) == 0 || slices.Contains(c.enum, string(b))) &&
		c.lengthOK(len(b), func() int { return utf8.RuneCount(b) }) &&
		(c.re == nil || (c.segments != nil && matchSegments(c.segments, b)) || (c.segments == nil && c.re.Match(b)))
}

// segmentedPattern is a pattern of the shape ^LITERAL(?:[E]{k})?[C]+(S[C]*){n}$ (the optional
// group may be left out, and the first run may be [C]*): a literal, perhaps k characters of
// the ASCII class E, then n+1 runs of the ASCII class C separated by a byte S outside it. Such
// a pattern accepts exactly the strings matchSegments does: regexp too reads an invalid or
// non-ASCII byte as a rune outside both classes.
type segmentedPattern struct {
	prefix    string
	skip      int // k, or 0 without the optional group
	skipClass [256]bool
	class     [256]bool
	sep       byte
	firstMin  int // 1 for [C]+, 0 for [C]*
	separated int // n
}

// compileSegmented returns pattern as a segmentedPattern, or nil when it has another shape.
func compileSegmented(pattern string) *segmentedPattern {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 5 || len(re.Sub) > 6 {
		return nil
	}
	subs := re.Sub
	begin, literal, end := subs[0], subs[1], subs[len(subs)-1]
	if begin.Op != syntax.OpBeginText || end.Op != syntax.OpEndText || !asciiLiteral(literal) {
		return nil
	}
	p := &segmentedPattern{prefix: string(literal.Rune)}
	if len(subs) == 6 {
		opt := subs[2]
		if opt.Op != syntax.OpQuest || opt.Sub[0].Op != syntax.OpRepeat || opt.Sub[0].Min != opt.Sub[0].Max ||
			opt.Sub[0].Min < 1 || !asciiClass(opt.Sub[0].Sub[0], &p.skipClass) {
			return nil
		}
		p.skip = opt.Sub[0].Min
	}
	first, rest := subs[len(subs)-3], subs[len(subs)-2]
	if (first.Op != syntax.OpPlus && first.Op != syntax.OpStar) || !asciiClass(first.Sub[0], &p.class) ||
		rest.Op != syntax.OpRepeat || rest.Min != rest.Max || rest.Min < 1 {
		return nil
	}
	if first.Op == syntax.OpPlus {
		p.firstMin = 1
	}
	p.separated = rest.Min
	segment := rest.Sub[0]
	if segment.Op == syntax.OpCapture {
		segment = segment.Sub[0]
	}
	var class [256]bool
	if segment.Op != syntax.OpConcat || len(segment.Sub) != 2 || !asciiLiteral(segment.Sub[0]) ||
		len(segment.Sub[0].Rune) != 1 || segment.Sub[1].Op != syntax.OpStar || !asciiClass(segment.Sub[1].Sub[0], &class) ||
		class != p.class || p.class[segment.Sub[0].Rune[0]] {
		return nil
	}
	p.sep = byte(segment.Sub[0].Rune[0])
	return p
}

// asciiLiteral reports whether re is a case-sensitive literal of ASCII characters.
func asciiLiteral(re *syntax.Regexp) bool {
	if re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 {
		return false
	}
	for _, r := range re.Rune {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiClass fills class with the bytes of a character class of ASCII ranges.
func asciiClass(re *syntax.Regexp, class *[256]bool) bool {
	if re.Op != syntax.OpCharClass {
		return false
	}
	for i := 0; i < len(re.Rune); i += 2 {
		if re.Rune[i+1] >= utf8.RuneSelf {
			return false
		}
		for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
			class[r] = true
		}
	}
	return true
}

// matchSegments reports whether s keeps the segmented pattern p, in one pass over its bytes,
// or two when the optional group must be tried as well.
func matchSegments[T string | []byte](p *segmentedPattern, s T) bool {
	if len(s) < len(p.prefix) || string(s[:len(p.prefix)]) != p.prefix {
		return false
	}
	s = s[len(p.prefix):]
	if matchRuns(p, s) {
		return true
	}
	if p.skip == 0 || len(s) < p.skip {
		return false
	}
	for i := range p.skip {
		if !p.skipClass[s[i]] {
			return false
		}
	}
	return matchRuns(p, s[p.skip:])
}

// matchRuns reports whether s is the n+1 runs of p's class, separated by its byte.
func matchRuns[T string | []byte](p *segmentedPattern, s T) bool {
	separators, run := 0, 0
	for i := range len(s) {
		switch c := s[i]; {
		case p.class[c]:
			run++
		case c == p.sep && (separators > 0 || run >= p.firstMin):
			separators++
		default:
			return false
		}
	}
	return separators == p.separated // at least one, so the first run was judged at its end
}

// lengthOK checks minLength and maxLength for a string of size bytes, counting its characters
// only when the size leaves the answer open (a character is 1 to 4 bytes). The count is
// kin-openapi's: one per rune as Go ranges over a string, an invalid byte being one (its
// extra count for UTF-16 surrogates never applies, since such a rune is invalid UTF-8).
func (c *stringCheck) lengthOK(size int, count func() int) bool {
	if (c.minLen == 0 || uint64(size) >= 4*c.minLen) && (!c.hasMax || uint64(size) <= c.maxLen) {
		return true
	}
	n := uint64(count())
	return n >= c.minLen && (!c.hasMax || n <= c.maxLen)
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

// rawObjectCheck is the quick check of an open object whose members are all strings (the
// backup's answer), made on the JSON text itself: the members are found in place, and
// nothing is built or copied.
type rawObjectCheck struct {
	names    []string
	checks   []*stringCheck
	required []bool
}

// maxRawMembers bounds the members a raw check reads, so that their places fit on the stack.
const maxRawMembers = 8

// compileRawObject returns the raw check of s, or nil unless s is an object with at most
// maxRawMembers properties, each a string schema with a quick check, and no word on other
// members (any is allowed then, unchecked).
func compileRawObject(s *openapi3.Schema) *rawObjectCheck {
	if typ, ok := quickType(s); !ok || typ != openapi3.TypeObject || len(s.Properties) > maxRawMembers ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
		return nil
	}
	rc := &rawObjectCheck{}
	for name, ref := range s.Properties {
		check := quickStringCheck(ref.Value)
		if check == nil {
			return nil
		}
		rc.names = append(rc.names, name)
		rc.checks = append(rc.checks, check)
		rc.required = append(rc.required, slices.Contains(s.Required, name))
	}
	for _, name := range s.Required {
		if _, ok := s.Properties[name]; !ok {
			return nil // required without a schema: left to the other checks
		}
	}
	return rc
}

// check reports whether body is certainly one JSON object that keeps the schema. A member
// whose text holds an escape is not judged here.
func (rc *rawObjectCheck) check(body []byte) bool {
	var places [maxRawMembers][]byte
	raw := places[:len(rc.names)]
	if jsonvalue.RawMembers(body, rc.names, raw) != nil {
		return false
	}
	for i, r := range raw {
		switch {
		case r == nil:
			if rc.required[i] {
				return false
			}
		case len(r) < 2 || r[0] != '"' || bytes.IndexByte(r, '\\') >= 0 || !rc.checks[i].bytes(r[1:len(r)-1]):
			return false
		}
	}
	return true
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
	// schemas holds the quick check of each response's JSON body schema, raw those that can
	// be made on the body's text, headers those of response headers kin-openapi decodes to
	// their raw text.
	schemas map[*openapi3.Schema]quick
	raw     map[*openapi3.Schema]*rawObjectCheck
	headers map[*openapi3.Schema]func(string) bool
	// json holds each operation's responses documented by status code with an
	// application/json body, as checkResponse would find them for that exact content type.
	json map[responseKey]jsonResponse
}

type responseKey struct {
	op     *openapi3.Operation
	status int
}

type jsonResponse struct {
	response *openapi3.Response
	schema   *openapi3.Schema
}

func newQuickChecks(docs ...*openapi3.T) *quickChecks {
	qc := &quickChecks{
		path:     map[*openapi3.Operation][]quickParam{},
		restless: map[*openapi3.Operation]bool{},
		schemas:  map[*openapi3.Schema]quick{},
		raw:      map[*openapi3.Schema]*rawObjectCheck{},
		headers:  map[*openapi3.Schema]func(string) bool{},
		json:     map[responseKey]jsonResponse{},
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
	for status, ref := range op.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		if code, err := strconv.Atoi(status); err == nil {
			if mt := ref.Value.Content["application/json"]; mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				qc.json[responseKey{op, code}] = jsonResponse{ref.Value, mt.Schema.Value}
			}
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
	if rc := compileRawObject(s); rc != nil {
		qc.raw[s] = rc
	}
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
	if c := quickStringCheck(s); c != nil {
		return c.str
	}
	return nil
}

// quickStringCheck returns what a string schema within the quick subset asks, or nil.
func quickStringCheck(s *openapi3.Schema) *stringCheck {
	if typ, ok := quickType(s); !ok || typ != openapi3.TypeString {
		return nil
	}
	return newStringCheck(s)
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
	if rc := qc.raw[schema]; rc != nil && rc.check(body) {
		return true
	}
	check := qc.schemas[schema]
	if check == nil {
		return false
	}
	value, err := jsonvalue.Decode(body)
	return err == nil && check(value)
}

// jsonAnswer returns the documented response and body schema of an answer sent as exactly
// application/json with a documented status: what jsonSchemaOf would find, without looking
// it up again.
func (qc *quickChecks) jsonAnswer(op *openapi3.Operation, method string, status int, header http.Header) (jsonResponse, bool) {
	if method == http.MethodHead || header.Get("Content-Type") != "application/json" {
		return jsonResponse{}, false
	}
	switch status { // never checked by kin-openapi
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return jsonResponse{}, false
	}
	jr, ok := qc.json[responseKey{op, status}]
	return jr, ok
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
