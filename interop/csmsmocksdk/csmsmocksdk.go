// Package csmsmocksdk builds the vendor's Go SDK clients for a csmsmocktest.Server, so a test
// can drive the mock with the SDK in two lines:
//
//	srv := csmsmocktest.Start(t)
//	client := csmsmocksdk.Client(t, srv)
//
// It lives in the interop module because the SDK is a large dependency the main module does
// not take.
package csmsmocksdk

import (
	"net/http"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"

	"github.com/csmskit/csmskit/csmsmocktest"
)

// Timeout bounds each SDK call: the mock answers in milliseconds, so a hang fails fast.
const Timeout = 10 * time.Second

// Credentials are the server's AK/SK for its project, as the SDK takes them.
func Credentials(t testing.TB, srv *csmsmocktest.Server) *basic.Credentials {
	t.Helper()
	return credentials(t, srv.AK, srv.SK, srv.ProjectID)
}

func credentials(t testing.TB, ak, sk, projectID string) *basic.Credentials {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(projectID).SafeBuild()
	if err != nil {
		t.Fatalf("csmsmocksdk: credentials: %v", err)
	}
	return cred
}

// Client is the SDK's CSMS client for the server, signing with its AK/SK. Its idle
// connections are closed when t ends.
func Client(t testing.TB, srv *csmsmocktest.Server) *csms.CsmsClient {
	t.Helper()
	return ClientAs(t, srv, srv.AK, srv.SK, srv.ProjectID)
}

// ClientAs is the SDK's CSMS client for the server signing with the given AK/SK for the given
// project, for tests of the answers the mock gives to callers it refuses.
//
// Either client is built as an application builds one, but for two things: the endpoint is
// the server's http:// URL (the SDK keeps a scheme it is given and prefixes https:// only to
// a bare host), and there is no WithRegion, which would make SafeBuild ask IAM for the
// project. The SDK sends no retries (its HttpConfig.Retries is not read by the core client);
// its 120 s timeout is cut to Timeout, and the transport is one of the test's own, without a
// proxy, so its idle connections can be closed when t ends.
func ClientAs(t testing.TB, srv *csmsmocktest.Server, ak, sk, projectID string) *csms.CsmsClient {
	t.Helper()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	hc, err := csms.CsmsClientBuilder().
		WithEndpoints([]string{srv.URL}).
		WithCredential(credentials(t, ak, sk, projectID)).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(Timeout).WithHttpTransport(transport)).
		SafeBuild()
	if err != nil {
		t.Fatalf("csmsmocksdk: client: %v", err)
	}
	return csms.NewCsmsClient(hc)
}
