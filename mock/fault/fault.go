// Package fault describes the failures the mock can inject, deterministically: a status the
// documents promise (500, 502, 504), a delay, a reset connection or a malformed body, asked for
// per request (the X-Mock-Fault header) or by rules (every Nth call, or a seeded probability).
package fault

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header asks for a fault on one request, e.g. "delay=200ms,status=504".
const Header = "X-Mock-Fault"

// maxDelay bounds an injected delay, so a fault cannot hold a connection for long.
const maxDelay = 60 * time.Second

// Fault is what to do to one response. The zero value does nothing.
type Fault struct {
	// Status answers with a documented failure status (500, 502 or 504) instead of the handler.
	Status int `json:"status,omitempty"`
	// Delay waits before answering; it ends early when the client goes away.
	Delay time.Duration `json:"delay,omitempty"`
	// Reset closes the TCP connection with a reset instead of answering.
	Reset bool `json:"reset,omitempty"`
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed bool `json:"malformed,omitempty"`
}

// IsZero reports whether f does nothing.
func (f Fault) IsZero() bool { return f == Fault{} }

// String is the header form of f.
func (f Fault) String() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay="+f.Delay.String())
	}
	if f.Status != 0 {
		parts = append(parts, "status="+strconv.Itoa(f.Status))
	}
	if f.Reset {
		parts = append(parts, "reset")
	}
	if f.Malformed {
		parts = append(parts, "malformed")
	}
	return strings.Join(parts, ",")
}

// Statuses are the failure statuses the documents promise and a fault may answer with.
var Statuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout}

// Parse reads the header form: comma-separated status=500|502|504, delay=<Go duration>,
// reset, malformed.
func Parse(s string) (Fault, error) {
	var f Fault
	if strings.TrimSpace(s) == "" {
		return f, errors.New("empty fault")
	}
	for part := range strings.SplitSeq(s, ",") {
		key, value, hasValue := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case key == "status" && hasValue:
			n, err := strconv.Atoi(value)
			if err != nil || !isFailureStatus(n) {
				return Fault{}, fmt.Errorf("status=%q: want 500, 502 or 504", value)
			}
			f.Status = n
		case key == "delay" && hasValue:
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 || d > maxDelay {
				return Fault{}, fmt.Errorf("delay=%q: want a duration from 0 to %v, e.g. 200ms", value, maxDelay)
			}
			f.Delay = d
		case key == "reset" && !hasValue:
			f.Reset = true
		case key == "malformed" && !hasValue:
			f.Malformed = true
		default:
			return Fault{}, fmt.Errorf("%q: want status=500|502|504, delay=<duration>, reset or malformed", part)
		}
	}
	if f.Reset && (f.Status != 0 || f.Malformed) {
		return Fault{}, errors.New("reset answers nothing, so it cannot go with status or malformed")
	}
	if f.Malformed && f.Status != 0 {
		return Fault{}, errors.New("malformed and status are two different answers; give one")
	}
	return f, nil
}

func isFailureStatus(n int) bool {
	for _, s := range Statuses {
		if n == s {
			return true
		}
	}
	return false
}
