package secrets_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
)

// The service's rules, tested without HTTP: what the mock's handlers and the vendor's pages
// rely on, failure by failure.

const project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

// testSealer stands in for the backup key: reversible, and refusing anything it did not seal,
// so the service's own handling of blobs is what is tested.
type testSealer struct{}

const sealedPrefix = "sealed:"

func (testSealer) Seal(p []byte) (string, error) {
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(p), nil
}

func (testSealer) Open(blob string) ([]byte, error) {
	rest, ok := strings.CutPrefix(blob, sealedPrefix)
	if !ok {
		return nil, errors.New("not sealed here")
	}
	return base64.RawURLEncoding.DecodeString(rest)
}

// clock is a settable time for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T, maxSecrets int) (*secrets.Service, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	st := store.NewMemory()
	t.Cleanup(func() { _ = st.Close() })
	return secrets.NewService(st, testSealer{}, secrets.Options{MaxSecrets: maxSecrets, DefaultKMSKeyID: "k", Now: clk.now}), clk
}

func str(s string) secrets.Value { return secrets.Value{String: &s} }

func mustCreate(t *testing.T, svc *secrets.Service, name, value string) *secrets.Secret {
	t.Helper()
	sec, err := svc.Create(project, secrets.NewSecret{Name: name, Value: str(value)})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return sec
}

func wantKind(t *testing.T, err error, kind secrets.Kind) {
	t.Helper()
	if got := secrets.KindOf(err); got != kind {
		t.Fatalf("error %v is of kind %d, want %d", err, got, kind)
	}
}

// stagesOf maps each version id to its stages.
func stagesOf(sec *secrets.Secret) map[string][]string {
	out := map[string][]string{}
	for _, v := range sec.Versions {
		s := slices.Clone(v.Stages)
		slices.Sort(s)
		out[v.ID] = s
	}
	return out
}

func TestVersionsAndStages(t *testing.T) {
	svc, _ := newService(t, 0)
	sec := mustCreate(t, svc, "db", "one")
	if got := stagesOf(sec); !slices.Equal(got["v1"], []string{secrets.StageCurrent}) {
		t.Fatalf("after create: %v", got)
	}
	steps := []struct {
		stages []string
		want   map[string][]string
	}{
		// A new version becomes current and the former current one previous.
		{nil, map[string][]string{"v1": {secrets.StagePrevious}, "v2": {secrets.StageCurrent}}},
		// A version with its own stage leaves SYSCURRENT where it is.
		{[]string{"blue"}, map[string][]string{"v1": {secrets.StagePrevious}, "v2": {secrets.StageCurrent}, "v3": {"blue"}}},
		// Stages are unique within a secret: naming one moves it.
		{[]string{"blue", secrets.StageCurrent}, map[string][]string{"v1": {}, "v2": {secrets.StagePrevious}, "v3": {}, "v4": {secrets.StageCurrent, "blue"}}},
	}
	for i, step := range steps {
		got, v, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("value"), Stages: step.stages})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if want := "v" + string(rune('2'+i)); v.ID != want {
			t.Fatalf("step %d: new version %s, want %s", i, v.ID, want)
		}
		for id, want := range step.want {
			if g := stagesOf(got)[id]; !slices.Equal(g, want) && !(len(g) == 0 && len(want) == 0) {
				t.Errorf("step %d: %s has stages %v, want %v", i, id, g, want)
			}
		}
	}
	_, latest, err := svc.ShowVersion(project, "db", "latest")
	if err != nil || latest.ID != "v4" {
		t.Fatalf("latest = %v, %v; want v4", latest, err)
	}
	_, _, err = svc.ShowVersion(project, "db", "v99")
	wantKind(t, err, secrets.VersionNotFound)
}

func TestVersionCapRetiresTheOldestWithoutAStage(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreate(t, svc, "db", "v")
	// v2 keeps a stage of its own, so the oldest version without one is v3 once v1 is gone.
	if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("v"), Stages: []string{"pinned"}}); err != nil {
		t.Fatal(err)
	}
	for range secrets.MaxVersions - 2 {
		if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("v")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"v1", "v3"} {
		sec, v, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("v")})
		if err != nil {
			t.Fatalf("a version beyond the cap: %v", err)
		}
		if len(sec.Versions) != secrets.MaxVersions || !v.HasStage(secrets.StageCurrent) {
			t.Fatalf("%d versions, new one %v", len(sec.Versions), v.Stages)
		}
		if _, ok := sec.Version(want); ok {
			t.Fatalf("%s, the oldest version without a stage, was kept", want)
		}
		if _, ok := sec.Version("v2"); !ok {
			t.Fatal("v2, which carries a stage, was retired")
		}
	}
}

func TestStages(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreate(t, svc, "db", "one")
	if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str("two")}); err != nil {
		t.Fatal(err)
	}
	st, err := svc.ShowStage(project, "db", secrets.StageCurrent)
	if err != nil || st.VersionID != "v2" || st.UpdateTime == 0 {
		t.Fatalf("SYSCURRENT = %+v, %v", st, err)
	}
	// Moving SYSCURRENT back makes the version that held it SYSPREVIOUS.
	if st, err = svc.UpdateStage(project, "db", secrets.StageCurrent, "v1"); err != nil || st.VersionID != "v1" {
		t.Fatalf("move SYSCURRENT: %+v, %v", st, err)
	}
	if prev, _ := svc.ShowStage(project, "db", secrets.StagePrevious); prev.VersionID != "v2" {
		t.Fatalf("SYSPREVIOUS on %s, want v2", prev.VersionID)
	}
	if _, err := svc.UpdateStage(project, "db", "blue", "v2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteStage(project, "db", "blue"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.ShowStage(project, "db", "blue")
	wantKind(t, err, secrets.StageNotFound)
	wantKind(t, svc.DeleteStage(project, "db", "blue"), secrets.StageNotFound)
	wantKind(t, svc.DeleteStage(project, "db", secrets.StageCurrent), secrets.BuiltInStage)
	wantKind(t, svc.DeleteStage(project, "db", secrets.StagePrevious), secrets.BuiltInStage)
	_, err = svc.UpdateStage(project, "db", "green", "v9")
	wantKind(t, err, secrets.VersionNotFound)
	// At most 12 stages: SYSCURRENT, SYSPREVIOUS and ten more.
	for i := range 10 {
		if _, err := svc.UpdateStage(project, "db", fmt.Sprintf("s%d", i), "v2"); err != nil {
			t.Fatalf("stage %d: %v", i+3, err)
		}
	}
	_, err = svc.UpdateStage(project, "db", "one-too-many", "v2")
	wantKind(t, err, secrets.TooManyStages)
}

func TestUpdateAndExpiry(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreate(t, svc, "db", "one")
	desc, on, events := "rotated", true, []string{"ev1"}
	sec, err := svc.Update(project, "db", secrets.SecretUpdate{Description: &desc, AutoRotation: &on, EventSubscriptions: &events})
	if err != nil || sec.Description != desc || !sec.AutoRotation || sec.KMSKeyID != "k" {
		t.Fatalf("update: %+v, %v", sec, err)
	}
	page, _ := svc.List(project, 10, "", "ev1")
	other, _ := svc.List(project, 10, "", "ev2")
	if len(page.Items) != 1 || len(other.Items) != 0 {
		t.Fatalf("event filter: %d with ev1, %d with ev2", len(page.Items), len(other.Items))
	}
	_, v, err := svc.UpdateVersion(project, "db", "v1", 1893456000)
	if err != nil || v.ExpireTime == nil || *v.ExpireTime != 1893456000 {
		t.Fatalf("expiry: %+v, %v", v, err)
	}
	_, _, err = svc.UpdateVersion(project, "db", "v7", 1)
	wantKind(t, err, secrets.VersionNotFound)
}

func TestValuesAreChecked(t *testing.T) {
	svc, _ := newService(t, 0)
	bad := "not base64!"
	both := "dg=="
	for name, v := range map[string]secrets.Value{
		"neither":    {},
		"both":       {String: &both, Binary: &both},
		"bad binary": {Binary: &bad},
	} {
		_, err := svc.Create(project, secrets.NewSecret{Name: "n", Value: v})
		if secrets.KindOf(err) != secrets.InvalidValue {
			t.Errorf("%s: %v, want InvalidValue", name, err)
		}
	}
}

func TestStatesGuardValues(t *testing.T) {
	svc, _ := newService(t, 0)
	for _, state := range []string{"DISABLED", "FROZEN"} {
		// Only fixtures make a secret in these states: they are imported.
		sec := secrets.Secret{Name: state, State: state, Versions: []secrets.Version{{ID: "v1", Stages: []string{secrets.StageCurrent}, Value: str("v")}}}
		if stored, err := svc.Import(project, sec); err != nil || !stored {
			t.Fatalf("import %s: %v, %v", state, stored, err)
		}
		_, _, err := svc.ShowVersion(project, state, "latest")
		wantKind(t, err, secrets.NotEnabled)
		_, _, err = svc.AddVersion(project, state, secrets.NewVersion{Value: str("v")})
		wantKind(t, err, secrets.NotEnabled)
	}
	mustCreate(t, svc, "pending", "v")
	if _, err := svc.ScheduleDeletion(project, "pending", 7); err != nil {
		t.Fatal(err)
	}
	_, _, err := svc.ShowVersion(project, "pending", "latest")
	wantKind(t, err, secrets.PendingDeletion)
	_, err = svc.Backup(project, "pending")
	wantKind(t, err, secrets.PendingDeletion)
}

func TestNamesAndQuota(t *testing.T) {
	svc, _ := newService(t, 2)
	mustCreate(t, svc, "a", "v")
	_, err := svc.Create(project, secrets.NewSecret{Name: "a", Value: str("v")})
	wantKind(t, err, secrets.NameTaken)
	mustCreate(t, svc, "b", "v")
	_, err = svc.Create(project, secrets.NewSecret{Name: "c", Value: str("v")})
	wantKind(t, err, secrets.QuotaExceeded)
	// The quota is per project.
	if _, err := svc.Create("another-project-0000000000000000", secrets.NewSecret{Name: "c", Value: str("v")}); err != nil {
		t.Fatalf("another project: %v", err)
	}
	if err := svc.Delete(project, "a"); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, svc, "c", "v")
}

func TestScheduledDeletion(t *testing.T) {
	svc, clk := newService(t, 0)
	mustCreate(t, svc, "db", "v")
	sec, err := svc.ScheduleDeletion(project, "db", 7)
	if err != nil {
		t.Fatal(err)
	}
	due := clk.t.Add(7 * 24 * time.Hour).UnixMilli()
	if sec.State != secrets.StatePendingDelete || sec.ScheduledDeleteTime != due {
		t.Fatalf("scheduled: %s at %d, want PENDING_DELETE at %d", sec.State, sec.ScheduledDeleteTime, due)
	}
	_, err = svc.ScheduleDeletion(project, "db", 7)
	wantKind(t, err, secrets.AlreadyScheduled)
	if sec, err = svc.CancelDeletion(project, "db"); err != nil || sec.State != secrets.StateEnabled || sec.ScheduledDeleteTime != 0 {
		t.Fatalf("cancel: %+v, %v", sec, err)
	}
	_, err = svc.CancelDeletion(project, "db")
	wantKind(t, err, secrets.NotScheduled)

	// Once due, the secret is gone: not shown, not listed, its name free again.
	if _, err := svc.ScheduleDeletion(project, "db", 7); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(7*24*time.Hour - time.Millisecond)
	if _, err := svc.Show(project, "db"); err != nil {
		t.Fatalf("a millisecond before it is due: %v", err)
	}
	clk.t = clk.t.Add(time.Millisecond)
	_, err = svc.Show(project, "db")
	wantKind(t, err, secrets.NotFound)
	page, err := svc.List(project, 10, "", "")
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("list after the deletion: %d items, %v", len(page.Items), err)
	}
	mustCreate(t, svc, "db", "again")
}

func TestBackupAndRestore(t *testing.T) {
	svc, _ := newService(t, 0)
	// Values long enough that the blob, which holds a random ID, cannot show them by chance.
	const one, two = "first-value-plaintext", "second-value-plaintext"
	mustCreate(t, svc, "db", one)
	if _, _, err := svc.AddVersion(project, "db", secrets.NewVersion{Value: str(two)}); err != nil {
		t.Fatal(err)
	}
	before, err := svc.Show(project, "db")
	if err != nil {
		t.Fatal(err)
	}
	blob, err := svc.Backup(project, "db")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(blob, one) {
		t.Fatal("the blob holds a value in the clear")
	}
	_, err = svc.Restore(project, blob)
	wantKind(t, err, secrets.NameTaken) // never over an existing secret

	if err := svc.Delete(project, "db"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Backup(project, "db")
	wantKind(t, err, secrets.NotFound)
	_, err = svc.Restore("another-project-0000000000000000", blob)
	wantKind(t, err, secrets.InvalidBackup)
	_, err = svc.Restore(project, blob[:len(blob)-4]+"AAAA")
	wantKind(t, err, secrets.InvalidBackup)
	_, err = svc.Restore(project, "garbage")
	wantKind(t, err, secrets.InvalidBackup)

	restored, err := svc.Restore(project, blob)
	if err != nil {
		t.Fatal(err)
	}
	if restored.ID != before.ID || !slices.EqualFunc(restored.Versions, before.Versions, sameVersion) {
		t.Fatalf("restored %+v, want %+v", restored, before)
	}
	for id, want := range map[string]string{"v1": one, "v2": two} {
		_, v, err := svc.ShowVersion(project, "db", id)
		if err != nil || *v.Value.String != want {
			t.Errorf("restored %s = %v, %v; want %q", id, v, err, want)
		}
	}
}

func sameVersion(a, b secrets.Version) bool {
	return a.ID == b.ID && slices.Equal(a.Stages, b.Stages) && *a.Value.String == *b.Value.String
}
