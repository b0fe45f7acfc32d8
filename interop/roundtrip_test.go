package interop

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/csmskit/csmskit/mock"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// backupPrefix starts every secret_blob, as in the vendor's example on the backup page.
const backupPrefix = ")CloudSecretManagementBackupV1.com"

// TestBackupRoundTrip drives a secret with two versions through backup, deletion and restore
// with the SDK, and reads both versions and their stages back.
func TestBackupRoundTrip(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	const name = "interop-roundtrip"

	created, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name:         name,
		SecretString: ptr("one"),
		Description:  ptr("made by the interop test"),
	}})
	must(t, "CreateSecret", err)
	if created.HttpStatusCode != 200 || created.Secret == nil {
		t.Fatalf("CreateSecret: status %d, secret %v", created.HttpStatusCode, created.Secret)
	}
	if got := str(created.Secret.Name); got != name {
		t.Errorf("CreateSecret: name %q, want %q", got, name)
	}
	if got := str(created.Secret.State); got != "ENABLED" {
		t.Errorf("CreateSecret: state %q, want ENABLED", got)
	}
	if created.Secret.Id == nil || created.Secret.CreateTime == nil {
		t.Errorf("CreateSecret: id %v, create_time %v; want both", created.Secret.Id, created.Secret.CreateTime)
	}

	v2, err := c.CreateSecretVersion(&model.CreateSecretVersionRequest{
		SecretName: name,
		Body:       &model.CreateSecretVersionRequestBody{SecretString: ptr("two")},
	})
	must(t, "CreateSecretVersion", err)
	if v2.VersionMetadata == nil {
		t.Fatal("CreateSecretVersion: no version_metadata")
	}
	if got := str(v2.VersionMetadata.Id); got != "v2" {
		t.Errorf("CreateSecretVersion: id %q, want v2", got)
	}
	if got := str(v2.VersionMetadata.SecretName); got != name {
		t.Errorf("CreateSecretVersion: secret_name %q, want %q", got, name)
	}
	if v2.VersionMetadata.VersionStages == nil || !slices.Contains(*v2.VersionMetadata.VersionStages, "SYSCURRENT") {
		t.Errorf("CreateSecretVersion: stages %v, want SYSCURRENT", v2.VersionMetadata.VersionStages)
	}

	backup, err := c.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: name})
	must(t, "DownloadSecretBlob", err)
	blob := str(backup.SecretBlob)
	if !strings.HasPrefix(blob, backupPrefix) {
		t.Fatalf("DownloadSecretBlob: blob starts %.40q, want prefix %q", blob, backupPrefix)
	}
	if n := strings.Count(strings.TrimPrefix(blob, backupPrefix), "."); n != 4 {
		t.Errorf("DownloadSecretBlob: JWE has %d dots, want 4 (five segments)", n)
	}

	deleted, err := c.DeleteSecret(&model.DeleteSecretRequest{SecretName: name})
	must(t, "DeleteSecret", err)
	if deleted.HttpStatusCode != 200 {
		t.Errorf("DeleteSecret: status %d, want 200", deleted.HttpStatusCode)
	}
	_, err = c.ShowSecret(&model.ShowSecretRequest{SecretName: name})
	if se := serviceError(t, err); se.ErrorCode != "CSMS.0106" {
		t.Errorf("ShowSecret after DeleteSecret: %v; want CSMS.0106", se)
	}

	restored, err := c.UploadSecretBlob(&model.UploadSecretBlobRequest{
		Body: &model.UploadSecretBlobRequestBody{SecretBlob: blob},
	})
	must(t, "UploadSecretBlob", err)
	if restored.Secret == nil || str(restored.Secret.Name) != name {
		t.Fatalf("UploadSecretBlob: secret %v, want %q", restored.Secret, name)
	}
	if got := str(restored.Secret.State); got != "ENABLED" {
		t.Errorf("UploadSecretBlob: state %q, want ENABLED", got)
	}

	for id, want := range map[string]string{"v1": "one", "v2": "two"} {
		v, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: id})
		must(t, "ShowSecretVersion "+id, err)
		if v.Version == nil {
			t.Fatalf("ShowSecretVersion %s: no version", id)
		}
		if got := str(v.Version.SecretString); got != want {
			t.Errorf("ShowSecretVersion %s: secret_string %q, want %q", id, got, want)
		}
		if v.Version.SecretBinary != nil {
			t.Errorf("ShowSecretVersion %s: secret_binary %q, want none", id, *v.Version.SecretBinary)
		}
		if md := v.Version.VersionMetadata; md == nil || str(md.Id) != id || str(md.SecretName) != name {
			t.Errorf("ShowSecretVersion %s: version_metadata %+v", id, md)
		}
	}

	versions, err := c.ListSecretVersions(&model.ListSecretVersionsRequest{SecretName: name})
	must(t, "ListSecretVersions", err)
	if versions.VersionMetadatas == nil {
		t.Fatal("ListSecretVersions: no version_metadatas")
	}
	stages := map[string][]string{}
	for _, md := range *versions.VersionMetadatas {
		if md.VersionStages != nil {
			stages[str(md.Id)] = *md.VersionStages
		} else {
			stages[str(md.Id)] = nil
		}
	}
	if len(stages) != 2 || !slices.Equal(stages["v1"], []string{"SYSPREVIOUS"}) || !slices.Equal(stages["v2"], []string{"SYSCURRENT"}) {
		t.Errorf("ListSecretVersions: stages %v; want v1 [SYSPREVIOUS], v2 [SYSCURRENT]", stages)
	}
	if pi := versions.PageInfo; pi == nil || pi.CurrentCount == nil || *pi.CurrentCount != 2 {
		t.Errorf("ListSecretVersions: page_info %+v, want current_count 2", pi)
	}

	// Restoring onto the name that now exists again must fail with a CSMS error body.
	_, err = c.UploadSecretBlob(&model.UploadSecretBlobRequest{
		Body: &model.UploadSecretBlobRequestBody{SecretBlob: blob},
	})
	if se := serviceError(t, err); se.StatusCode != 400 || !strings.HasPrefix(se.ErrorCode, "CSMS.") {
		t.Errorf("UploadSecretBlob onto an existing name: %v; want 400 CSMS.*", se)
	}
}

// TestShowAndListSecrets checks that the SDK parses the mock's secret metadata and its
// paginated listing.
func TestShowAndListSecrets(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)
	before := time.Now().Add(-time.Minute).UnixMilli()

	shown, err := c.ShowSecret(&model.ShowSecretRequest{SecretName: mock.DemoSecretName})
	must(t, "ShowSecret", err)
	s := shown.Secret
	if s == nil {
		t.Fatal("ShowSecret: no secret")
	}
	if str(s.Name) != mock.DemoSecretName || str(s.State) != "ENABLED" || str(s.Id) == "" || str(s.KmsKeyId) == "" {
		t.Errorf("ShowSecret: name %q state %q id %q kms_key_id %q", str(s.Name), str(s.State), str(s.Id), str(s.KmsKeyId))
	}
	if s.SecretType == nil || s.SecretType.Value() != "COMMON" {
		t.Errorf("ShowSecret: secret_type %v, want COMMON", s.SecretType)
	}
	// Epoch milliseconds, as in every vendor example: a seconds value would be far smaller.
	if s.CreateTime == nil || *s.CreateTime < before {
		t.Errorf("ShowSecret: create_time %v, want epoch milliseconds after %d", s.CreateTime, before)
	}

	_, err = c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name:         "interop-list",
		SecretBinary: ptr("AAEC"),
		SecretType:   ptr(model.GetCreateSecretRequestBodySecretTypeEnum().COMMON),
	}})
	must(t, "CreateSecret", err)

	all, err := c.ListSecrets(&model.ListSecretsRequest{})
	must(t, "ListSecrets", err)
	if all.Secrets == nil || len(*all.Secrets) != 2 {
		t.Fatalf("ListSecrets: secrets %v, want 2", all.Secrets)
	}
	if all.PageInfo == nil || all.PageInfo.CurrentCount == nil || *all.PageInfo.CurrentCount != 2 {
		t.Errorf("ListSecrets: page_info %+v, want current_count 2", all.PageInfo)
	}

	// One at a time: the first page's next_marker leads to the second page.
	var names []string
	var marker *string
	for page := 0; page < 3; page++ {
		resp, err := c.ListSecrets(&model.ListSecretsRequest{Limit: ptr("1"), Marker: marker})
		must(t, "ListSecrets limit 1", err)
		if resp.Secrets == nil || len(*resp.Secrets) > 1 {
			t.Fatalf("ListSecrets limit 1: secrets %v", resp.Secrets)
		}
		for _, s := range *resp.Secrets {
			names = append(names, str(s.Name))
		}
		if resp.PageInfo == nil || str(resp.PageInfo.NextMarker) == "" {
			break
		}
		marker = resp.PageInfo.NextMarker
	}
	slices.Sort(names)
	if want := []string{mock.DemoSecretName, "interop-list"}; !slices.Equal(names, want) {
		t.Errorf("ListSecrets paged: %v, want %v", names, want)
	}

	v1, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: "interop-list", VersionId: "v1"})
	must(t, "ShowSecretVersion", err)
	if v1.Version == nil || str(v1.Version.SecretBinary) != "AAEC" || v1.Version.SecretString != nil {
		t.Errorf("ShowSecretVersion of a binary secret: %+v", v1.Version)
	}
}
