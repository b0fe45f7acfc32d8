package mock

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// operation is what the pipeline needs of one operation, worked out once at start.
type operation struct {
	// key names it as the contract writes it: "METHOD /path".
	key string
	// handler is the generated one: the pipeline has routed the request already, so it only
	// binds parameters, decodes the body and calls the domain, never routes again.
	handler http.Handler
	// action is the IAM action the operation needs ("" for none); aliases are older names
	// of it that the vendor still honours.
	action  string
	aliases []string
	// byCaller marks the operations on the account rather than a project, whose paths name
	// none (IAM's, and the secrets API's agencies, function templates and users): their
	// handlers answer by who asks, so the principal goes into their request's context, and
	// any credential of the account reaches them (authorize). The operations on a project
	// take everything from the path.
	byCaller bool
	// notifies marks the operations that may write notification records: their requests
	// carry a secrets.Notified in their context, which their journal entries read.
	notifies bool
}

// contractOperations returns every operation of the contract, by the spec's operation that
// routing finds.
func (s *Server) contractOperations() map[*openapi3.Operation]operation {
	handlers := s.operationHandlers()
	ops := map[*openapi3.Operation]operation{}
	for _, doc := range []*openapi3.T{s.contract.CSMS, s.contract.IAM} {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				key := method + " " + path
				o := operation{key: key, handler: handlers[key], byCaller: !strings.Contains(path, "{project_id}"),
					notifies: notifyingOperations[op.OperationID]}
				o.action, _ = op.Extensions["x-iam-action"].(string)
				if list, ok := op.Extensions["x-iam-action-aliases"].([]any); ok {
					for _, a := range list {
						if name, ok := a.(string); ok {
							o.aliases = append(o.aliases, name)
						}
					}
				}
				ops[op] = o
			}
		}
	}
	return ops
}

// operationHandlers returns the generated handler of every operation, by "METHOD /path".
func (s *Server) operationHandlers() map[string]http.Handler {
	writeErr := func(w http.ResponseWriter, _ *http.Request, err error) {
		// An answer that failed as it was written (the client went away mid-answer, as a load
		// generator's connections do when it stops) has begun: another answer would only follow
		// it, and break the contract.
		if rc, ok := w.(*responseCapture); ok && rc.wroteHeader {
			return
		}
		s.writeError(w, err)
	}
	undecodable := func(w http.ResponseWriter, _ *http.Request, _ error) {
		s.writeError(w, refused(badBody, "the body cannot be decoded"))
	}
	// The contract checks have refused every value the spec forbids, so a parameter the
	// generated code cannot bind is a last line of defence.
	unreadable := func(w http.ResponseWriter, _ *http.Request, _ error) {
		s.writeError(w, refused(badParameter, "a parameter cannot be read"))
	}
	table := handlerTable{}
	csmsapi.HandlerWithOptions(
		csmsapi.NewStrictHandlerWithOptions(&csmsHandlers{svc: s.service, account: s.account, auth: s.auth}, nil,
			csmsapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: undecodable, ResponseErrorHandlerFunc: writeErr}),
		csmsapi.StdHTTPServerOptions{BaseRouter: table, ErrorHandlerFunc: unreadable},
	)
	iamapi.HandlerWithOptions(
		iamapi.NewStrictHandlerWithOptions(&iamHandlers{auth: s.auth}, nil,
			iamapi.StrictHTTPServerOptions{RequestErrorHandlerFunc: undecodable, ResponseErrorHandlerFunc: writeErr}),
		iamapi.StdHTTPServerOptions{BaseRouter: table, ErrorHandlerFunc: unreadable},
	)
	return table
}

// handlerTable collects the generated handlers in place of a ServeMux.
type handlerTable map[string]http.Handler

// HandleFunc implements the generated code's ServeMux interface.
func (t handlerTable) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	t[pattern] = http.HandlerFunc(h)
}

// ServeHTTP implements it too; nothing is served through the table itself.
func (t handlerTable) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	apierror.Write(w, vendorError(refused(noOperation, ""), 0))
}
