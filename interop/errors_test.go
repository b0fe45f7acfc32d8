package interop

import (
	"net/http"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/csmskit/csmskit/mock"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// TestErrorMapping checks that the mock's error answers reach the SDK's caller as
// *sdkerr.ServiceResponseError with the status, code, message and request ID the mock sent.
func TestErrorMapping(t *testing.T) {
	srv := csmsmocktest.Start(t)

	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantCode   string
	}{
		{
			name: "unknown secret, ShowSecret",
			call: func() error {
				_, err := csmsmocksdk.Client(t, srv).ShowSecret(&model.ShowSecretRequest{SecretName: "no-such-secret"})
				return err
			},
			wantStatus: http.StatusNotFound, wantCode: "CSMS.0106",
		},
		{
			name: "unknown secret, DownloadSecretBlob",
			call: func() error {
				_, err := csmsmocksdk.Client(t, srv).DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: "no-such-secret"})
				return err
			},
			wantStatus: http.StatusNotFound, wantCode: "CSMS.0106",
		},
		{
			name: "wrong SK",
			call: func() error {
				c := csmsmocksdk.ClientAs(t, srv, mock.DemoAK, "wrong"+mock.DemoSK, mock.DemoProjectID)
				_, err := c.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: mock.DemoSecretName})
				return err
			},
			wantStatus: http.StatusUnauthorized, wantCode: "APIGW.0301",
		},
		{
			name: "unknown AK",
			call: func() error {
				c := csmsmocksdk.ClientAs(t, srv, "NOSUCHAK000000000000", mock.DemoSK, mock.DemoProjectID)
				_, err := c.ShowSecret(&model.ShowSecretRequest{SecretName: mock.DemoSecretName})
				return err
			},
			wantStatus: http.StatusUnauthorized, wantCode: "APIGW.0301",
		},
		{
			name: "another project",
			call: func() error {
				c := csmsmocksdk.ClientAs(t, srv, mock.DemoAK, mock.DemoSK, otherProjectID)
				_, err := c.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: mock.DemoSecretName})
				return err
			},
			wantStatus: http.StatusForbidden, wantCode: "APIGW.0302",
		},
		{
			name: "unknown version",
			call: func() error {
				_, err := csmsmocksdk.Client(t, srv).ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: mock.DemoSecretName, VersionId: "v9"})
				return err
			},
			wantStatus: http.StatusBadRequest, wantCode: "CSMS.0005",
		},
		{
			name: "malformed backup",
			call: func() error {
				_, err := csmsmocksdk.Client(t, srv).UploadSecretBlob(&model.UploadSecretBlobRequest{
					Body: &model.UploadSecretBlobRequestBody{SecretBlob: backupPrefix + "a.b.c"},
				})
				return err
			},
			wantStatus: http.StatusBadRequest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			se := serviceError(t, tc.call())
			sent := lastRequest(t, srv)
			if se.StatusCode != tc.wantStatus {
				t.Errorf("StatusCode %d, want %d (%v)", se.StatusCode, tc.wantStatus, se)
			}
			if tc.wantCode != "" && se.ErrorCode != tc.wantCode {
				t.Errorf("ErrorCode %q, want %q (%v)", se.ErrorCode, tc.wantCode, se)
			}
			if len(se.ErrorCode) < 8 {
				t.Errorf("ErrorCode %q: the SDK found no error_code/error_msg pair in the body", se.ErrorCode)
			}
			if se.ErrorMessage == "" {
				t.Error("ErrorMessage is empty")
			}
			if sent.RequestID == "" || se.RequestId != sent.RequestID {
				t.Errorf("RequestId %q, want the X-Request-Id the mock sent, %q", se.RequestId, sent.RequestID)
			}
			if sent.Status != se.StatusCode {
				t.Errorf("the mock sent status %d, the SDK reports %d", sent.Status, se.StatusCode)
			}
		})
	}
}

// TestUnknownSecretStatus400 checks the other documented answer to an unknown secret
// (mock.Config.UnknownSecretStatus = 400, the error-code table's status).
func TestUnknownSecretStatus400(t *testing.T) {
	srv := csmsmocktest.Start(t, csmsmocktest.WithConfig(func(c *mock.Config) { c.UnknownSecretStatus = http.StatusBadRequest }))
	_, err := csmsmocksdk.Client(t, srv).DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: "no-such-secret"})
	se := serviceError(t, err)
	if se.StatusCode != http.StatusBadRequest || se.ErrorCode != "CSMS.0106" || se.ErrorMessage == "" {
		t.Errorf("got %v; want 400 CSMS.0106 with a message", se)
	}
	if sent := lastRequest(t, srv); se.RequestId != sent.RequestID {
		t.Errorf("RequestId %q, want %q", se.RequestId, sent.RequestID)
	}
}
