package mock_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// A due automatic rotation happens once however many replicas find it due at the same time:
// each secret gains one version and one task per period that passes.
func TestReplicasRotateDueSecretsOnce(t *testing.T) {
	var clk clock
	r := startReplicas(t, "", 3, clk.editor())
	const n = 12
	for i := range n {
		r[i%3].createRDS(fmt.Sprintf("rotating-%02d", i), `{"password":"p"}`, `,"auto_rotation":true,"rotation_period":"1d"`)
	}
	r[0].createRDS("manual", `{"password":"p"}`, "")
	for day := 1; day <= 2; day++ {
		clk.advance(24*time.Hour + time.Minute)
		allAtOnce(t, r, (*mock.Server).RotateDue)
		list := r[day%3].tasks("?limit=1000")
		if list.Total != n*day {
			t.Errorf("day %d: %d tasks, want %d", day, list.Total, n*day)
		}
		perSecret := map[string]int{}
		for _, task := range list.Tasks {
			if task.Status != "SUCCESS" || task.Operate != "AUTOMATIC" {
				t.Errorf("task %+v", task)
			}
			perSecret[task.Secret]++
		}
		for i := range n {
			name := fmt.Sprintf("rotating-%02d", i)
			if perSecret[name] != day {
				t.Errorf("day %d: %s rotated %d times", day, name, perSecret[name])
			}
			if v := r[i%3].version(name, "latest"); v.Version.Meta.ID != fmt.Sprintf("v%d", day+1) {
				t.Errorf("day %d: %s is at %s", day, name, v.Version.Meta.ID)
			}
		}
		if v := r[1].version("manual", "latest"); v.Version.Meta.ID != "v1" {
			t.Errorf("a secret without automatic rotation rotated to %s", v.Version.Meta.ID)
		}
	}
	// Nothing is due until the next period.
	allAtOnce(t, r, (*mock.Server).RotateDue)
	if got := r[0].tasks(""); got.Total != 2*n {
		t.Errorf("a pass with nothing due made %d tasks", got.Total-2*n)
	}
}
