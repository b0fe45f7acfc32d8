package apierror_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/csmskit/csmskit/openapi/apierror"
)

var codeShape = regexp.MustCompile(`^(CSMS|APIGW)\.[0-9]{4}$`)

func TestCatalogue(t *testing.T) {
	documented := map[int]bool{400: true, 401: true, 403: true, 404: true, 500: true, 502: true, 504: true}
	for _, c := range apierror.Codes() {
		if !codeShape.MatchString(string(c)) || len(c) < 8 || len(c) > 36 {
			t.Errorf("%s: not a documented code shape", c)
		}
		if !documented[c.Status()] {
			t.Errorf("%s: status %d is not one the operations document", c, c.Status())
		}
		if m := c.Message(); len(m) < 2 || !strings.HasSuffix(m, ".") {
			t.Errorf("%s: message %q", c, m)
		}
	}
	if apierror.SecretNotFound.Status() != http.StatusNotFound {
		t.Error("an unknown secret is the backup page's 404 by default")
	}
}

func TestNewKeepsMessageWithinLimits(t *testing.T) {
	tests := []struct {
		name, detail string
		want         string
	}{
		{"no detail", "", "The value of parameter is invalid."},
		{"detail", "path parameter secret_name: too long", "The value of parameter is invalid: path parameter secret_name: too long"},
		{"long detail", strings.Repeat("é", 1000), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := apierror.New(apierror.InvalidParameter, tt.detail)
			if n := utf8.RuneCountInString(e.Msg); n < 2 || n > 512 || !utf8.ValidString(e.Msg) {
				t.Fatalf("error_msg of %d characters (valid UTF-8: %v)", n, utf8.ValidString(e.Msg))
			}
			if tt.want != "" && e.Msg != tt.want {
				t.Errorf("Msg = %q, want %q", e.Msg, tt.want)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set(apierror.RequestIDHeader, "kept")
	apierror.Write(rec, apierror.New(apierror.SecretNotFound, "").WithStatus(http.StatusBadRequest))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want the overriding 400", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := rec.Header().Get(apierror.RequestIDHeader); got != "kept" {
		t.Errorf("X-Request-Id = %q, want the one already set", got)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["error_code"] != "CSMS.0106" || body["error_msg"] != "The secret name not found int the db." {
		t.Errorf("body = %v", body)
	}

	rec = httptest.NewRecorder()
	apierror.Write(rec, apierror.New(apierror.InternalError, ""))
	if id := rec.Header().Get(apierror.RequestIDHeader); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Errorf("new X-Request-Id = %q, want 32 hex characters", id)
	}
}

func TestAsHidesForeignErrors(t *testing.T) {
	wrapped := fmt.Errorf("store: %w", apierror.New(apierror.SecretQuotaExceeded, ""))
	if got := apierror.As(wrapped); got.Code != apierror.SecretQuotaExceeded {
		t.Errorf("As(wrapped) = %v", got)
	}
	got := apierror.As(errors.New("disk /var/lib/secret.db: permission denied"))
	if got.Code != apierror.InternalError || strings.Contains(got.Msg, "disk") {
		t.Errorf("As(foreign) = %v; it must not leak the cause", got)
	}
}
