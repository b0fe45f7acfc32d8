package csmsmocksdk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
)

// The SDK against a mock in two lines, then a backup of a seeded secret.
func TestClient(t *testing.T) {
	srv := csmsmocktest.Start(t)
	client := csmsmocksdk.Client(t, srv)

	srv.Seed(t, "db-password", "s3cr3t")
	res, err := client.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: "db-password"})
	if err != nil {
		t.Fatal(err)
	}
	if res.SecretBlob == nil || !strings.HasPrefix(*res.SecretBlob, ")CloudSecretManagementBackupV1.com") {
		t.Errorf("backup = %v", res.SecretBlob)
	}
}

// A client signing with a key the mock does not know is refused as the cloud refuses it.
func TestClientAs(t *testing.T) {
	srv := csmsmocktest.Start(t)
	client := csmsmocksdk.ClientAs(t, srv, srv.AK, "wrong"+srv.SK, srv.ProjectID)

	_, err := client.ShowSecret(&model.ShowSecretRequest{SecretName: "demo-secret"})
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) || se.StatusCode != 401 || se.ErrorCode != "APIGW.0301" {
		t.Errorf("ShowSecret with a wrong SK: %v, want 401 APIGW.0301", err)
	}
}
