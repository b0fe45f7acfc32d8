package account_test

import (
	"errors"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/store"
)

func TestTemplates(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range [][3]string{
		{"RDS-FG", "SingleUser", "mysql"}, {"RDS-FG", "MultiUser", "mysql"}, {"RDS-FG", "SingleUser", "postgresql"},
		{"RDS-FG", "SingleUser", "sqlserver"}, {"GaussDB-FG", "SingleUser", ""}, {"GaussDB-FG", "MultiUser", ""},
	} {
		got, err := account.Template(c[0], c[1], c[2])
		if err != nil || got == "" || seen[got] {
			t.Errorf("Template%v = %q, %v; want a template of its own", c, got, err)
		}
		seen[got] = true
	}
	for _, c := range [][3]string{
		{"RDS-FG", "SingleUser", ""}, {"RDS-FG", "SingleUser", "oracle"}, {"GaussDB-FG", "SingleUser", "mysql"},
		{"COMMON", "SingleUser", ""}, {"RDS-FG", "Both", "mysql"},
	} {
		var e *account.Error
		if _, err := account.Template(c[0], c[1], c[2]); !errors.As(err, &e) || e.Kind != account.InvalidValue {
			t.Errorf("Template%v: %v, want InvalidValue", c, err)
		}
	}
}

func TestAgenciesAreCreatedOnce(t *testing.T) {
	svc := account.New(store.NewMemory(), time.Now)
	if ok, err := svc.Granted(account.RDS); ok || err != nil {
		t.Fatalf("Granted before any creation = %v, %v", ok, err)
	}
	first, err := svc.CreateAgencies(account.RDS)
	if err != nil || len(first) != 2 || first[0].Existed || first[1].Existed {
		t.Fatalf("first CreateAgencies = %+v, %v; want two new agencies", first, err)
	}
	again, err := svc.CreateAgencies(account.GaussDB)
	if err != nil || len(again) != 2 || again[0] != (account.Agency{Name: first[0].Name, ID: first[0].ID, Existed: true}) {
		t.Fatalf("second CreateAgencies = %+v, %v; want the same agencies, existing", again, err)
	}
	for _, typ := range []string{account.RDS, account.GaussDB} {
		if ok, err := svc.Granted(typ); !ok || err != nil {
			t.Errorf("Granted(%s) = %v, %v; want true", typ, ok, err)
		}
	}
	if _, err := svc.CreateAgencies("COMMON"); err == nil {
		t.Error("CreateAgencies(COMMON) succeeded")
	}
	if err := svc.DropAll(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := svc.Granted(account.RDS); ok {
		t.Error("Granted after DropAll = true")
	}
}
