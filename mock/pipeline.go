package mock

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
	"github.com/csmskit/csmskit/recording"
)

// ServeHTTP is the mock's whole request path. Each request becomes one call, made here and
// passed down; every step reads and fills that call, and finish reads it at the end:
//
//	request id → journal → route → path validation → length check → authentication →
//	authorisation → body validation → fault → handler → response check → journal, access log
//
// The first step that refuses a request answers it with the vendor's JSON error body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.begin(w, r)
	defer s.finish(c)
	if recording.IsAdmin(r) {
		c.admin = true
		s.admin.ServeHTTP(&c.w, r)
		return
	}
	for _, step := range steps {
		if err := step(s, c); err != nil {
			s.refuse(c, err)
			return
		}
	}
	s.serve(c)
}

// steps are what an API request passes through, in order, before its handler.
var steps = []func(*Server, *call) error{
	(*Server).route,
	(*Server).checkPath,
	(*Server).checkLength,
	(*Server).authenticate,
	(*Server).authorize,
	(*Server).checkBody,
	(*Server).injectFault,
}

// route finds the operation the request is for.
func (s *Server) route(c *call) error {
	q, allow, err := s.contract.Match(c.r)
	if err != nil {
		c.allow = allow
		return breach(err)
	}
	c.req = &matched{Request: q, operation: s.operations[q.Route.Operation]}
	return nil
}

// checkPath refuses a malformed path before credentials are weighed against it: it names no
// resource.
func (s *Server) checkPath(c *call) error {
	if err := c.req.CheckPath(c.r.Context()); err != nil {
		return breach(err)
	}
	return nil
}

// checkLength refuses a body declared larger than the bound before anything reads it, as a
// gateway does; a body sent without its length is bounded as it is read.
func (s *Server) checkLength(c *call) error {
	if c.r.ContentLength > openapi.DefaultMaxBodyBytes {
		return breach(openapi.TooLarge(openapi.DefaultMaxBodyBytes))
	}
	return nil
}

// authenticate finds who the credentials speak for, when the operation needs credentials.
// A request without any breaks the contract; credentials the mock does not accept do not.
func (s *Server) authenticate(c *call) error {
	if !c.req.Secured() {
		return nil
	}
	if !c.req.CredentialsPresent() {
		return breach(openapi.NoCredentials())
	}
	p, err := s.auth.Authenticate(c.r)
	switch {
	case c.body != nil && c.body.over:
		// The signature check read the body and found it over the bound.
		return breach(openapi.TooLarge(openapi.DefaultMaxBodyBytes))
	case errors.Is(err, auth.ErrNoCredentials):
		return breach(openapi.NoCredentials())
	case err != nil:
		return err
	}
	c.principal = p
	c.authenticated = true
	if c.req.byCaller {
		// Handlers of operations on the account rather than a project (IAM's lookups, the
		// agencies, function templates and users) answer by who asks. The matched request
		// becomes this one too, so the body read later is the handler's.
		c.r = c.r.WithContext(auth.NewContext(c.r.Context(), p))
		c.req.HTTP = c.r
	}
	return nil
}

// authorize checks that the principal may perform the operation's IAM action on the path's
// project. An operation on the account names no project: every credential of the account,
// whichever projects it is for, reaches it, as a token scoped to any of the account's
// projects does the service's; only its IAM action, if it has one, is weighed.
func (s *Server) authorize(c *call) error {
	if !c.authenticated {
		return nil
	}
	return auth.Authorize(c.principal, c.req.Params["project_id"], c.req.action, c.req.aliases...)
}

// checkBody reads the body within the bound and checks the other parameters and the body
// against the contract.
func (s *Server) checkBody(c *call) error {
	if err := c.req.ReadBody(nil, openapi.DefaultMaxBodyBytes); err != nil {
		return breach(err)
	}
	if err := c.req.CheckRest(c.r.Context()); err != nil {
		return breach(err)
	}
	return nil
}

// serve hands a request every step let through to its operation's generated handler. The
// handler binds the path parameters from r.PathValue, verbatim, as a ServeMux gives them:
// unescaped. Routing matched them (escaped, as the contract checks them), so they are handed
// over here, once, and only for a request that gets this far.
func (s *Server) serve(c *call) {
	if c.req.notifies {
		c.r = c.r.WithContext(context.WithValue(c.r.Context(), notifiedKey{}, &c.notified))
	}
	c.req.SetPathValues(c.r)
	c.req.handler.ServeHTTP(&c.w, c.r)
}

// refuse answers a request a step refused with the vendor's error the error table (errors.go)
// gives, recording a contract violation when the request broke the contract.
func (s *Server) refuse(c *call, err error) {
	if errors.Is(err, errAnswered) {
		return
	}
	e := s.apiError(&c.w, err)
	var b *contractBreach
	if errors.As(err, &b) {
		s.recorder.Violation(c.violation(recording.KindRequest, e.Status, string(e.Code)+": "+e.Msg))
	}
	if len(c.allow) > 0 {
		c.w.Header().Set("Allow", strings.Join(c.allow, ", "))
	}
	c.closeIfUnread()
	apierror.Write(&c.w, e)
}

// contractBreach marks a step's refusal of a request that breaks the contract, as opposed to
// credentials or permissions the mock refuses.
type contractBreach struct{ err *apierror.Error }

func (b *contractBreach) Error() string { return b.err.Error() }
func (b *contractBreach) Unwrap() error { return b.err }

func breach(err *apierror.Error) error { return &contractBreach{err} }

// errAnswered is a step's word that it has answered the request itself (a fault that resets
// the connection, say).
var errAnswered = errors.New("answered")
