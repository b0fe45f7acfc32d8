package mock_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/blob"
)

// Micro-benchmarks of the whole mock handler, every middleware included (request ID, recovery,
// access log, journal, request validation with real authentication, faults, the response
// check), driven through httptest without a network. Every backup seals a fresh blob.

// newBenchMock returns a mock with the demo configuration and key testKey, in memory.
func newBenchMock(b *testing.B) *mock.Server { return newBenchMockIn(b, "") }

// benchDo serves one request through h and fails unless it is answered 200.
func benchDo(b *testing.B, h http.Handler, method, path, body string, header http.Header) *httptest.ResponseRecorder {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: status %d: %s", method, path, rec.Code, rec.Body)
	}
	return rec
}

// signedHeader signs a request like the benchmarked one with the demo AK/SK and returns its
// headers. The signature stays valid for aksk.MaxClockSkew, far longer than a benchmark, and the
// mock verifies it in full on every request; signing itself is measured by aksk.BenchmarkSign.
func signedHeader(b *testing.B, method, path, body string) http.Header {
	b.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now()); err != nil {
		b.Fatal(err)
	}
	return req.Header
}

// BenchmarkHandler measures one request through the whole mock handler.
func BenchmarkHandler(b *testing.B) {
	backup := base + "/" + mock.DemoSecretName + "/backup"
	token := http.Header{"X-Auth-Token": {mock.DemoToken}}

	b.Run("token-backup", func(b *testing.B) {
		h := newBenchMock(b)
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, http.MethodPost, backup, "", token)
		}
	})
	b.Run("token-backup-parallel", func(b *testing.B) {
		h := newBenchMock(b)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				benchDo(b, h, http.MethodPost, backup, "", token)
			}
		})
	})
	b.Run("aksk-backup", func(b *testing.B) {
		h := newBenchMock(b)
		signed := signedHeader(b, http.MethodPost, backup, "")
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, http.MethodPost, backup, "", signed.Clone())
		}
	})
	b.Run("token-backup-20x32KiB", func(b *testing.B) {
		h := newBenchMock(b)
		const name = "big-secret"
		value := strings.Repeat("v", 32<<10)
		benchDo(b, h, http.MethodPost, base, `{"name":"`+name+`","secret_string":"`+value+`"}`, jsonToken())
		for range 19 {
			benchDo(b, h, http.MethodPost, base+"/"+name+"/versions", `{"secret_string":"`+value+`"}`, jsonToken())
		}
		b.SetBytes(20 << 15)
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, http.MethodPost, base+"/"+name+"/backup", "", token)
		}
	})
	b.Run("token-create-1KiB", func(b *testing.B) {
		h := newBenchMock(b)
		value := strings.Repeat("v", 1<<10)
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			i++
			// The quota bounds a project to 500 secrets: delete each one again.
			name := "bench-" + strings.Repeat("x", i%7)
			benchDo(b, h, http.MethodPost, base, `{"name":"`+name+`","secret_string":"`+value+`"}`, jsonToken())
			benchDo(b, h, http.MethodDelete, base+"/"+name, "", jsonToken())
		}
	})
	b.Run("token-show-version", func(b *testing.B) {
		h := newBenchMock(b)
		loop(b, func() { benchDo(b, h, http.MethodGet, base+"/"+mock.DemoSecretName+"/versions/latest", "", token) })
	})
	b.Run("token-list-50-of-500", func(b *testing.B) {
		// A page of the default size in a project at its quota: against token-show-version,
		// what a list answer costs beside a single read.
		h := newBenchMock(b)
		fillProject(b, h, 500, 1, 16)
		loop(b, func() { benchDo(b, h, http.MethodGet, base+"?limit=50", "", token) })
	})
	b.Run("reference-floor", func(b *testing.B) {
		// Not the mock: what every backup must do and nothing more (bench/cmd/floor in process),
		// a fresh blob sealed with the same key over a plaintext of the demo backup's size.
		// The mock's cost beyond it is what the mock adds.
		key, err := blob.NewKey(testKey())
		if err != nil {
			b.Fatal(err)
		}
		plaintext := []byte(`{"secret":"` + strings.Repeat("p", 504-13) + `"}`)
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			sealed, err := key.Seal(plaintext)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			body := `{"secret_blob":"` + sealed + "\"}\n"
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write([]byte(body))
		})
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, http.MethodPost, backup, "", token)
		}
	})
	b.Run("reference-fixed-body", func(b *testing.B) {
		// Not the mock: a handler that writes a fixed body of the demo backup's size, the floor
		// that httptest itself costs.
		body := benchDo(b, newBenchMock(b), http.MethodPost, backup, "", token).Body.Bytes()
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})
		b.ReportAllocs()
		for b.Loop() {
			benchDo(b, h, http.MethodPost, backup, "", token)
		}
	})
}

// loop runs op b.N times, reporting allocations and the process's CPU time per operation
// (cpu-ns/op) beside the wall time: on a machine shared with other work, the wall time says as
// much of the others as of the mock, the CPU time only of the mock (its collector included).
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	start, ok := processCPU()
	for b.Loop() {
		op()
	}
	if end, _ := processCPU(); ok {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

func jsonToken() http.Header {
	return http.Header{"X-Auth-Token": {mock.DemoToken}, "Content-Type": {"application/json"}}
}
