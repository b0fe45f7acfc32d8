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
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/csmskit/csmskit/internal/limits"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// DefaultMaxBodyBytes bounds a request body: the largest documented body is UploadSecretBlob's
// blob, plus room for its JSON envelope.
const DefaultMaxBodyBytes = limits.MaxBodyBytes

// Request is one request matched to its operation: what every contract check needs.
type Request struct {
	// HTTP is the request as the server received it.
	HTTP *http.Request
	// Route is the operation it is for.
	Route *routers.Route
	// Params are its path parameters, shared with the routes already found: never change them.
	Params map[string]string

	contract *Contract // the contract that matched it
}

// OperationID names the matched operation.
func (q *Request) OperationID() string { return q.Route.Operation.OperationID }

// SetPathValues hands the path parameters to r (the matched request, or one made from it) for
// r.PathValue, unescaped, as a ServeMux gives them: routing matched them escaped, as the
// contract checks them.
func (q *Request) SetPathValues(r *http.Request) {
	for name, v := range q.Params {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		r.SetPathValue(name, v)
	}
}

// Match finds the operation r is for. An unknown path, or a known path with another method,
// answers the gateway's 404 APIGW.0101 for an API it does not publish; for a wrong method
// allow lists the path's methods, and the message says which.
func (c *Contract) Match(r *http.Request) (q *Request, allow []string, err *apierror.Error) {
	route, params, findErr := c.findRoute(r)
	if findErr == nil {
		return &Request{HTTP: r, Route: route, Params: params, contract: c}, nil, nil
	}
	var notAllowed *methodNotAllowedError
	if errors.As(findErr, &notAllowed) {
		return nil, notAllowed.allowed, apierror.New(apierror.APINotFound,
			"the API request method does not exist; this path takes "+strings.Join(notAllowed.allowed, ", "))
	}
	return nil, nil, apierror.New(apierror.APINotFound, "")
}

// filterOptions are kin-openapi's: credentials are weighed by the server, not by the contract
// checks, so its security check is a no-op here; CredentialsPresent checks what the contract
// says of them.
var filterOptions = func() *openapi3filter.Options {
	o := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	o.WithCustomSchemaErrorFunc(schemaReason)
	return o
}()

func (q *Request) input() *openapi3filter.RequestValidationInput {
	return &openapi3filter.RequestValidationInput{Request: q.HTTP, PathParams: q.Params, Route: q.Route, Options: filterOptions}
}

// CheckPath checks the path parameters. A malformed path names no resource, so servers answer
// it before weighing credentials against it.
func (q *Request) CheckPath(ctx context.Context) *apierror.Error {
	if q.contract != nil && q.contract.quick.pathKept(q) {
		return nil
	}
	if err := validatePath(ctx, q.input()); err != nil {
		return requestError(err)
	}
	return nil
}

// Secured reports whether the operation needs credentials (its own security requirements, or
// else the document's).
func (q *Request) Secured() bool {
	security := q.Route.Operation.Security
	if security == nil {
		security = &q.Route.Spec.Security
	}
	for _, req := range *security {
		if len(req) > 0 {
			return true
		}
	}
	return false
}

// CredentialsPresent reports whether the request carries every header of at least one of the
// operation's security requirements (the contract's API-key schemes). Whether the credentials
// are genuine is for the server to say.
func (q *Request) CredentialsPresent() bool {
	security := q.Route.Operation.Security
	if security == nil {
		security = &q.Route.Spec.Security
	}
	if len(*security) == 0 {
		return true
	}
	schemes := q.Route.Spec.Components.SecuritySchemes
	for _, req := range *security {
		present := true
		for name := range req {
			ref := schemes[name]
			if ref == nil || ref.Value == nil || ref.Value.In != "header" || q.HTTP.Header.Get(ref.Value.Name) == "" {
				present = false
				break
			}
		}
		if present {
			return true
		}
	}
	return false
}

// NoCredentials is the answer to a request that carries none of the contract's credentials.
func NoCredentials() *apierror.Error {
	return apierror.New(apierror.AuthenticationFailed,
		"no credentials: send an X-Auth-Token header or an SDK-HMAC-SHA256 Authorization header")
}

// ReadBody reads the whole body within limit (DefaultMaxBodyBytes when 0) before anything
// looks at it, and leaves it readable again; w, which may be nil, hears of the bound. A body
// that is too large, cut short, or not one JSON value where the operation takes JSON is
// answered as such: a JSON decoder would stop after the first value and ignore the rest.
func (q *Request) ReadBody(w http.ResponseWriter, limit int64) *apierror.Error {
	r := q.HTTP
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	// The original body is not closed: a server may still read what is left of it after
	// answering (see the mock's lingering close), and net/http closes it after the handler.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	r.Body = io.NopCloser(bytes.NewReader(body))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return TooLarge(tooLarge.Limit)
	case err != nil:
		return apierror.New(apierror.MalformedBody, "the request body ended before its announced length")
	}
	rb := q.Route.Operation.RequestBody
	if len(body) > 0 && rb != nil && rb.Value != nil && isJSON(r.Header.Get("Content-Type")) && !json.Valid(body) {
		return apierror.New(apierror.MalformedBody, "the request body is not one JSON value")
	}
	return nil
}

// TooLarge is the answer to a body over limit bytes.
func TooLarge(limit int64) *apierror.Error {
	return apierror.New(apierror.RequestTooLarge, fmt.Sprintf("the request body exceeds %d bytes", limit))
}

func isJSON(contentType string) bool {
	if contentType == "application/json" { // nearly always; ParseMediaType allocates
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// CheckRest checks what CheckPath did not: the other parameters and the body (read it with
// ReadBody first). Together the two check what openapi3filter.ValidateRequest checks, save
// credentials; a differential test keeps them in step with it.
func (q *Request) CheckRest(ctx context.Context) *apierror.Error {
	if q.contract != nil && q.contract.quick.restless[q.Route.Operation] {
		return nil
	}
	if err := validateRest(ctx, q.input()); err != nil {
		return requestError(err)
	}
	return nil
}

// Check runs every contract check on r in order (route, path, credentials present, body
// bound, parameters and body) and returns the matched request or the vendor error that refuses
// it, with the path's methods when the method was wrong. The body stays readable.
func (c *Contract) Check(w http.ResponseWriter, r *http.Request) (*Request, []string, *apierror.Error) {
	q, allow, err := c.Match(r)
	if err != nil {
		return nil, allow, err
	}
	if err := q.CheckPath(r.Context()); err != nil {
		return q, nil, err
	}
	if q.Secured() && !q.CredentialsPresent() {
		return q, nil, NoCredentials()
	}
	if err := q.ReadBody(w, 0); err != nil {
		return q, nil, err
	}
	return q, nil, q.CheckRest(r.Context())
}

// requestError maps a kin-openapi request validation error to the vendor's error: which
// code, and an error_msg that names the offending parameter or body field.
func requestError(err error) *apierror.Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return TooLarge(tooLarge.Limit)
	}
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return apierror.New(apierror.InvalidRequest, "")
	}
	if p := reqErr.Parameter; p != nil {
		return apierror.New(apierror.InvalidParameter,
			fmt.Sprintf("%s parameter %s: %s", p.In, p.Name, reason(reqErr)))
	}
	if reqErr.RequestBody == nil {
		return apierror.New(apierror.InvalidRequest, reason(reqErr))
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(reqErr.Err, &schemaErr) {
		field := strings.Join(schemaErr.JSONPointer(), ".")
		if field == "" {
			return apierror.New(apierror.InvalidParameter, "request body: "+schemaReason(schemaErr))
		}
		return apierror.New(apierror.InvalidParameter,
			fmt.Sprintf("body field %s: %s", field, schemaReason(schemaErr)))
	}
	if errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired) {
		return apierror.New(apierror.MalformedBody, "the request body is required")
	}
	return apierror.New(apierror.MalformedBody, reason(reqErr))
}

// reason says what is wrong with a value without repeating the value, which may be a secret.
func reason(e *openapi3filter.RequestError) string {
	var schemaErr *openapi3.SchemaError
	if errors.As(e.Err, &schemaErr) {
		return schemaReason(schemaErr)
	}
	var parseErr *openapi3filter.ParseError
	if errors.As(e.Err, &parseErr) {
		return "cannot be parsed: " + parseReason(parseErr)
	}
	if e.Reason != "" {
		return e.Reason
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "invalid"
}

// schemaReason prefers a schema's own x-violation-message (for constraints such as "exactly
// one of" that a generic reason would make unreadable), then kin-openapi's reason.
func schemaReason(e *openapi3.SchemaError) string {
	if e.Schema != nil {
		if msg, ok := e.Schema.Extensions["x-violation-message"].(string); ok && e.SchemaField == "not" {
			return msg
		}
	}
	return e.Reason
}

// parseReason walks a parse error's causes for a reason, leaving out the value that failed.
func parseReason(e *openapi3filter.ParseError) string {
	for e != nil {
		if e.Reason != "" {
			return e.Reason
		}
		next, ok := e.Cause.(*openapi3filter.ParseError)
		if !ok {
			if e.Cause != nil {
				return e.Cause.Error()
			}
			break
		}
		e = next
	}
	return "malformed"
}

// validatePath is the path-parameter part of openapi3filter.ValidateRequest (v0.153.0): the
// path item's parameters the operation does not override, then the operation's.
func validatePath(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	return validateParams(ctx, in, func(p *openapi3.Parameter) bool { return p.In == openapi3.ParameterInPath })
}

// validateRest is the rest of openapi3filter.ValidateRequest (v0.153.0) without its security
// check: the other parameters, then the body. Like ValidateRequest without MultiError it stops
// at the first failure. filterOptions sets none of ValidateRequest's switches (MultiError,
// ExcludeRequestBody, ExcludeRequestQueryParams, RejectWhenRequestBodyNotSpecified), so none
// needs honouring here.
func validateRest(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	if err := validateParams(ctx, in, func(p *openapi3.Parameter) bool { return p.In != openapi3.ParameterInPath }); err != nil {
		return err
	}
	if op := in.Route.Operation; op.RequestBody != nil {
		return openapi3filter.ValidateRequestBody(ctx, in, op.RequestBody.Value)
	}
	return nil
}

// validateParams validates, in ValidateRequest's order, the parameters keep selects.
func validateParams(ctx context.Context, in *openapi3filter.RequestValidationInput, keep func(*openapi3.Parameter) bool) error {
	opParams := in.Route.Operation.Parameters
	for _, p := range in.Route.PathItem.Parameters {
		if !keep(p.Value) || opParams.GetByInAndName(p.Value.In, p.Value.Name) != nil {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	for _, p := range opParams {
		if !keep(p.Value) {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	return nil
}

type requestKey struct{}

// RequestFromContext returns the request RequestValidator matched, if any.
func RequestFromContext(ctx context.Context) (*Request, bool) {
	q, ok := ctx.Value(requestKey{}).(*Request)
	return q, ok
}

// RequestValidator returns middleware for servers built on the contract: it runs Check on each
// request and answers every failure with the vendor's JSON error body (and an Allow header on
// a wrong method), telling onViolation, when set, of each. A request that passes reaches next
// with its match in the context. Credentials are only checked for presence: authenticating
// them is the server's job.
func (c *Contract) RequestValidator(onViolation func(*http.Request, *apierror.Error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q, allow, err := c.Check(w, r)
			if err != nil {
				if len(allow) > 0 {
					w.Header().Set("Allow", strings.Join(allow, ", "))
				}
				if onViolation != nil {
					onViolation(r, err)
				}
				apierror.Write(w, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, q)))
		})
	}
}
