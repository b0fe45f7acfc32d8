package mock

import "testing"

// Every operation of the contract has a generated handler and, unless its page says none is
// needed, the IAM action it needs: the pipeline would otherwise reach a nil handler.
func TestEveryOperationIsServed(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.operations) < 26 {
		t.Fatalf("%d operations", len(s.operations))
	}
	for _, op := range s.operations {
		if op.handler == nil {
			t.Errorf("%s has no handler", op.key)
		}
	}
	show := s.contract.CSMS.Paths.Find("/v1/{project_id}/secrets/{secret_name}/versions/{version_id}").Get
	if op := s.operations[show]; op.action != "csms:secret:getVersion" || len(op.aliases) != 1 || op.aliases[0] != "csms:secretVersion:get" {
		t.Errorf("ShowSecretVersion: %q %v", op.action, op.aliases)
	}
}
