package secrets_test

import (
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
)

func grantOf(sec *secrets.Secret, grantee, validity string) secrets.GrantRequest {
	return secrets.GrantRequest{ResourceID: sec.ID, Type: secrets.GrantSecret, GranteeType: "0", Grantee: grantee, ValidityTime: validity}
}

func granteesOf(t *testing.T, svc *secrets.Service, id string) map[string]int64 {
	t.Helper()
	got, err := svc.Grants(project, id)
	if err != nil {
		t.Fatalf("grants of %s: %v", id, err)
	}
	out := map[string]int64{}
	for _, g := range got.Grants {
		out[g.Grantee] = g.ValidityTime
	}
	return out
}

func TestGrantsAreKeptChangedAndRevoked(t *testing.T) {
	svc, clk := newService(t, 0)
	sec := mustCreate(t, svc, "granted", "v")
	g, err := svc.CreateGrant(project, grantOf(sec, "alice", "1893456000000"))
	if err != nil || g.ID == "" || g.ResourceID != sec.ID || g.ValidityTime != 1893456000000 {
		t.Fatalf("CreateGrant = %+v, %v", g, err)
	}
	if _, err := svc.CreateGrant(project, grantOf(sec, "bob", "")); err != nil {
		t.Fatal(err)
	}
	_, err = svc.CreateGrant(project, grantOf(sec, "alice", ""))
	wantKind(t, err, secrets.GrantExists)

	clk.t = clk.t.Add(time.Minute)
	changed, err := svc.UpdateGrant(project, sec.ID, grantOf(sec, "alice", "1924992000000"))
	if err != nil || changed.ID != g.ID || changed.ValidityTime != 1924992000000 || changed.UpdateTime <= g.UpdateTime {
		t.Fatalf("UpdateGrant = %+v, %v", changed, err)
	}
	if got := granteesOf(t, svc, sec.ID); len(got) != 2 || got["alice"] != 1924992000000 || got["bob"] != 0 {
		t.Fatalf("grantees %v", got)
	}
	if err := svc.DeleteGrant(project, sec.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	wantKind(t, svc.DeleteGrant(project, sec.ID, "bob"), secrets.ResourceNotFound)
	if got := granteesOf(t, svc, sec.ID); len(got) != 1 || got["alice"] == 0 {
		t.Fatalf("grantees after revoking bob: %v", got)
	}
	if err := svc.DeleteGrant(project, sec.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := granteesOf(t, svc, sec.ID); len(got) != 0 {
		t.Fatalf("grantees after revoking all: %v", got)
	}
}

func TestGrantsRefuseWhatTheyCannotKeep(t *testing.T) {
	svc, _ := newService(t, 0)
	sec := mustCreate(t, svc, "granted", "v")
	_, err := svc.CreateGrant(project, grantOf(sec, "alice", "tomorrow"))
	wantKind(t, err, secrets.InvalidValue)
	group := grantOf(sec, "alice", "")
	group.Type = secrets.GrantGroup
	_, err = svc.CreateGrant(project, group)
	wantKind(t, err, secrets.ResourceNotFound)
	_, err = svc.CreateGrant(project, secrets.GrantRequest{ResourceID: "no-such-id", Type: secrets.GrantSecret, Grantee: "alice"})
	wantKind(t, err, secrets.NotFound)
	_, err = svc.UpdateGrant(project, sec.ID, grantOf(sec, "nobody", ""))
	wantKind(t, err, secrets.ResourceNotFound)
	_, err = svc.UpdateGrant(project, "another-id", grantOf(sec, "alice", ""))
	wantKind(t, err, secrets.InvalidValue)
	if got := granteesOf(t, svc, sec.ID); len(got) != 0 {
		t.Fatalf("refused grants were kept: %v", got)
	}
}

func TestDeletingASecretDropsItsGrants(t *testing.T) {
	svc, _ := newService(t, 0)
	sec := mustCreate(t, svc, "granted", "v")
	if _, err := svc.CreateGrant(project, grantOf(sec, "alice", "")); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(project, "granted"); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Grants(project, sec.ID)
	wantKind(t, err, secrets.NotFound)
	again := mustCreate(t, svc, "granted", "v")
	if got := granteesOf(t, svc, again.ID); len(got) != 0 {
		t.Fatalf("a new secret of the name inherits grants: %v", got)
	}
}

func TestGrantInEffectUntilItsValidity(t *testing.T) {
	g := secrets.Grant{ValidityTime: 1000}
	if !g.InEffect(999) || g.InEffect(1000) || !(secrets.Grant{}).InEffect(1<<62) {
		t.Fatal("a grant is in effect before its validity time, and always without one")
	}
}
