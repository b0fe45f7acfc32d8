package interop

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/interop/csmsmocksdk"
	"github.com/csmskit/csmskit/mock"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

// The SDK caches what its lookups find per AK (and region) for the life of the process, so
// each test here has an AK of its own: a cached answer would skip the lookup under test.
const (
	domainLookupAK   = "IAMDOMAINLOOKUPAK001"
	noProjectAK      = "IAMNOPROJECTAK000001"
	projectLookupAK  = "IAMPROJECTLOOKUPAK01"
	lookupTestSecret = "iamLookupTestSecretKey00000000000000000"
)

// tlsMock serves a mock over TLS and returns its URL and an SDK HTTP config that trusts its
// certificate: the SDK reaches IAM over https only. csmsmocktest serves plain HTTP, so the
// mock it starts (and checks against the contract) is served here a second time, over TLS.
func tlsMock(t *testing.T, edit func(*mock.Config)) (string, *config.HttpConfig) {
	t.Helper()
	srv := csmsmocktest.Start(t, csmsmocktest.WithConfig(edit))
	ts := httptest.NewTLSServer(srv.Mock)
	t.Cleanup(ts.Close)
	tr := ts.Client().Transport.(*http.Transport)
	t.Cleanup(tr.CloseIdleConnections)
	return ts.URL, config.DefaultHttpConfig().WithTimeout(csmsmocksdk.Timeout).WithHttpTransport(tr)
}

// TestGlobalCredentialsFindTheAccount: global credentials without an account ID ask IAM's
// GET /v3/auth/domains and take the mock's account.
func TestGlobalCredentialsFindTheAccount(t *testing.T) {
	url, hc := tlsMock(t, func(c *mock.Config) { c.AK, c.SK = domainLookupAK, lookupTestSecret })
	cred, err := global.NewCredentialsBuilder().WithAk(domainLookupAK).WithSk(lookupTestSecret).
		WithIamEndpointOverride(url).SafeBuild()
	must(t, "credentials", err)
	if _, err := cred.ProcessAuthParams(impl.NewDefaultHttpClient(hc), "cn-north-4"); err != nil {
		t.Fatalf("domain lookup: %v", err)
	}
	if cred.DomainId != mock.DemoDomainID {
		t.Errorf("domain ID %q, want the mock's %s", cred.DomainId, mock.DemoDomainID)
	}
}

// TestRegionWithoutAProject: when no project is named after the client's region, IAM lists
// none and the SDK refuses to build the client, saying so.
func TestRegionWithoutAProject(t *testing.T) {
	url, hc := tlsMock(t, func(c *mock.Config) { c.AK, c.SK, c.Region = noProjectAK, lookupTestSecret, "ap-southeast-3" })
	cred, err := basic.NewCredentialsBuilder().WithAk(noProjectAK).WithSk(lookupTestSecret).
		WithIamEndpointOverride(url).SafeBuild()
	must(t, "credentials", err)
	_, err = csms.CsmsClientBuilder().WithRegion(region.NewRegion("cn-north-4", url)).
		WithCredential(cred).WithHttpConfig(hc).SafeBuild()
	if err == nil || !strings.Contains(err.Error(), "confirm that the project exists") {
		t.Errorf("SafeBuild: %v; want the SDK's no-project error", err)
	}
}

// TestRegionFindsTheProject: the lookup's answer is the project the SDK then calls.
func TestRegionFindsTheProject(t *testing.T) {
	url, hc := tlsMock(t, func(c *mock.Config) { c.AK, c.SK = projectLookupAK, lookupTestSecret })
	cred, err := basic.NewCredentialsBuilder().WithAk(projectLookupAK).WithSk(lookupTestSecret).
		WithIamEndpointOverride(url).SafeBuild()
	must(t, "credentials", err)
	hcClient, err := csms.CsmsClientBuilder().WithRegion(region.NewRegion("cn-north-4", url)).
		WithCredential(cred).WithHttpConfig(hc).SafeBuild()
	must(t, "client", err)
	if cred.ProjectId != mock.DemoProjectID {
		t.Errorf("project ID %q, want %s", cred.ProjectId, mock.DemoProjectID)
	}
	if _, err := csms.NewCsmsClient(hcClient).ListSecrets(&model.ListSecretsRequest{}); err != nil {
		t.Errorf("ListSecrets in the project found: %v", err)
	}
}
