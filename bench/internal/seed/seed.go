// Package seed fills a mock's store with many secrets before it starts, the way each store
// would hold them: a fixtures file for the memory store, and for bbolt and PostgreSQL the
// records written directly, one transaction per project, as the mock's own import writes them.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
)

// kmsKeyID is the KMS key the mock gives a secret created without one.
const kmsKeyID = "0d0466b0-e727-4d9c-b35d-f84bb474a37f"

// Project is a project's secrets: Count secrets named SecretName(First) onwards, each with
// Versions versions of Size random characters.
type Project struct {
	ID                           string
	First, Count, Versions, Size int
}

// SecretName is the name of the j-th secret.
func SecretName(j int) string { return fmt.Sprintf("s%06d", j) }

// Values returns a function that makes values of random letters and digits, the same ones
// on every run.
func Values() func(size int) string {
	rng := rand.New(rand.NewPCG(5, 6))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	return func(size int) string {
		b := make([]byte, size)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
}

// Fixtures writes a fixtures file (csmsmock serve --fixtures) of the bench credential and the
// projects.
func Fixtures(path string, projects []Project) error {
	value := Values()
	var b strings.Builder
	b.WriteString(harness.CredentialFixtures + "projects:\n")
	for _, p := range projects {
		fmt.Fprintf(&b, "  - id: %s\n    secrets:\n", p.ID)
		for j := p.First; j < p.First+p.Count; j++ {
			fmt.Fprintf(&b, "      - name: %s\n        versions:\n", SecretName(j))
			for range p.Versions {
				fmt.Fprintf(&b, "          - value: %s\n", value(p.Size))
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// Bolt writes the projects into a new bbolt database in the data directory.
func Bolt(data string, projects []Project) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	st, err := store.OpenBolt(filepath.Join(data, mock.DatabaseFile))
	if err != nil {
		return err
	}
	return fill(st, projects)
}

// Postgres writes the projects into the database at url (a schema of its own).
func Postgres(ctx context.Context, url string, projects []Project) error {
	st, err := store.OpenPostgres(ctx, url, store.PostgresOptions{})
	if err != nil {
		return err
	}
	return fill(st, projects)
}

// fill imports the projects into st and closes it.
func fill(st store.Store, projects []Project) error {
	err := importAll(st, projects)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

func importAll(st store.Store, projects []Project) error {
	value := Values()
	now := time.Now().UnixMilli()
	svc := secrets.NewService(st, nil, secrets.Options{DefaultKMSKeyID: kmsKeyID})
	if err := svc.Migrate(); err != nil {
		return err
	}
	for _, p := range projects {
		secs := make([]secrets.Secret, 0, p.Count)
		for j := p.First; j < p.First+p.Count; j++ {
			sec := secrets.Secret{
				Name: SecretName(j), CreateTime: now, UpdateTime: now, NextVersion: p.Versions + 1,
				StageTimes: map[string]int64{secrets.StageCurrent: now},
			}
			for k := range p.Versions {
				v := value(p.Size)
				ver := secrets.Version{ID: fmt.Sprintf("v%d", k+1), CreateTime: now, Value: secrets.Value{String: &v}}
				if k == p.Versions-1 {
					ver.Stages = []string{secrets.StageCurrent}
				}
				sec.Versions = append(sec.Versions, ver)
			}
			secs = append(secs, sec)
		}
		if _, err := svc.ImportAll(p.ID, secs); err != nil {
			return fmt.Errorf("seed project %s: %w", p.ID, err)
		}
	}
	return nil
}
