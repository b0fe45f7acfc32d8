package openapi

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

	"github.com/getkin/kin-openapi/openapi3filter"
)

// MaxResponseBytes bounds how much of a response body ValidateResponse reads: the largest
// documented body is a 5,242,880-character blob in its JSON envelope.
const MaxResponseBytes = 5242880 + 64<<10

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
	route, params, err := c.FindRoute(resp.Request)
	if err != nil {
		return c.validateErrorBody(resp, body)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    resp.Request,
			PathParams: params,
			Route:      route,
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return fmt.Errorf("%s %s → %d: %s", resp.Request.Method, route.Path, resp.StatusCode, firstLine(err))
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
func (c *Contract) validateErrorBody(resp *http.Response, body []byte) error {
	if resp.StatusCode < 400 || resp.StatusCode > 499 {
		return fmt.Errorf("no operation matches %s %s, yet the status is %d, not a 4xx",
			resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fmt.Errorf("error response Content-Type %q is not application/json",
			resp.Header.Get("Content-Type"))
	}
	schema := c.CSMS.Components.Schemas["ErrorResponse"].Value
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
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
