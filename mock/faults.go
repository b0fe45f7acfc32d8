package mock

import (
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/csmskit/csmskit/mock/fault"
)

// malformedBody is what a "malformed" fault answers: JSON cut off inside the blob.
const malformedBody = `{"secret_blob":")CloudSecretManagementBackupV1.comeyJhbGciOiJSU0EtT0FFUC0yNTYi`

// injectFault injects the fault a request asks for (X-Mock-Fault) or a rule picks. It runs after
// validation and authentication: faults stand for the service or its upstream failing a
// request that reached it.
func (s *Server) injectFault(c *call) error {
	f, source, err := s.faultFor(c)
	if err != nil {
		return err // a header that does not parse, or the store failing
	}
	if f.IsZero() {
		return nil
	}
	c.fault = source + ":" + f.String()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			return errAnswered // the client went away; there is no one to answer
		}
	}
	switch {
	case f.Reset:
		resetConnection(&c.w)
	case f.Status != 0:
		return &injectedFault{status: f.Status}
	case f.Malformed:
		c.w.Header().Set("Content-Type", "application/json")
		c.w.WriteHeader(http.StatusOK)
		_, _ = c.w.Write([]byte(malformedBody))
	default:
		return nil // a delay alone: the request goes on
	}
	return errAnswered
}

// faultFor returns the request's own fault, else the first rule's that fires.
func (s *Server) faultFor(c *call) (fault.Fault, string, error) {
	if v := c.r.Header.Get(fault.Header); v != "" {
		f, err := fault.Parse(v)
		if err != nil {
			return f, "", &badFaultHeader{err}
		}
		return f, "header", nil
	}
	f, id, ok, err := s.faults.Match(c.operation(), c.req.Params["secret_name"])
	if !ok || err != nil {
		return fault.Fault{}, "", err
	}
	return f, id, nil
}

// badFaultHeader is an X-Mock-Fault value that does not parse: the client's mistake, unlike a
// store that cannot count the rules.
type badFaultHeader struct{ err error }

func (b *badFaultHeader) Error() string { return b.err.Error() }

// injectedFault is a fault that answers with an error status; the error table says with which
// code.
type injectedFault struct{ status int }

func (f *injectedFault) Error() string { return "injected fault: status " + strconv.Itoa(f.status) }

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
