// One file for one compiled subset of JSON Schema: the checks of strings, integers, booleans,
// objects and arrays, read from an answer's JSON text, and the per-operation tables that use
// them must never accept what kin-openapi's VisitJSON refuses of the decoded answer. The
// differential tests (TestQuickChecksAgreeWithVisitJSON, TestQuickChecksCatchABrokenCheck) and
// one fuzz target (FuzzQuickMatchesVisitJSON) hold them to it together; TestClassRunIsRegexp and
// TestSegmentedPatternsMatchAsRegexpDoes hold the one-pass pattern checks to regexp. Read in one
// place, the subset and its limits are seen whole.

package openapi

import (
	"maps"
	"math"
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
// answer carry. An answer's body is checked on its JSON text, in one pass that builds nothing
// (jsonvalue.Reader): a list of fifty secrets costs no map, string or number of its own. It
// answers true only for a body that decodes (jsonvalue.Decode) to a value kin-openapi's
// VisitJSON accepts; false means "not sure", and the caller then asks kin-openapi, which
// gives the verdict and words the refusal. A value that keeps the contract is so checked
// without kin-openapi's per-call set-up (its settings, its visited-schema list, a decoded
// copy of the body or of each parameter), while every refusal still reads exactly as
// kin-openapi words it. A differential test and a fuzz target hold every quick check to
// VisitJSON.
//
// It is stricter than VisitJSON in one way only, which costs nothing but the fast path: an
// object that repeats a member name has every occurrence checked, where the decoded value
// keeps the last.
type quick struct {
	kind quickKind
	// nullable accepts null (integers only).
	nullable bool
	str      *stringCheck
	integer  *integerCheck
	// An object's properties in name order and their places in it by name, the names it
	// requires, whether it refuses other members (closed) or checks them (extra, when set).
	props    []property
	places   map[string]int
	required []string
	closed   bool
	extra    *quick
	// An array's items (any when nil) and their count.
	items    *quick
	minItems uint64
	maxItems *uint64
}

// quickKind is the one type a quick check allows.
type quickKind int

const (
	kindString quickKind = iota
	kindInteger
	kindBoolean
	kindObject
	kindArray
)

// quickKinds are the kinds by the names of their types in a schema.
var quickKinds = map[string]quickKind{
	openapi3.TypeString: kindString, openapi3.TypeInteger: kindInteger, openapi3.TypeBoolean: kindBoolean,
	openapi3.TypeObject: kindObject, openapi3.TypeArray: kindArray,
}

// quickIgnored are the schema fields that never change VisitJSON's verdict.
var quickIgnored = map[string]bool{
	"Extensions": true, "Origin": true, "Title": true, "Description": true, "Default": true,
	"Example": true, "Examples": true, "ExternalDocs": true, "Deprecated": true, "XML": true,
	"Comment": true,
}

// quickKeywords are the keywords a quick check handles, by the one type it allows.
var quickKeywords = map[string]map[string]bool{
	openapi3.TypeString:  {"Type": true, "MinLength": true, "MaxLength": true, "Pattern": true, "Enum": true},
	openapi3.TypeInteger: {"Type": true, "Format": true, "Min": true, "Max": true, "Nullable": true},
	openapi3.TypeObject:  {"Type": true, "Properties": true, "Required": true, "AdditionalProperties": true},
	openapi3.TypeArray:   {"Type": true, "Items": true, "MinItems": true, "MaxItems": true},
	openapi3.TypeBoolean: {"Type": true},
}

// maxQuickDepth bounds how deep a schema is compiled; a deeper or recursive one is left to
// kin-openapi.
const maxQuickDepth = 16

// maxQuickRequired bounds the required members of an object, whose presence a check notes in
// the bits of one word.
const maxQuickRequired = 64

// compileQuick returns s's quick check, or nil when s uses anything beyond the subset: one
// type of string (lengths, a pattern, an enum), integer (a format, minimum, maximum,
// nullable), object (properties, required, additional properties), array (items, item
// counts) or boolean, and nothing else that constrains a value (no string format, readOnly,
// writeOnly, allOf, anyOf, oneOf, not, exclusive bounds, multipleOf, numbers, ...).
func compileQuick(s *openapi3.Schema) *quick { return compileQuickAt(s, 0) }

func compileQuickAt(s *openapi3.Schema, depth int) *quick {
	typ, ok := quickType(s)
	if !ok || depth > maxQuickDepth {
		return nil
	}
	q := &quick{kind: quickKinds[typ], nullable: s.Nullable}
	switch typ {
	case openapi3.TypeString:
		if q.str = newStringCheck(s); q.str == nil {
			return nil
		}
	case openapi3.TypeInteger:
		q.integer = &integerCheck{format: s.Format, min: s.Min, max: s.Max}
	case openapi3.TypeObject:
		if !q.compileObject(s, depth) {
			return nil
		}
	case openapi3.TypeArray:
		if s.Items != nil {
			if q.items = compileQuickAt(s.Items.Value, depth+1); q.items == nil {
				return nil
			}
		}
		q.minItems, q.maxItems = s.MinItems, s.MaxItems
	}
	return q
}

func (q *quick) compileObject(s *openapi3.Schema, depth int) bool {
	if len(s.Required) > maxQuickRequired {
		return false
	}
	q.places = make(map[string]int, len(s.Properties))
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ref := s.Properties[name]
		if ref == nil {
			return false
		}
		check := compileQuickAt(ref.Value, depth+1)
		if check == nil {
			return false
		}
		q.places[name] = len(q.props)
		q.props = append(q.props, property{name, check})
	}
	q.closed = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	if ref := s.AdditionalProperties.Schema; ref != nil && !q.closed {
		if q.extra = compileQuickAt(ref.Value, depth+1); q.extra == nil {
			return false
		}
	}
	q.required = s.Required
	return true
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

// check reports whether body is certainly one JSON value that keeps the schema.
func (q *quick) check(body []byte) bool {
	r := jsonvalue.NewReader(body)
	return q.read(&r) && r.End() == nil
}

// read reads one value and reports whether it certainly keeps the schema; on false the
// reader is left where it stopped.
func (q *quick) read(r *jsonvalue.Reader) bool {
	if r.Kind() == jsonvalue.Null {
		// VisitJSON accepts null before anything else when the schema allows it, and
		// refuses it otherwise: no type of the subset is null.
		return q.nullable && r.Null() == nil
	}
	switch q.kind {
	case kindString:
		s, err := r.String()
		return err == nil && q.str.bytes(s)
	case kindInteger:
		n, err := r.Number()
		return err == nil && q.integer.number(n)
	case kindBoolean:
		_, err := r.Bool()
		return err == nil
	case kindArray:
		return q.readArray(r)
	default:
		return q.readObject(r)
	}
}

// property is an object's property and its check.
type property struct {
	name  string
	check *quick
}

// property returns the check of the object's property named key, or nil. Members mostly come
// in name order (encoding/json writes a struct's fields in order, and the generated structs'
// fields are sorted), some left out, so the properties from the one after the last found,
// next, are tried in order, up to the first whose name sorts after key, before the map.
func (q *quick) property(key []byte, next *int) *quick {
	for i := *next; i < len(q.props) && q.props[i].name <= string(key); i++ {
		if q.props[i].name == string(key) {
			*next = i + 1
			return q.props[i].check
		}
	}
	i, known := q.places[string(key)]
	if !known {
		return nil
	}
	*next = i + 1
	return q.props[i].check
}

func (q *quick) readObject(r *jsonvalue.Reader) bool {
	more, err := r.Object()
	var present uint64 // bit i: required[i] is present
	next := 0
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err != nil {
			return false
		}
		switch p := q.property(key, &next); {
		case p != nil:
			if !p.read(r) {
				return false
			}
		case q.closed:
			return false
		case q.extra != nil:
			if !q.extra.read(r) {
				return false
			}
		default:
			if r.Skip() != nil {
				return false
			}
		}
		for i, name := range q.required {
			if name == string(key) {
				present |= 1 << i
			}
		}
		more, err = r.NextMember()
	}
	return err == nil && present == 1<<len(q.required)-1
}

func (q *quick) readArray(r *jsonvalue.Reader) bool {
	more, err := r.Array()
	var n int64
	for more && err == nil {
		if q.items == nil {
			err = r.Skip()
		} else if !q.items.read(r) {
			return false
		}
		if err != nil {
			return false
		}
		n++
		more, err = r.NextElement()
	}
	// As VisitJSON compares them.
	return err == nil && (q.minItems == 0 || n >= int64(q.minItems)) && (q.maxItems == nil || n <= int64(*q.maxItems))
}

// stringCheck holds what a string schema asks of a value.
type stringCheck struct {
	enum           []string
	minLen, maxLen uint64
	hasMax         bool
	// The pattern: a run of one class (run), a prefix and separated runs of one class
	// (segments: a backup's blob, which regexp steps through several times slower), or any
	// other (re).
	run      *classRun
	segments *segmentedPattern
	re       *regexp.Regexp
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
		if c.run = compileClassRun(s.Pattern); c.run == nil {
			c.segments = compileSegmented(s.Pattern)
		}
		if c.run == nil && c.segments == nil {
			var err error
			if c.re, err = regexp.Compile(s.Pattern); err != nil {
				return nil
			}
		}
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

func (c *stringCheck) str(s string) bool { return checkString(c, s) }

// bytes is str for a string's characters, read from the JSON text.
func (c *stringCheck) bytes(b []byte) bool { return checkString(c, b) }

func checkString[T string | []byte](c *stringCheck, s T) bool {
	if !inEnum(c.enum, s) || !c.lengthOK(len(s), func() int { return utf8.RuneCountInString(string(s)) }) {
		return false
	}
	switch {
	case c.run != nil:
		return matchRun(c.run, s)
	case c.segments != nil:
		return matchSegments(c.segments, s)
	case c.re != nil:
		if b, ok := any(s).([]byte); ok {
			return c.re.Match(b)
		}
		return c.re.MatchString(string(s))
	}
	return true
}

// inEnum reports whether s is one of the enum's strings, or there is no enum. (Compared, not
// converted: a string made of bytes would cost an allocation.)
func inEnum[T string | []byte](enum []string, s T) bool {
	for _, e := range enum {
		if e == string(s) {
			return true
		}
	}
	return len(enum) == 0
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

// classRun is a pattern that is one class of ASCII characters repeated over the whole string,
// as ^[a-zA-Z0-9_-]{1,64}$, matched with a table of the class's bytes and a count instead of
// the regexp engine (TestClassRunIsRegexp). The string's characters are then its bytes: a
// byte above 0x7f, part of a longer character or invalid UTF-8, is in no such class.
type classRun struct {
	in       [256]bool
	min, max int // max -1: no bound
}

// compileClassRun returns the classRun of a pattern of that form, or nil.
func compileClassRun(pattern string) *classRun {
	re, err := syntax.Parse(pattern, syntax.Perl) // as regexp.Compile parses it
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText {
		return nil
	}
	c := &classRun{}
	switch rep := re.Sub[1]; rep.Op {
	case syntax.OpRepeat:
		c.min, c.max = rep.Min, rep.Max
	case syntax.OpPlus:
		c.min, c.max = 1, -1
	case syntax.OpStar:
		c.min, c.max = 0, -1
	default:
		return nil
	}
	class := re.Sub[1].Sub[0]
	if class.Op != syntax.OpCharClass || class.Flags&syntax.FoldCase != 0 {
		return nil
	}
	for i := 0; i+1 < len(class.Rune); i += 2 {
		if class.Rune[i+1] > utf8.RuneSelf-1 {
			return nil
		}
		for r := class.Rune[i]; r <= class.Rune[i+1]; r++ {
			c.in[r] = true
		}
	}
	return c
}

// matchRun reports whether c's pattern matches s.
func matchRun[T string | []byte](c *classRun, s T) bool {
	if len(s) < c.min || c.max >= 0 && len(s) > c.max {
		return false
	}
	for i := range len(s) {
		if !c.in[s[i]] {
			return false
		}
	}
	return true
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

// integerCheck holds what an integer schema asks of a value. VisitJSON judges a number by its
// float64 value (json.Number.Float64), and so does the check.
type integerCheck struct {
	format   string
	min, max *float64
}

// number checks the text of a JSON number.
func (c *integerCheck) number(text []byte) bool {
	f, ok := parseFloat(text)
	if !ok || f != math.Trunc(f) {
		return false
	}
	// The format's validator is looked up as VisitJSON looks it up, when it checks.
	if c.format != "" {
		if v, ok := openapi3.SchemaIntegerFormats[c.format]; ok && !integerFormatOK(v, f) {
			return false
		}
	}
	return (c.min == nil || *c.min <= f) && (c.max == nil || *c.max >= f)
}

// parseFloat is strconv.ParseFloat(text, 64), which json.Number.Float64 calls, refusing what
// it refuses; an integer of up to 15 digits, exact in a float64, is read without it.
func parseFloat(text []byte) (float64, bool) {
	digits := text
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		f, err := strconv.ParseFloat(string(text), 64)
		return f, err == nil
	}
	var n int64
	for _, d := range digits {
		if d < '0' || d > '9' {
			f, err := strconv.ParseFloat(string(text), 64)
			return f, err == nil
		}
		n = n*10 + int64(d-'0')
	}
	f := float64(n)
	if len(digits) < len(text) {
		f = -f
	}
	return f, true
}

// integerFormatOK is kin-openapi's validateIntegerFormat: the value as an int64, math.MaxInt64
// for the float64 it rounds to.
func integerFormatOK(v openapi3.IntegerFormatValidator, f float64) bool {
	switch {
	case f == float64(math.MaxInt64):
		return v.Validate(math.MaxInt64) == nil
	case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
		return v.Validate(int64(f)) == nil
	}
	return false
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
	schemas map[*openapi3.Schema]*quick
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
		schemas:  map[*openapi3.Schema]*quick{},
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
	check := qc.schemas[schema]
	return check != nil && check.check(body)
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
