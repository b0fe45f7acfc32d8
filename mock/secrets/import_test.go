package secrets_test

import (
	"testing"

	"github.com/csmskit/csmskit/mock/secrets"
)

func TestImportBatchCreatesEachSecretOnItsOwn(t *testing.T) {
	svc, _ := newService(t, 3)
	mustCreate(t, svc, "taken", "kept")
	both := "x"
	batch := []secrets.NewSecret{
		{Name: "a", Value: str("1")},
		{Name: "taken", Value: str("replacing")},
		{Name: "a", Value: str("again")},
		{Name: "both", Value: secrets.Value{String: &both, Binary: &both}},
		{Name: "b", Value: str("2")},
		{Name: "c", Value: str("3")}, // the fourth secret of a project of three
	}
	failed, err := svc.ImportBatch(project, batch)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secrets.Kind{"taken": secrets.NameTaken, "a": secrets.NameTaken, "both": secrets.InvalidValue, "c": secrets.QuotaExceeded}
	if len(failed) != len(want) {
		t.Fatalf("failures %v, want %v", failed, want)
	}
	for _, f := range failed {
		if secrets.KindOf(f.Err) != want[f.Name] {
			t.Errorf("%s failed with %v, want kind %d", f.Name, f.Err, want[f.Name])
		}
	}
	for name, value := range map[string]string{"a": "1", "b": "2", "taken": "kept"} {
		_, v, err := svc.ShowVersion(project, name, "latest")
		if err != nil || *v.Value.String != value {
			t.Errorf("%s: %v, %v; want the value %q", name, v, err, value)
		}
	}
	page, err := svc.List(project, 0, "", "")
	if err != nil || len(page.Items) != 3 {
		t.Fatalf("the project holds %d secrets (%v), want 3", len(page.Items), err)
	}
}
