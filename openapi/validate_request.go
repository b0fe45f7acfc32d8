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

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/csmskit/csmskit/openapi/apierror"
)

// DefaultMaxBodyBytes bounds a request body: the largest documented body is UploadSecretBlob's
// 5,242,880-character blob, plus room for its JSON envelope.
const DefaultMaxBodyBytes = 5242880 + 64<<10

// ValidatorOptions tune RequestValidator. The zero value is ready to use.
type ValidatorOptions struct {
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Authenticate checks a request's credentials for one security scheme. Nil means a presence
	// check: an X-Auth-Token, or an Authorization header of the SDK-HMAC-SHA256 scheme, must be
	// there; whether it is genuine is for the server's authenticator to say.
	Authenticate openapi3filter.AuthenticationFunc
	// OnViolation, if set, hears of every request that breaks the contract: an unknown route or
	// method, a parameter or body the spec forbids, no credentials. Credentials that are there
	// but refused by Authenticate are not contract violations.
	OnViolation func(r *http.Request, e *apierror.Error)
}

type routeKey struct{}

// matched is what RequestValidator puts in a passing request's context.
type matched struct {
	route  *routers.Route
	params map[string]string
}

// RouteFromContext returns the operation RequestValidator matched, if any.
func RouteFromContext(ctx context.Context) (*routers.Route, bool) {
	m, ok := ctx.Value(routeKey{}).(matched)
	return m.route, ok
}

// PathParam returns a path parameter of the operation RequestValidator matched, as sent.
func PathParam(ctx context.Context, name string) string {
	m, _ := ctx.Value(routeKey{}).(matched)
	return m.params[name]
}

// Rejection is why a request was refused: the vendor error to answer, and whether the request
// broke the contract (rather than presenting credentials the server refused).
type Rejection struct {
	Err       *apierror.Error
	Violation bool
	// Allow lists the path's methods when the method was wrong.
	Allow []string
}

// Checker validates requests against the contract.
type Checker struct {
	contract *Contract
	limit    int64
	opts     *openapi3filter.Options
}

// NewChecker returns a Checker with the given options (OnViolation is not used by it).
func (c *Contract) NewChecker(opts ValidatorOptions) *Checker {
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	auth := opts.Authenticate
	if auth == nil {
		auth = CredentialsPresent
	}
	filterOpts := &openapi3filter.Options{AuthenticationFunc: auth}
	filterOpts.WithCustomSchemaErrorFunc(schemaReason)
	return &Checker{contract: c, limit: limit, opts: filterOpts}
}

// Check validates r, bounding its body (w receives the bound's error, and may be nil), and
// returns the matched route or why r is refused. The body stays readable after Check.
func (k *Checker) Check(w http.ResponseWriter, r *http.Request) (*routers.Route, *Rejection) {
	route, _, rej := k.check(w, r)
	return route, rej
}

func (k *Checker) check(w http.ResponseWriter, r *http.Request) (*routers.Route, map[string]string, *Rejection) {
	route, params, err := k.contract.FindRoute(r)
	if err != nil {
		rej := &Rejection{Err: apierror.New(apierror.APINotFound, ""), Violation: true}
		var notAllowed *MethodNotAllowedError
		if errors.As(err, &notAllowed) {
			rej.Allow = notAllowed.Allowed
			rej.Err = apierror.New(apierror.APINotFound, "the API request method does not exist").
				WithStatus(http.StatusMethodNotAllowed)
		}
		return nil, nil, rej
	}
	input := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: k.opts}
	if err := validatePath(r.Context(), input); err != nil {
		return nil, nil, &Rejection{Err: RequestError(err), Violation: true}
	}
	if err := k.readBody(w, r, route); err != nil {
		return nil, nil, &Rejection{Err: err, Violation: true}
	}
	if err := validateRest(r.Context(), input); err != nil {
		return nil, nil, &Rejection{Err: RequestError(err), Violation: !refusedCredentials(err)}
	}
	return route, params, nil
}

// readBody reads the whole body (within the bound) before anything else looks at it, so that
// a body that is too large, cut short or followed by more data is answered as such: the
// security check would otherwise read it first and take a read error for missing
// credentials, and JSON decoders stop after the first value and ignore the rest.
func (k *Checker) readBody(w http.ResponseWriter, r *http.Request, route *routers.Route) *apierror.Error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, k.limit))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return apierror.New(apierror.RequestTooLarge, fmt.Sprintf("the request body exceeds %d bytes", tooLarge.Limit))
	case err != nil:
		return apierror.New(apierror.MalformedBody, "the request body ended before its announced length")
	}
	rb := route.Operation.RequestBody
	if len(body) > 0 && rb != nil && rb.Value != nil && isJSON(r.Header.Get("Content-Type")) && !json.Valid(body) {
		return apierror.New(apierror.MalformedBody, "the request body is not one JSON value")
	}
	return nil
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// refusedCredentials tells an authenticator's refusal of credentials that were there from a
// request without any.
func refusedCredentials(err error) bool {
	var secErr *openapi3filter.SecurityRequirementsError
	if !errors.As(err, &secErr) {
		return false
	}
	for _, e := range secErr.Errors {
		var apiErr *apierror.Error
		if errors.As(e, &apiErr) {
			return true
		}
	}
	return false
}

// RequestValidator returns middleware that checks each request against the contract and
// answers every violation, unknown route and wrong method with the vendor's JSON error body.
// Requests that pass reach next with their matched route in the context.
func (c *Contract) RequestValidator(opts ValidatorOptions) func(http.Handler) http.Handler {
	checker := c.NewChecker(opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			route, params, rej := checker.check(w, r)
			if rej != nil {
				if len(rej.Allow) > 0 {
					w.Header().Set("Allow", strings.Join(rej.Allow, ", "))
				}
				if rej.Violation && opts.OnViolation != nil {
					opts.OnViolation(r, rej.Err)
				}
				apierror.Write(w, rej.Err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, matched{route, params})))
		})
	}
}

// ErrNoCredentials is what an authentication function returns for a scheme whose header the
// request does not carry, so that another scheme's more telling failure is the one answered.
var ErrNoCredentials = errors.New("no credentials for this scheme")

// SchemeHeader returns the header an API-key scheme's credential travels in, or ErrNoCredentials
// (wrapped) when the request does not carry it.
func SchemeHeader(in *openapi3filter.AuthenticationInput) (string, error) {
	scheme := in.SecurityScheme
	if scheme == nil || scheme.Type != "apiKey" || scheme.In != "header" {
		return "", fmt.Errorf("scheme %q is not an API key in a header", in.SecuritySchemeName)
	}
	v := in.RequestValidationInput.Request.Header.Get(scheme.Name)
	if v == "" {
		return "", fmt.Errorf("%w: no %s header", ErrNoCredentials, scheme.Name)
	}
	return v, nil
}

// CredentialsPresent is the presence check RequestValidator uses by default.
func CredentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	v, err := SchemeHeader(in)
	if err != nil {
		return err
	}
	scheme := in.SecurityScheme
	if strings.EqualFold(scheme.Name, "Authorization") && !strings.HasPrefix(v, "SDK-HMAC-SHA256 ") {
		return errors.New("the Authorization header is not of the SDK-HMAC-SHA256 scheme")
	}
	return nil
}

// RequestError maps a kin-openapi request validation error to the vendor's error: which
// code, and an error_msg that names the offending parameter or body field.
func RequestError(err error) *apierror.Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return apierror.New(apierror.RequestTooLarge,
			fmt.Sprintf("the request body exceeds %d bytes", tooLarge.Limit))
	}
	var secErr *openapi3filter.SecurityRequirementsError
	if errors.As(err, &secErr) {
		// The first scheme whose credentials were there and failed says why; when none were
		// there the request simply has no credentials.
		for _, e := range secErr.Errors {
			var apiErr *apierror.Error
			if errors.As(e, &apiErr) {
				return apiErr
			}
		}
		return apierror.New(apierror.AuthenticationFailed,
			"no credentials: send an X-Auth-Token header or an SDK-HMAC-SHA256 Authorization header")
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

// validateRest is openapi3filter.ValidateRequest (v0.153.0) without the path parameters, which
// validatePath has already checked: the security requirements first (the operation's, else the
// document's), then the path item's and the operation's other parameters, then the body. It
// stops at the first failure, as ValidateRequest does without Options.MultiError. It honours
// none of ValidateRequest's switches (MultiError, ExcludeRequestBody, ExcludeRequestQueryParams,
// RejectWhenRequestBodyNotSpecified): NewChecker sets none of them, and one set there would
// have to be honoured here too.
func validateRest(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	route := in.Route
	op := route.Operation
	security := op.Security
	if security == nil {
		security = &route.Spec.Security
	}
	if err := openapi3filter.ValidateSecurityRequirements(ctx, in, *security); err != nil {
		return err
	}
	for _, p := range route.PathItem.Parameters {
		if p.Value.In == openapi3.ParameterInPath || op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) != nil {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	for _, p := range op.Parameters {
		if p.Value.In == openapi3.ParameterInPath {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	if op.RequestBody != nil {
		return openapi3filter.ValidateRequestBody(ctx, in, op.RequestBody.Value)
	}
	return nil
}

// validatePath checks the path parameters before anything else: a malformed path names no
// resource, so it is answered 400 before credentials are weighed against it (a project_id
// of the wrong shape is not "another project", it is no project).
func validatePath(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	opParams := in.Route.Operation.Parameters
	for _, p := range in.Route.PathItem.Parameters {
		if p.Value.In != openapi3.ParameterInPath || opParams.GetByInAndName(p.Value.In, p.Value.Name) != nil {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	for _, p := range opParams {
		if p.Value.In != openapi3.ParameterInPath {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p.Value); err != nil {
			return err
		}
	}
	return nil
}
