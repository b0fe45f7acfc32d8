package mock

import (
	"net/http"
	"time"

	"github.com/csmskit/csmskit/recording"
)

// clockReport is what the clock endpoints answer.
type clockReport struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"` // from the configured clock, as a Go duration
	Real   bool      `json:"real"`   // no offset
}

// clockChange is what POST /__admin/clock takes: exactly one of the two.
type clockChange struct {
	Set     *time.Time `json:"set"`     // RFC 3339
	Advance string     `json:"advance"` // a Go duration, e.g. "168h" or "-15m"
}

// clockRoutes: GET /__admin/clock, POST it to set or advance the time (running the automatic
// rotations that come due), DELETE it to return to the configured clock.
func (s *Server) clockRoutes(mux *http.ServeMux) {
	answer := func(w http.ResponseWriter) {
		off := s.clock.offset()
		recording.WriteJSON(w, http.StatusOK, clockReport{Now: s.clock.now().UTC(), Offset: off.String(), Real: off == 0})
	}
	mux.HandleFunc("GET /__admin/clock", func(w http.ResponseWriter, _ *http.Request) { answer(w) })
	mux.HandleFunc("POST /__admin/clock", func(w http.ResponseWriter, r *http.Request) {
		var c clockChange
		if err := decodeJSON(w, r, &c); err != nil {
			s.writeError(w, refused(badBody, err.Error()))
			return
		}
		switch {
		case (c.Set == nil) == (c.Advance == ""):
			s.writeError(w, refused(badParameter, `give exactly one of "set" (RFC 3339) and "advance" (a duration such as "168h")`))
			return
		case c.Set != nil:
			s.clock.set(*c.Set)
		default:
			d, err := time.ParseDuration(c.Advance)
			if err != nil {
				s.writeError(w, refused(badParameter, "advance: "+err.Error()))
				return
			}
			s.clock.Advance(d)
		}
		// The rotations and expiries the new time makes due happen now, not on the next pass
		// of due.go.
		s.doDueWork()
		answer(w)
	})
	mux.HandleFunc("DELETE /__admin/clock", func(w http.ResponseWriter, _ *http.Request) {
		s.clock.reset()
		answer(w)
	})
}
