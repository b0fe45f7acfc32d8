package mock_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock"
)

// A list page should cost what it returns: the same page of five in a project of 5 or of 500
// secrets, whose secrets hold one small version or twenty of 4 KiB, on every store.

// benchStore names a store the list benchmarks run on and makes its DataDir.
type benchStore struct {
	name    string
	dataDir func(b *testing.B) string
}

// benchStores are the memory and bbolt stores, and PostgreSQL when a test database is
// configured (CSMS_TEST_POSTGRES_URL).
func benchStores(b *testing.B) []benchStore {
	stores := []benchStore{
		{"memory", func(*testing.B) string { return "" }},
		{"bolt", func(b *testing.B) string { return b.TempDir() }},
	}
	if base := pgtest.Available(b); base != "" {
		stores = append(stores, benchStore{"postgres", func(b *testing.B) string { return pgtest.NewSchema(b, base) }})
	}
	return stores
}

// newBenchMockIn returns a mock with the demo configuration, key testKey and its state in
// dataDir (memory when empty).
func newBenchMockIn(b *testing.B, dataDir string) *mock.Server {
	b.Helper()
	cfg := mock.DefaultConfig()
	cfg.BackupKey = testKey()
	cfg.DataDir = dataDir
	srv, err := mock.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv
}

// fillProject adds secrets to the demo project (which holds the demo secret) until it holds n,
// each with the given number of versions of size characters, through the admin API's fixtures,
// a transaction per secret rather than per version.
func fillProject(b *testing.B, h http.Handler, n, versions, size int) {
	b.Helper()
	value := strings.Repeat("v", size)
	const perLoad = 25
	for first := 1; first < n; first += perLoad {
		var y strings.Builder
		fmt.Fprintf(&y, "projects:\n- id: %s\n  secrets:\n", mock.DemoProjectID)
		for i := first; i < min(first+perLoad, n); i++ {
			fmt.Fprintf(&y, "  - name: bench-%04d\n    versions:\n", i)
			for range versions {
				fmt.Fprintf(&y, "    - value: %s\n", value)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__admin/fixtures", strings.NewReader(y.String())))
		if rec.Code != http.StatusNoContent {
			b.Fatalf("load fixtures: %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkList measures one ListSecrets page of five through the whole handler.
func BenchmarkList(b *testing.B) {
	token := http.Header{"X-Auth-Token": {mock.DemoToken}}
	for _, st := range benchStores(b) {
		for _, secrets := range []int{5, 500} {
			for _, versions := range []int{1, 20} {
				size := 4 << 10
				if versions == 1 {
					size = 16
				}
				name := fmt.Sprintf("%s/secrets=%d/versions=%d", st.name, secrets, versions)
				b.Run(name, func(b *testing.B) {
					h := newBenchMockIn(b, st.dataDir(b))
					fillProject(b, h, secrets, versions, size)
					loop(b, func() { benchDo(b, h, http.MethodGet, base+"?limit=5", "", token) })
				})
			}
		}
	}
}
