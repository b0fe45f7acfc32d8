package mock

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// faultCodes answer each injectable status with the code the service or its gateway would.
var faultCodes = map[int]apierror.Code{
	http.StatusInternalServerError: apierror.InternalError,
	http.StatusBadGateway:          apierror.BackendUnavailable,
	http.StatusGatewayTimeout:      apierror.BackendTimeout,
}

// malformedBody is what a "malformed" fault answers: JSON cut off inside the blob.
const malformedBody = `{"secret_blob":")CloudSecretManagementBackupV1.comeyJhbGciOiJSU0EtT0FFUC0yNTYi`

// withFaults injects the fault a request asks for (X-Mock-Fault) or a rule picks. It runs after
// validation and authentication: faults stand for the service or its upstream failing a
// request that reached it.
func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, source, err := s.faultFor(r)
		if err != nil {
			apierror.Write(w, apierror.New(apierror.InvalidParameter, fault.Header+": "+err.Error()))
			return
		}
		if f.IsZero() {
			next.ServeHTTP(w, r)
			return
		}
		infoFrom(r.Context()).fault = source + ":" + f.String()
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client went away; there is no one to answer
			}
		}
		switch {
		case f.Reset:
			resetConnection(w)
		case f.Status != 0:
			apierror.Write(w, apierror.New(faultCodes[f.Status], "injected fault"))
		case f.Malformed:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(malformedBody))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// faultFor returns the request's own fault, else the first rule's that fires.
func (s *Server) faultFor(r *http.Request) (fault.Fault, string, error) {
	if v := r.Header.Get(fault.Header); v != "" {
		f, err := fault.Parse(v)
		return f, "header", err
	}
	op := ""
	if route, ok := openapi.RouteFromContext(r.Context()); ok {
		op = route.Operation.OperationID
	}
	f, id, ok := s.faults.Match(op, openapi.PathParam(r.Context(), "secret_name"))
	if !ok {
		return fault.Fault{}, "", nil
	}
	return f, id, nil
}

// resetConnection closes the client's TCP connection with a reset (SO_LINGER 0). Where the
// connection cannot be taken over (HTTP/2), the stream is aborted instead.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
