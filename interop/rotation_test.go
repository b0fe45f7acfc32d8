package interop

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// TestRotation rotates a database secret with the SDK's RotateSecret, finds the task with
// ListSecretTask, and reads the new version as "latest", SYSCURRENT, and the former one as
// SYSPREVIOUS; a common secret is refused as the service refuses it.
func TestRotation(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	const name = "interop-rotated"
	rds := model.GetCreateSecretRequestBodySecretTypeEnum().RDS_FG
	_, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name: name, SecretType: &rds, SecretString: ptr(`{"username":"app","password":"first"}`),
	}})
	must(t, "CreateSecret", err)

	rotated, err := c.RotateSecret(&model.RotateSecretRequest{SecretName: name})
	must(t, "RotateSecret", err)
	if str(rotated.SecretName) != name || str(rotated.VersionId) != "v2" || str(rotated.RotationTaskId) == "" {
		t.Fatalf("RotateSecret: %v", rotated)
	}

	success := model.GetListSecretTaskRequestStatusEnum().SUCCESS
	tasks, err := c.ListSecretTask(&model.ListSecretTaskRequest{SecretName: ptr(name), Status: &success, Limit: ptr(int32(10))})
	must(t, "ListSecretTask", err)
	if tasks.Total == nil || *tasks.Total != 1 || tasks.Tasks == nil || len(*tasks.Tasks) != 1 || tasks.NextMarker != nil {
		t.Fatalf("ListSecretTask: %v", tasks)
	}
	task := (*tasks.Tasks)[0]
	if str(task.TaskId) != str(rotated.RotationTaskId) || str(task.SecretName) != name || str(task.TaskStatus) != "SUCCESS" ||
		task.TaskTime == nil || task.AttemptNums == nil || *task.AttemptNums != 1 {
		t.Errorf("the task: %v", task)
	}

	latest, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: "latest"})
	must(t, "ShowSecretVersion latest", err)
	meta := latest.Version.VersionMetadata
	if str(meta.Id) != "v2" || meta.VersionStages == nil || !slices.Equal(*meta.VersionStages, []string{"SYSCURRENT"}) {
		t.Errorf("latest: %v", meta)
	}
	var value map[string]string
	if json.Unmarshal([]byte(str(latest.Version.SecretString)), &value) != nil || value["username"] != "app" ||
		value["password"] == "first" || len(value["password"]) != 32 {
		t.Errorf("the rotated value %q keeps the username and has a new password of 32 characters", str(latest.Version.SecretString))
	}
	first, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: "v1"})
	must(t, "ShowSecretVersion v1", err)
	if stages := first.Version.VersionMetadata.VersionStages; stages == nil || !slices.Equal(*stages, []string{"SYSPREVIOUS"}) {
		t.Errorf("v1 stages: %v", stages)
	}

	_, err = c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name: "interop-common", SecretString: ptr("v"),
	}})
	must(t, "CreateSecret", err)
	_, err = c.RotateSecret(&model.RotateSecretRequest{SecretName: "interop-common"})
	if se := serviceError(t, err); se.StatusCode != http.StatusBadRequest || se.ErrorCode != "CSMS.0003" {
		t.Errorf("RotateSecret of a common secret: %v; want 400 CSMS.0003", se)
	}
}
