package main

import (
	"net/http"

	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// router holds the generated handlers by the pattern they register ("GET /v1/…") and routes
// each request with the contract's router, which prefers a literal path segment to a variable
// one. Go's ServeMux refuses two patterns that can match one path with neither more specific,
// as /csms/events/{event_name} and /csms/{secret_id}/tags do (both match /csms/events/tags).
type router struct {
	contract *openapi.Contract
	handlers map[string]http.Handler
}

// HandleFunc implements the generated code's ServeMux interface.
func (rt *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	rt.handlers[pattern] = http.HandlerFunc(h)
}

// ServeHTTP hands a request to its operation's handler with the path's parameters, unescaped
// as a ServeMux gives them; a request for no operation this server has gets the gateway's 404.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q, _, err := rt.contract.Match(r)
	if err != nil {
		apierror.Write(w, err)
		return
	}
	h := rt.handlers[r.Method+" "+q.Route.Path]
	if h == nil {
		apierror.Write(w, apierror.New(apierror.APINotFound, ""))
		return
	}
	q.SetPathValues(r)
	h.ServeHTTP(w, r)
}
