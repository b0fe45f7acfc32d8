package interop

import (
	"slices"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// The operations infrastructure-as-code tools call, driven by the vendor's SDK: what each sends
// must pass the mock's contract checks (csmsmocktest.Start fails the test on a request that
// breaks the contract), and what the mock answers must fill the SDK's models.

func TestSettingsUpdateAndEventFilter(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	created, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name: "rotated", SecretString: ptr("v"),
		AutoRotation: ptr(true), RotationPeriod: ptr("30d"), RotationConfig: ptr(`{"k":"v"}`),
		EventSubscriptions: ptr([]string{"expiry-event"}), RotationFuncUrn: ptr("urn:fss:cn-north-4:fn"),
		EnterpriseProjectId: ptr("0"),
	}})
	must(t, "CreateSecret", err)
	s := created.Secret
	if s.AutoRotation == nil || !*s.AutoRotation || str(s.RotationPeriod) != "30d" || str(s.RotationConfig) != `{"k":"v"}` ||
		s.EventSubscriptions == nil || !slices.Equal(*s.EventSubscriptions, []string{"expiry-event"}) || str(s.RotationFuncUrn) != "urn:fss:cn-north-4:fn" {
		t.Errorf("CreateSecret dropped settings: %+v", s)
	}
	updated, err := c.UpdateSecret(&model.UpdateSecretRequest{SecretName: "rotated", Body: &model.UpdateSecretRequestBody{
		Description: ptr("changed"), AutoRotation: ptr(false),
	}})
	must(t, "UpdateSecret", err)
	if str(updated.Secret.Description) != "changed" || *updated.Secret.AutoRotation || str(updated.Secret.RotationPeriod) != "30d" {
		t.Errorf("UpdateSecret: %+v", updated.Secret)
	}
	_, err = c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{Name: "plain", SecretString: ptr("v")}})
	must(t, "CreateSecret", err)
	listed, err := c.ListSecrets(&model.ListSecretsRequest{EventName: ptr("expiry-event")})
	must(t, "ListSecrets", err)
	if listed.Secrets == nil || len(*listed.Secrets) != 1 || str((*listed.Secrets)[0].Name) != "rotated" {
		t.Errorf("ListSecrets by event: %+v", listed.Secrets)
	}
}

func TestVersionsExpiryAndStages(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	_, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{Name: "staged", SecretString: ptr("one")}})
	must(t, "CreateSecret", err)
	v2, err := c.CreateSecretVersion(&model.CreateSecretVersionRequest{SecretName: "staged",
		Body: &model.CreateSecretVersionRequestBody{SecretString: ptr("two"), ExpireTime: ptr(int64(1893456000))}})
	must(t, "CreateSecretVersion", err)
	if v2.VersionMetadata.ExpireTime == nil || *v2.VersionMetadata.ExpireTime != 1893456000 {
		t.Errorf("expire_time sent with the version: %v", v2.VersionMetadata.ExpireTime)
	}
	_, err = c.UpdateVersion(&model.UpdateVersionRequest{SecretName: "staged", VersionId: "v1",
		Body: &model.UpdateVersionRequestBody{ExpireTime: 1924992000}})
	must(t, "UpdateVersion", err)
	v1, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: "staged", VersionId: "v1"})
	must(t, "ShowSecretVersion", err)
	if m := v1.Version.VersionMetadata; m.ExpireTime == nil || *m.ExpireTime != 1924992000 {
		t.Errorf("UpdateVersion's expire_time: %+v", m)
	}

	moved, err := c.UpdateSecretStage(&model.UpdateSecretStageRequest{SecretName: "staged", StageName: "blue",
		Body: &model.UpdateSecretStageRequestBody{VersionId: "v1"}})
	must(t, "UpdateSecretStage", err)
	if moved.Stage == nil || str(moved.Stage.VersionId) != "v1" || str(moved.Stage.Name) != "blue" {
		t.Errorf("UpdateSecretStage: %+v", moved.Stage)
	}
	shown, err := c.ShowSecretStage(&model.ShowSecretStageRequest{SecretName: "staged", StageName: "SYSCURRENT"})
	must(t, "ShowSecretStage", err)
	if str(shown.Stage.VersionId) != "v2" || shown.Stage.UpdateTime == nil {
		t.Errorf("ShowSecretStage: %+v", shown.Stage)
	}
	deleted, err := c.DeleteSecretStage(&model.DeleteSecretStageRequest{SecretName: "staged", StageName: "blue"})
	must(t, "DeleteSecretStage", err)
	if deleted.HttpStatusCode != 204 {
		t.Errorf("DeleteSecretStage: status %d, want 204", deleted.HttpStatusCode)
	}
	se := serviceError(t, ignore(c.DeleteSecretStage(&model.DeleteSecretStageRequest{SecretName: "staged", StageName: "SYSCURRENT"})))
	if se.StatusCode != 400 || se.ErrorCode != "CSMS.0002" {
		t.Errorf("deleting SYSCURRENT: %d %s", se.StatusCode, se.ErrorCode)
	}

	// The 21st version retires the oldest one without a stage (v1 lost "blue" above).
	for i := 3; i <= 21; i++ {
		_, err := c.CreateSecretVersion(&model.CreateSecretVersionRequest{SecretName: "staged",
			Body: &model.CreateSecretVersionRequestBody{SecretString: ptr("v")}})
		must(t, "CreateSecretVersion", err)
	}
	listed, err := c.ListSecretVersions(&model.ListSecretVersionsRequest{SecretName: "staged", Limit: ptr(int32(1000))})
	must(t, "ListSecretVersions", err)
	ids := []string{}
	for _, m := range *listed.VersionMetadatas {
		ids = append(ids, str(m.Id))
	}
	if len(ids) != 20 || ids[0] != "v2" || ids[19] != "v21" {
		t.Errorf("after 21 versions: %v", ids)
	}
}

func TestTagsByID(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	made := map[string]string{}
	for _, name := range []string{"billing-db", "search-db"} {
		created, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{Name: name, SecretString: ptr("v")}})
		must(t, "CreateSecret", err)
		made[name] = str(created.Secret.Id)
	}
	billing := made["billing-db"]
	added, err := c.CreateSecretTag(&model.CreateSecretTagRequest{SecretId: billing,
		Body: &model.CreateSecretTagRequestBody{Tag: &model.TagItem{Key: "team", Value: ptr("billing")}}})
	must(t, "CreateSecretTag", err)
	if added.HttpStatusCode != 204 {
		t.Errorf("CreateSecretTag: status %d, want 204", added.HttpStatusCode)
	}
	_, err = c.BatchCreateOrDeleteTags(&model.BatchCreateOrDeleteTagsRequest{SecretId: made["search-db"],
		Body: &model.BatchCreateOrDeleteTagsRequestBody{Action: "create", Tags: []model.TagItem{
			{Key: "team", Value: ptr("search")}, {Key: "env", Value: ptr("prod")},
		}}})
	must(t, "BatchCreateOrDeleteTags", err)

	tags, err := c.ListSecretTags(&model.ListSecretTagsRequest{SecretId: billing})
	must(t, "ListSecretTags", err)
	if tags.Tags == nil || len(*tags.Tags) != 1 || (*tags.Tags)[0].Key != "team" || str((*tags.Tags)[0].Value) != "billing" {
		t.Errorf("ListSecretTags: %+v", tags.Tags)
	}
	all, err := c.ListProjectSecretsTags(&model.ListProjectSecretsTagsRequest{})
	must(t, "ListProjectSecretsTags", err)
	got := map[string][]string{}
	for _, tg := range *all.Tags {
		got[str(tg.Key)] = *tg.Values
	}
	if !slices.Equal(got["team"], []string{"billing", "search"}) || !slices.Equal(got["env"], []string{"prod"}) {
		t.Errorf("ListProjectSecretsTags: %v", got)
	}

	found, err := c.ListResourceInstances(&model.ListResourceInstancesRequest{ResourceInstances: "resource_instances",
		Body: &model.ListResourceInstancesRequestBody{Action: "filter", Limit: ptr("10"),
			Tags: &[]model.Tag{{Key: ptr("team"), Values: &[]string{"search", "ops"}}}}})
	must(t, "ListResourceInstances filter", err)
	if found.TotalCount == nil || *found.TotalCount != 1 || len(*found.Resources) != 1 || str((*found.Resources)[0].ResourceName) != "search-db" ||
		str((*found.Resources)[0].ResourceId) != made["search-db"] || (*found.Resources)[0].ResourceDetail == nil {
		t.Errorf("ListResourceInstances filter: %+v", found)
	}
	counted, err := c.ListResourceInstances(&model.ListResourceInstancesRequest{ResourceInstances: "resource_instances",
		Body: &model.ListResourceInstancesRequestBody{Action: "count", Tags: &[]model.Tag{{Key: ptr("team"), Values: &[]string{}}}}})
	must(t, "ListResourceInstances count", err)
	if counted.TotalCount == nil || *counted.TotalCount != 2 {
		t.Errorf("ListResourceInstances count: %+v", counted)
	}

	_, err = c.DeleteSecretTag(&model.DeleteSecretTagRequest{SecretId: billing, Key: "team"})
	must(t, "DeleteSecretTag", err)
	if tags, _ := c.ListSecretTags(&model.ListSecretTagsRequest{SecretId: billing}); len(*tags.Tags) != 0 {
		t.Errorf("after DeleteSecretTag: %+v", tags.Tags)
	}
	se := serviceError(t, ignore(c.ListSecretTags(&model.ListSecretTagsRequest{SecretId: "00000000-0000-4000-8000-000000000000"})))
	if se.StatusCode != 404 || se.ErrorCode != "CSMS.0106" {
		t.Errorf("tags of an unknown id: %d %s", se.StatusCode, se.ErrorCode)
	}
}

func TestGenerateRandomPassword(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	res, err := c.GenerateRandomPassword(&model.GenerateRandomPasswordRequest{Body: &model.CreatePasswordRequestBody{
		Length: ptr(int32(40)), ExcludePunctuation: ptr(true), RequireEachIncludedType: ptr(true),
	}})
	must(t, "GenerateRandomPassword", err)
	p := str(res.Password)
	if len(p) != 40 || strings.ContainsAny(p, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") {
		t.Errorf("password %q", p)
	}
}

// ignore keeps an SDK call's error and drops its answer.
func ignore[T any](_ T, err error) error { return err }
