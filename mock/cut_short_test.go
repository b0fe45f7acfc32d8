package mock_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// cutShort is a client that goes away as its answer is sent: every write fails.
type cutShort struct {
	header http.Header
	status int
	writes int
}

func (w *cutShort) Header() http.Header { return w.header }
func (w *cutShort) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *cutShort) Write([]byte) (int, error) {
	w.writes++
	return 0, errors.New("write: broken pipe")
}

// An answer whose writing fails is not followed by another (an error answer after it), which
// would break the contract and be recorded as a violation.
func TestAnswerCutShortIsNotAnsweredAgain(t *testing.T) {
	srv, _ := newMock(t, nil)
	for _, path := range []string{base + "?limit=50", base + "/" + mock.DemoSecretName, base + "/" + mock.DemoSecretName + "/versions/latest"} {
		w := &cutShort{header: http.Header{}}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Auth-Token", mock.DemoToken)
		srv.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.writes != 1 {
			t.Errorf("%s: status %d after %d writes; want 200 and the answer's one write", path, w.status, w.writes)
		}
	}
	noResponseViolations(t, srv)
}
