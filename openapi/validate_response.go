package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/csmskit/csmskit/internal/jsonvalue"
	"github.com/csmskit/csmskit/internal/limits"
)

// MaxResponseBytes bounds how much of a response body ValidateResponse reads.
const MaxResponseBytes = limits.MaxResponseBytes

// ValidateResponse checks a response against the contract: a documented status (undocumented
// ones are violations), the documented content type, the body's schema and the declared
// headers. A response to a request no operation matches must still be the vendor's JSON error
// body. The body is read (at most MaxResponseBytes) and put back, so the caller can read it.
func (c *Contract) ValidateResponse(ctx context.Context, resp *http.Response) error {
	if resp == nil || resp.Request == nil {
		return errors.New("response has no request to match an operation with")
	}
	body, err := readBody(resp)
	if err != nil {
		return err
	}
	return c.CheckResponse(ctx, resp.Request, resp.StatusCode, resp.Header, body)
}

// CheckResponse is ValidateResponse for a response already in memory: req is the request it
// answers (its method and URL are used), body the whole body, which is neither copied nor kept.
func (c *Contract) CheckResponse(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	if len(body) > MaxResponseBytes {
		return fmt.Errorf("response body exceeds %d bytes", MaxResponseBytes)
	}
	route, params, err := c.findRoute(req)
	if err != nil {
		return c.validateErrorBody(req, status, header, body)
	}
	return c.checkResponse(ctx, req, route, params, status, header, body)
}

// CheckResponse is Contract.CheckResponse for the answer to q, a request Match found, without
// routing it again. The request's method and URL are taken from q.HTTP.
func (q *Request) CheckResponse(ctx context.Context, status int, header http.Header, body []byte) error {
	if len(body) > MaxResponseBytes {
		return fmt.Errorf("response body exceeds %d bytes", MaxResponseBytes)
	}
	return q.contract.checkResponse(ctx, q.HTTP, q.Route, q.Params, status, header, body)
}

func (c *Contract) checkResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, header http.Header, body []byte) error {
	// The common answer (exactly application/json, a documented status) is found in a table;
	// others as kin-openapi finds them. Either way the quick checks try it once.
	jr, known := c.quick.jsonAnswer(route.Operation, req.Method, status, header)
	if known && c.quick.responseKept(jr.response, jr.schema, header, body) {
		return nil
	}
	// A JSON body is decoded and checked here, straight from body; kin-openapi, which would
	// copy it twice first, checks the status and the headers. Any other body is left to it.
	schema, isJSON := jsonSchemaOf(route, req, status, header)
	if !known && isJSON && schema != nil && c.quick.responseKept(responseOf(route, status), schema.Value, header, body) {
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: isJSON},
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return fmt.Errorf("%s %s → %d: %s", req.Method, route.Path, status, firstLine(err))
	}
	if !isJSON || schema == nil || schema.Value == nil {
		return nil
	}
	if err := checkJSONBody(schema, body); err != nil {
		return fmt.Errorf("%s %s → %d: %s", req.Method, route.Path, status, firstLine(err))
	}
	return nil
}

// jsonSchemaOf returns the schema of the documented response for status, when the response's
// Content-Type is a documented JSON media type. It reports false for everything kin-openapi
// must judge itself: an undocumented status or content type, a body that is not JSON, and
// the answers it does not check at all (to HEAD, and 301, 304, 307 and 308).
func jsonSchemaOf(route *routers.Route, req *http.Request, status int, header http.Header) (*openapi3.SchemaRef, bool) {
	switch status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return nil, false
	}
	if req.Method == http.MethodHead {
		return nil, false
	}
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
		return nil, false
	}
	mediaType := ref.Value.Content.Get(header.Get("Content-Type"))
	if mediaType == nil || !isJSON(header.Get("Content-Type")) {
		return nil, false
	}
	return mediaType.Schema, true
}

// checkJSONBody decodes body as exactly one JSON value (numbers kept exact, as kin-openapi
// keeps them) and checks it against schema as a response. It is stricter than kin-openapi's
// own decoding, which ignores data after the first value and silently replaces invalid UTF-8:
// both break RFC 8259, so both are violations here.
func checkJSONBody(schema *openapi3.SchemaRef, body []byte) error {
	value, err := jsonvalue.Decode(body)
	if err != nil {
		return fmt.Errorf("failed to decode response body: %w", err)
	}
	if err := schema.Value.VisitJSON(value, openapi3.VisitAsResponse()); err != nil {
		// Named as kin-openapi names it: the schema's $ref, else its title.
		id := strings.TrimSpace(schema.Ref)
		if id == "" {
			id = strings.TrimSpace(schema.Value.Title)
		}
		if id != "" {
			id = " " + id
		}
		return fmt.Errorf("response body doesn't match schema%s: %w", id, err)
	}
	return nil
}

// firstLine keeps what kin-openapi says is wrong and drops the schema and the value it appends
// after it: the value may be a secret or a blob, and these errors end up in logs and reports.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// validateErrorBody checks a response to an unmatched request: a 4xx with the error body.
func (c *Contract) validateErrorBody(req *http.Request, status int, header http.Header, body []byte) error {
	if status < 400 || status > 499 {
		return fmt.Errorf("no operation matches %s %s, yet the status is %d, not a 4xx",
			req.Method, req.URL.Path, status)
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fmt.Errorf("error response Content-Type %q is not application/json",
			header.Get("Content-Type"))
	}
	schema := c.CSMS.Components.Schemas["ErrorResponse"].Value
	value, err := jsonvalue.Decode(body)
	if err != nil {
		return fmt.Errorf("error response body is not JSON: %w", err)
	}
	if err := schema.VisitJSON(value); err != nil {
		return fmt.Errorf("error response body: %s", firstLine(err))
	}
	return nil
}

func readBody(resp *http.Response) ([]byte, error) {
	if resp.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	if len(body) > MaxResponseBytes {
		return nil, fmt.Errorf("response body exceeds %d bytes", MaxResponseBytes)
	}
	return body, nil
}
