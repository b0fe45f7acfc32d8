package mock

import (
	"errors"
	"net/http"
	"path"
	"strings"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// routes wires one request's path: request ID → panic recovery → access log → (admin API, or)
// journal and response check → contract validation with authentication → fault injection →
// the generated strict handlers.
func (s *Server) routes(contract *openapi.Contract) http.Handler {
	mux := http.NewServeMux()
	writeErr := func(w http.ResponseWriter, r *http.Request, err error) {
		var apiErr *apierror.Error
		if !errors.As(err, &apiErr) {
			// A failure of the mock itself: the client gets CSMS.0001, the log gets the cause.
			s.logger.Error("internal error", "request_id", RequestID(r.Context()), "error", err)
		}
		apierror.Write(w, apierror.As(err))
	}
	badBody := func(w http.ResponseWriter, _ *http.Request, err error) {
		apierror.Write(w, apierror.New(apierror.MalformedBody, "the body cannot be decoded"))
	}
	csmsapi.HandlerWithOptions(
		csmsapi.NewStrictHandlerWithOptions(&csmsHandlers{svc: s.service}, nil,
			csmsapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: badBody, ResponseErrorHandlerFunc: writeErr}),
		csmsapi.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: badParam},
	)
	iamapi.HandlerWithOptions(
		iamapi.NewStrictHandlerWithOptions(&iamHandlers{auth: s.auth}, nil,
			iamapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: badBody, ResponseErrorHandlerFunc: writeErr}),
		iamapi.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: badParam},
	)
	validate := contract.RequestValidator(openapi.ValidatorOptions{
		Authenticate: s.auth.ValidatorFunc(),
		OnViolation:  s.requestViolation,
	})
	csms := s.withRecording(contract, validate(recordOperation(s.withFaults(mux))))
	admin := s.adminRoutes()
	// A plain prefix test, not a ServeMux: a ServeMux answers unclean paths, CONNECT and "*"
	// itself, with redirects and plain text, where every answer must be the vendor's JSON.
	top := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, AdminPrefix) && path.Clean(r.URL.Path) == r.URL.Path {
			admin.ServeHTTP(w, r)
			return
		}
		csms.ServeHTTP(w, r)
	})
	return withRequestID(withRecovery(s.logger, withAccessLog(s.logger, top)))
}

// badParam answers a parameter the generated wrapper cannot bind; the validator has already
// refused every value the contract forbids, so this is a last line of defence.
func badParam(w http.ResponseWriter, _ *http.Request, err error) {
	apierror.Write(w, apierror.New(apierror.InvalidParameter, "a parameter cannot be read"))
}
