package secrets_test

import (
	"encoding/base64"
	"testing"

	"github.com/csmskit/csmskit/mock/secrets"
)

func TestCheckerJudgesCurrentValuesByTheConfiguration(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreate(t, svc, "short", "Ab1!")
	mustCreate(t, svc, "plain", "alllowercaseletters")
	mustCreate(t, svc, "strong", "Long-enough-1")
	bin := base64.StdEncoding.EncodeToString([]byte("Bytes-0123"))
	if _, err := svc.Create(project, secrets.NewSecret{Name: "binary", Value: secrets.Value{Binary: &bin}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddVersion(project, "short", secrets.NewVersion{Value: str("Now-strong-2")}); err != nil {
		t.Fatal(err)
	}

	if c, err := svc.CheckerConfig(project); err != nil || !c.CheckingSecretStrength {
		t.Fatalf("a project's checking is on until it is turned off: %+v, %v", c, err)
	}
	c, judged, err := svc.CheckSecrets(project, secrets.StrengthCheck, nil)
	if err != nil || !c.CheckingSecretStrength {
		t.Fatal(c, err)
	}
	want := []struct {
		name   string
		strong bool
	}{{"binary", true}, {"plain", false}, {"short", true}, {"strong", true}}
	if len(judged) != len(want) {
		t.Fatalf("judged %v", judged)
	}
	for i, w := range want {
		if judged[i].Name != w.name || judged[i].Strong != w.strong || judged[i].Strong != (len(judged[i].Reasons) == 0) {
			t.Errorf("judged[%d] = %+v, want %s strong=%v", i, judged[i], w.name, w.strong)
		}
	}

	_, judged, err = svc.CheckSecrets(project, secrets.StrengthCheck, []string{"plain", "plain"})
	if err != nil || len(judged) != 1 || judged[0].Strong {
		t.Fatalf("the named secret only, once: %v, %v", judged, err)
	}
	_, _, err = svc.CheckSecrets(project, secrets.StrengthCheck, []string{"missing"})
	wantKind(t, err, secrets.NotFound)
	_, _, err = svc.CheckSecrets(project, "2", nil)
	wantKind(t, err, secrets.CheckNotSupported)

	off := false
	if c, err := svc.SetCheckerConfig(project, &off); err != nil || c.CheckingSecretStrength {
		t.Fatal(c, err)
	}
	if c, err := svc.SetCheckerConfig(project, nil); err != nil || c.CheckingSecretStrength {
		t.Fatalf("a body without the field changes nothing: %+v, %v", c, err)
	}
	if c, judged, err := svc.CheckSecrets(project, secrets.StrengthCheck, nil); err != nil || c.CheckingSecretStrength || len(judged) != 0 {
		t.Fatalf("checking off judges none: %+v, %v, %v", c, judged, err)
	}
	if c, err := svc.CheckerConfig("another0project0000000000000000"); err != nil || !c.CheckingSecretStrength {
		t.Fatalf("the configuration is the project's: %+v, %v", c, err)
	}
}
