package interop

import (
	"net/http"
	"testing"
	"time"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// TestScheduledDeletion schedules a deletion with DeleteSecretForSchedule, checks that a
// pending secret refuses a backup, and cancels the deletion with the SDK's RestoreSecret.
func TestScheduledDeletion(t *testing.T) {
	// The last request asks for a recovery window the contract refuses, on purpose.
	srv := csmsmocktest.Start(t, csmsmocktest.AllowRequestViolations())
	c := csmsmocksdk.Client(t, srv)
	const name = "interop-scheduled"
	_, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name: name, SecretString: ptr("one"),
	}})
	must(t, "CreateSecret", err)

	start := time.Now()
	scheduled, err := c.DeleteSecretForSchedule(&model.DeleteSecretForScheduleRequest{
		SecretName: name,
		Body:       &model.DeleteSecretForScheduleRequestBody{RecoveryWindowInDays: 7},
	})
	must(t, "DeleteSecretForSchedule", err)
	s := scheduled.Secret
	if s == nil {
		t.Fatal("DeleteSecretForSchedule: no secret")
	}
	if got := str(s.State); got != "PENDING_DELETE" {
		t.Errorf("DeleteSecretForSchedule: state %q, want PENDING_DELETE", got)
	}
	// Seven days from now, in epoch milliseconds (give the clocks a minute either way).
	want := start.Add(7 * 24 * time.Hour)
	if s.ScheduledDeleteTime == nil ||
		*s.ScheduledDeleteTime < want.Add(-time.Minute).UnixMilli() ||
		*s.ScheduledDeleteTime > want.Add(time.Minute).UnixMilli() {
		t.Errorf("DeleteSecretForSchedule: scheduled_delete_time %v, want about %d", s.ScheduledDeleteTime, want.UnixMilli())
	}

	_, err = c.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: name})
	if se := serviceError(t, err); se.StatusCode != http.StatusBadRequest || se.ErrorCode != "CSMS.0103" {
		t.Errorf("DownloadSecretBlob of a pending secret: %v; want 400 CSMS.0103", se)
	}
	_, err = c.DeleteSecretForSchedule(&model.DeleteSecretForScheduleRequest{
		SecretName: name,
		Body:       &model.DeleteSecretForScheduleRequestBody{RecoveryWindowInDays: 7},
	})
	if se := serviceError(t, err); se.StatusCode != http.StatusBadRequest || se.ErrorCode != "CSMS.0107" {
		t.Errorf("DeleteSecretForSchedule twice: %v; want 400 CSMS.0107", se)
	}

	restored, err := c.RestoreSecret(&model.RestoreSecretRequest{SecretName: name})
	must(t, "RestoreSecret", err)
	if restored.Secret == nil || str(restored.Secret.State) != "ENABLED" {
		t.Fatalf("RestoreSecret: secret %v, want state ENABLED", restored.Secret)
	}
	_, err = c.RestoreSecret(&model.RestoreSecretRequest{SecretName: name})
	if se := serviceError(t, err); se.StatusCode != http.StatusBadRequest || se.ErrorCode != "CSMS.0108" {
		t.Errorf("RestoreSecret with nothing to cancel: %v; want 400 CSMS.0108", se)
	}

	_, err = c.DeleteSecretForSchedule(&model.DeleteSecretForScheduleRequest{
		SecretName: name,
		Body:       &model.DeleteSecretForScheduleRequestBody{RecoveryWindowInDays: 6},
	})
	if se := serviceError(t, err); se.StatusCode != http.StatusBadRequest {
		t.Errorf("DeleteSecretForSchedule with 6 days: %v; want 400", se)
	}
}
