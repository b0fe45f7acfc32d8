package conformance

import (
	"crypto/rand"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// mockConfig returns a configuration that checks csmskit's mock, served in this process,
// with its demo project and both of its ways in. The library itself imports no mock: its
// tests may.
func mockConfig(t testing.TB) Config {
	t.Helper()
	m, err := mock.New(mock.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	cfg := NewConfig()
	cfg.Handler = m
	cfg.ProjectID = mock.DemoProjectID
	cfg.AuthToken, cfg.AK, cfg.SK = mock.DemoToken, mock.DemoAK, mock.DemoSK
	return cfg
}

// documentedBlob is the vendor's documented, truncated example blob as the contract keeps it.
func documentedBlob() string {
	c, err := loadContract()
	if err != nil {
		panic(err)
	}
	return c.documentedBlob()
}

// mustContract is the suite's contract, for tests.
func mustContract(t testing.TB) *contract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
