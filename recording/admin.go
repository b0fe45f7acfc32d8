package recording

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"path"
	"strings"

	"github.com/csmskit/csmskit/openapi/apierror"
)

// AdminPrefix is where the admin API lives, apart from the API it observes.
const AdminPrefix = "/__admin/"

// IsAdmin reports whether r is for the admin API. Only clean paths count: a ServeMux would
// answer an unclean one with a redirect, where every answer must be the vendor's JSON.
func IsAdmin(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, AdminPrefix) && path.Clean(r.URL.Path) == r.URL.Path
}

// AdminMux returns a mux that serves the recorder's endpoints (GET and DELETE of
// /__admin/journal and /__admin/violations) and answers unknown admin paths with the vendor's
// 404 body; callers add their own endpoints to it.
func (rec *Recorder) AdminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__admin/journal", func(w http.ResponseWriter, _ *http.Request) {
		items, dropped := rec.Requests.Snapshot()
		WriteJSON(w, http.StatusOK, map[string]any{"requests": items, "dropped": dropped})
	})
	mux.HandleFunc("DELETE /__admin/journal", func(w http.ResponseWriter, _ *http.Request) {
		rec.Requests.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__admin/violations", func(w http.ResponseWriter, _ *http.Request) {
		items, dropped := rec.Violations.Snapshot()
		WriteJSON(w, http.StatusOK, ViolationReport{Violations: items, Dropped: dropped})
	})
	mux.HandleFunc("DELETE /__admin/violations", func(w http.ResponseWriter, _ *http.Request) {
		rec.Violations.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, _ *http.Request) {
		apierror.Write(w, apierror.New(apierror.APINotFound, "no such admin endpoint"))
	})
	return mux
}

// ViolationReport is what GET /__admin/violations answers.
type ViolationReport struct {
	Violations []Violation `json:"violations"`
	Dropped    uint64      `json:"dropped"`
}

// WriteJSON answers v as indented JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Guard requires token, when it is not empty, as "Authorization: Bearer <token>", compared in
// constant time; others get the vendor's 401 body.
func Guard(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !bearer {
			apierror.Write(w, apierror.New(apierror.AuthenticationFailed, "the admin API needs its token as Authorization: Bearer <token>"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
