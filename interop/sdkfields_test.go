package interop

import (
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/csmskit/csmskit/mock"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// TestSDKOnlyFieldsAccepted checks that request fields the SDK models but the contract does
// not list (rotation and event settings, a version's expire_time, ListSecrets' event_name)
// do not make the mock refuse the request, and that the SDK's "latest" version ID works.
// The mock does not act on those fields; this test only guards against a stricter request
// validator breaking SDK users who set them.
func TestSDKOnlyFieldsAccepted(t *testing.T) {
	srv := csmsmocktest.Start(t)
	c := csmsmocksdk.Client(t, srv)

	_, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name:                "interop-extra",
		SecretString:        ptr("one"),
		AutoRotation:        ptr(false),
		EventSubscriptions:  &[]string{},
		EnterpriseProjectId: ptr("0"),
	}})
	must(t, "CreateSecret with SDK-only fields", err)

	v, err := c.CreateSecretVersion(&model.CreateSecretVersionRequest{
		SecretName: "interop-extra",
		Body:       &model.CreateSecretVersionRequestBody{SecretString: ptr("two"), ExpireTime: ptr(int64(4102444800))},
	})
	must(t, "CreateSecretVersion with expire_time", err)

	_, err = c.ListSecrets(&model.ListSecretsRequest{EventName: ptr("some-event")})
	must(t, "ListSecrets with event_name", err)

	latest, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: "interop-extra", VersionId: "latest"})
	must(t, "ShowSecretVersion latest", err)
	if latest.Version == nil || latest.Version.VersionMetadata == nil ||
		str(latest.Version.VersionMetadata.Id) != str(v.VersionMetadata.Id) || str(latest.Version.SecretString) != "two" {
		t.Errorf("ShowSecretVersion latest: %+v; want %s with \"two\"", latest.Version, str(v.VersionMetadata.Id))
	}

	page, err := c.ListSecretVersions(&model.ListSecretVersionsRequest{SecretName: mock.DemoSecretName, Limit: ptr(int32(1))})
	must(t, "ListSecretVersions limit 1", err)
	if page.VersionMetadatas == nil || len(*page.VersionMetadatas) != 1 {
		t.Errorf("ListSecretVersions limit 1: %v", page.VersionMetadatas)
	}
}
