package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/csmskit/csmskit/openapi"
)

// contract is the CSMS spec as the suite reads it: the YAML csmskit embeds, loaded and checked
// with kin-openapi's own validator. The mock checks its answers with other code
// (openapi.CheckResponse and a JSON decoder of its own); the suite must not share it, or one
// bug could hide on both sides.
type contract struct {
	doc *openapi3.T
	// byMethod routes each method over the operations that have it, so that POST
	// secrets/restore is never taken for a secret named "restore".
	byMethod map[string]routers.Router
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.CSMSYAML())
	if err != nil {
		return nil, fmt.Errorf("load the CSMS contract: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the CSMS contract is invalid: %w", err)
	}
	c := &contract{doc: doc, byMethod: map[string]routers.Router{}}
	methods := map[string]*openapi3.Paths{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if methods[method] == nil {
				methods[method] = openapi3.NewPaths()
			}
			only := &openapi3.PathItem{Parameters: item.Parameters}
			only.SetOperation(method, op)
			methods[method].Set(path, only)
		}
	}
	for method, paths := range methods {
		view := *doc
		view.Servers = nil // any host
		view.Paths = paths
		r, err := gorillamux.NewRouter(&view)
		if err != nil {
			return nil, fmt.Errorf("route the CSMS contract's %s operations: %w", method, err)
		}
		c.byMethod[method] = r
	}
	return c, nil
})

// check returns the operation the contract routes req to ("" for none) and reports how an
// answer to req breaks the contract: an undocumented status or content type, a body that is
// not exactly one JSON value in valid UTF-8 or does not fit its schema, a missing declared
// header. An answer to a request no operation matches must be a 4xx with the vendor's error
// body.
func (c *contract) check(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) (string, error) {
	var route *routers.Route
	var params map[string]string
	if r := c.byMethod[req.Method]; r != nil {
		route, params, _ = r.FindRoute(req)
	}
	op := ""
	if route != nil {
		op = route.Operation.OperationID
	}
	if isJSON(header) && len(bytes.TrimSpace(body)) > 0 {
		// kin-openapi's decoding ignores data after the first value and replaces invalid
		// UTF-8; RFC 8259 allows neither, and a client's decoder may choke on both.
		if err := strictJSON(body); err != nil {
			return op, err
		}
	}
	if route == nil {
		return op, c.checkUnrouted(req, status, header, body)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	return op, openapi3filter.ValidateResponse(ctx, in)
}

// checkUnrouted judges an answer to a request for which the contract has no operation.
func (c *contract) checkUnrouted(req *http.Request, status int, header http.Header, body []byte) error {
	if status < 400 || status > 499 {
		return fmt.Errorf("the contract has no operation %s %s, yet the answer is %d, not a 4xx", req.Method, req.URL.EscapedPath(), status)
	}
	if !isJSON(header) {
		return fmt.Errorf("the error answer's Content-Type is %q, not application/json", header.Get("Content-Type"))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the error answer's body is not JSON: %w", err)
	}
	if err := c.doc.Components.Schemas["ErrorResponse"].Value.VisitJSON(v); err != nil {
		return fmt.Errorf("the error answer's body: %w", err)
	}
	return nil
}

// isJSON reports a JSON Content-Type.
func isJSON(header http.Header) bool {
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// strictJSON reports a body that is not exactly one JSON value in valid UTF-8, including
// string escapes of unpaired UTF-16 surrogates, which decoders replace without a word.
func strictJSON(body []byte) error {
	if !utf8.Valid(body) {
		return errors.New("the body is not valid UTF-8")
	}
	if !json.Valid(body) {
		return errors.New("the body is not exactly one JSON value")
	}
	if i := unpairedSurrogate(body); i >= 0 {
		return fmt.Errorf("the body escapes an unpaired UTF-16 surrogate at byte %d", i)
	}
	return nil
}

// unpairedSurrogate returns the offset of the first \u escape of a surrogate that is not half
// of a pair, or -1. body is valid JSON, so every backslash sits in a string.
func unpairedSurrogate(body []byte) int {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if i+1 < len(body) && body[i+1] != 'u' {
			i++ // a two-character escape; \\ must not start another
			continue
		}
		r, ok := hex4(body, i+2)
		if !ok {
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex4(body, i+8)
			if i+7 >= len(body) || body[i+6] != '\\' || body[i+7] != 'u' || !ok || lo < 0xDC00 || lo > 0xDFFF {
				return i
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return i
		default:
			i += 5
		}
	}
	return -1
}

// hex4 reads four hex digits at b[i:], as a \u escape carries them.
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}

// documentedBlob is the vendor's documented, truncated example of a secret_blob, as the
// contract keeps it: beside the answer's examples, since it breaks the format the answer's
// schema holds blobs to.
func (c *contract) documentedBlob() string {
	op := c.doc.Paths.Value("/v1/{project_id}/secrets/{secret_name}/backup").Post
	ex := op.Responses.Value("200").Value.Content.Get("application/json").Extensions["x-documented-example"]
	return ex.(map[string]any)["value"].(map[string]any)["secret_blob"].(string)
}
