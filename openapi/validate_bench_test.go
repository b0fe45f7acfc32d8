package openapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/openapi"
)

// Micro-benchmarks of the contract checks the mock runs on every request and response. They
// use the default presence check for credentials: what a real authenticator costs is measured
// in aksk (BenchmarkVerify) and, end to end, in mock (BenchmarkHandler).

const benchBackupPath = "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/secrets/demo-secret/backup"

// benchNoop is the handler behind the validator: it only answers 200.
var benchNoop = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

// BenchmarkRequestValidator measures RequestValidator on a passing request: routing, path and
// header parameters, security requirements and, for CreateSecret, the JSON body against its
// schema (including the "exactly one of secret_string/secret_binary" rule).
func BenchmarkRequestValidator(b *testing.B) {
	h := openapi.MustLoad().RequestValidator(nil)(benchNoop)
	token := "MII" + strings.Repeat("x", 40)
	value := strings.Repeat("v", 1024)
	cases := []struct {
		name, method, path, body string
	}{
		{"DownloadSecretBlob", http.MethodPost, benchBackupPath, ""},
		{"CreateSecret/1KiB", http.MethodPost, "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/secrets",
			`{"name":"db-password","secret_string":"` + value + `","description":"benchmark"}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var body io.Reader
				if c.body != "" {
					body = strings.NewReader(c.body)
				}
				req := httptest.NewRequest(c.method, c.path, body)
				req.Header.Set("X-Auth-Token", token)
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkValidateResponse measures the response check the mock runs on every answer, here a
// backup of the size the demo secret seals to (about 1 KiB) and of a secret with 20 versions of
// 32 KiB (about 900 KiB).
func BenchmarkValidateResponse(b *testing.B) {
	c := openapi.MustLoad()
	for _, size := range []struct {
		name string
		n    int
	}{{"DownloadSecretBlob/1KiB", 1 << 10}, {"DownloadSecretBlob/900KiB", 900 << 10}} {
		b.Run(size.name, func(b *testing.B) {
			// A blob of the documented layout: the prefix and five base64url segments.
			body := `{"secret_blob":")CloudSecretManagementBackupV1.comeyJhbGciOiJSU0EtT0FFUC0yNTYifQ.` + strings.Repeat("A", size.n) + `.AAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"}`
			req := httptest.NewRequest(http.MethodPost, benchBackupPath, nil)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				resp := &http.Response{
					StatusCode: http.StatusOK,
					Header:     http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"0123456789abcdef"}},
					Request:    req,
					Body:       io.NopCloser(strings.NewReader(body)),
				}
				if err := c.ValidateResponse(context.Background(), resp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
