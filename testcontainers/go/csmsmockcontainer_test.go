package csmsmockcontainer_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	csmsmockcontainer "github.com/csmskit/csmskit/testcontainers/go"
)

// TestMain keeps testcontainers-go on this machine before anything here uses it (the Docker
// check reads its configuration first, and only once): Run sets the same, but later.
func TestMain(m *testing.M) {
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
	os.Exit(m.Run())
}

// image is the image under test: CSMSMOCK_IMAGE, or the package's default.
func image() string {
	if s := os.Getenv("CSMSMOCK_IMAGE"); s != "" {
		return s
	}
	return csmsmockcontainer.DefaultImage
}

// requireDocker skips the test when no Docker daemon answers, or fails it on CI, where one
// must; and fails it when the image is not here, rather than let the daemon try to pull it.
func requireDocker(t *testing.T, ctx context.Context) {
	t.Helper()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err == nil {
		defer cli.Close()
		_, err = cli.Info(ctx, client.InfoOptions{})
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no Docker daemon: %v", err)
		}
		t.Skipf("no Docker daemon: %v", err)
	}
	if _, err := cli.ImageInspect(ctx, image()); err != nil {
		t.Fatalf("image %s: %v (build it from the repository's cmd/csmsmock and load it first)", image(), err)
	}
}

// start runs a mock for the test and terminates it when the test ends.
func start(t *testing.T, opts ...csmsmockcontainer.Option) *csmsmockcontainer.Container {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	requireDocker(t, ctx)
	c, err := csmsmockcontainer.Run(ctx, append([]csmsmockcontainer.Option{csmsmockcontainer.WithImage(image())}, opts...)...)
	t.Cleanup(func() {
		if err := c.Terminate(context.Background()); err != nil {
			t.Errorf("terminate: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	publishedOnLoopback(t, c)
	return c
}

// publishedOnLoopback checks that the mock's port is published on 127.0.0.1 and nowhere else.
func publishedOnLoopback(t *testing.T, c *csmsmockcontainer.Container) {
	t.Helper()
	inspect, err := c.Inspect(context.Background())
	must(t, "inspect", err)
	bindings := inspect.NetworkSettings.Ports[network.MustParsePort("8080/tcp")]
	if len(bindings) == 0 {
		t.Fatal("port 8080/tcp is not published")
	}
	for _, b := range bindings {
		if b.HostIP.String() != "127.0.0.1" {
			t.Errorf("port 8080/tcp published on %s:%s, want 127.0.0.1 only", b.HostIP, b.HostPort)
		}
	}
}

// endpoint is the mock's base URL, checked to be on loopback.
func endpoint(t *testing.T, c *csmsmockcontainer.Container, scheme string) string {
	t.Helper()
	url, err := c.Endpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, scheme+"://127.0.0.1:") {
		t.Fatalf("endpoint %s, want %s://127.0.0.1:<port>", url, scheme)
	}
	return url
}

// transport is an HTTP transport of the test's own, without a proxy, trusting roots when
// given; its idle connections are closed when the test ends.
func transport(t *testing.T, roots *x509.CertPool) *http.Transport {
	tr := &http.Transport{}
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// sdkClient is the SDK's CSMS client with the test's transport and a short timeout (the mock
// answers in milliseconds), at the region or endpoint the builder was given.
func sdkClient(t *testing.T, b *core.HcHttpClientBuilder, cred *basic.Credentials, tr *http.Transport) *csms.CsmsClient {
	t.Helper()
	hc, err := b.WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(10 * time.Second).WithHttpTransport(tr)).
		SafeBuild()
	must(t, "client", err)
	return csms.NewCsmsClient(hc)
}

// TestLifecycleOverHTTP: the SDK creates, reads, backs up, deletes and restores a secret in
// the demo project. Over plain HTTP the SDK cannot ask IAM (it does so over https only), so
// the client names the endpoint and the project.
func TestLifecycleOverHTTP(t *testing.T) {
	c := start(t)
	url := endpoint(t, c, "http")
	if c.ProjectID() != "0a1b2c3d4e5f60718293a4b5c6d7e8f9" || c.Region() != "cn-north-4" {
		t.Errorf("project %s in %s, want the demo project in cn-north-4", c.ProjectID(), c.Region())
	}
	if _, err := c.CACertPEM(context.Background()); err == nil {
		t.Error("CACertPEM of a plain HTTP mock: no error")
	}

	cred, err := basic.NewCredentialsBuilder().WithAk(c.AK()).WithSk(c.SK()).WithProjectId(c.ProjectID()).SafeBuild()
	must(t, "credentials", err)
	tr := transport(t, nil)
	lifecycle(t, sdkClient(t, csms.CsmsClientBuilder().WithEndpoints([]string{url}), cred, tr))
	adminGuarded(t, c, url, tr)
}

// TestLifecycleOverTLS: the same, with the client built as applications build it (a region
// and AK/SK without a project ID, so the SDK finds the project at the mock's IAM), over HTTPS
// trusting the mock's certificate authority, for an identity and region of the test's own.
func TestLifecycleOverTLS(t *testing.T) {
	want := csmsmockcontainer.Credentials{
		ProjectID: "5c3a9e1f0b7d4c2a8e6f1d3b5a7c9e0f",
		AK:        "TCGOTLSAK00000000001",
		SK:        "tcgoTlsSecretKey000000000000000000000000",
	}
	c := start(t, csmsmockcontainer.WithTLS(), csmsmockcontainer.WithCredentials(want),
		csmsmockcontainer.WithRegion("ap-southeast-3"))
	url := endpoint(t, c, "https")
	if c.ProjectID() != want.ProjectID || c.AK() != want.AK || c.SK() != want.SK || c.Region() != "ap-southeast-3" {
		t.Errorf("identity %s %s in %s, want the one asked for", c.ProjectID(), c.AK(), c.Region())
	}
	if c.Token() != "MIIcsmsmock-demo-token-0123456789abcdef" {
		t.Errorf("token %q: a field left empty keeps its demo value", c.Token())
	}
	pem, err := c.CACertPEM(context.Background())
	must(t, "CACertPEM", err)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("CACertPEM is no PEM certificate: %q", pem)
	}

	cred, err := basic.NewCredentialsBuilder().WithAk(c.AK()).WithSk(c.SK()).
		WithIamEndpointOverride(url).SafeBuild()
	must(t, "credentials", err)
	tr := transport(t, roots)
	client := sdkClient(t, csms.CsmsClientBuilder().WithRegion(region.NewRegion(c.Region(), url)), cred, tr)
	if cred.ProjectId != c.ProjectID() {
		t.Errorf("the SDK's project lookup found %q, want %s", cred.ProjectId, c.ProjectID())
	}
	lifecycle(t, client)
	adminGuarded(t, c, url, tr)
	becomesHealthy(t, c)
}

// becomesHealthy: the image's own health check (csmsmock health in the container) finds the
// mock ready, the way it serves.
func becomesHealthy(t *testing.T, c *csmsmockcontainer.Container) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := c.State(context.Background())
		must(t, "State", err)
		if st.Health != nil && st.Health.Status == "healthy" {
			return
		}
		if time.Now().After(deadline) {
			status := "none"
			if st.Health != nil {
				status = string(st.Health.Status)
			}
			t.Fatalf("the container's health is %q after 30 s, want healthy", status)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestFixtures: a secret from the fixtures file is there to read, with the token.
func TestFixtures(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(fixtures, []byte(`projects:
  - id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    name: cn-north-4
    secrets:
      - name: fixture-db-password
        versions:
          - value: "old-s3cr3t"
          - value: "fixture-s3cr3t"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := start(t, csmsmockcontainer.WithFixtures(fixtures))
	url := endpoint(t, c, "http")

	tr := transport(t, nil)
	req, err := http.NewRequest(http.MethodGet, url+"/v1/"+c.ProjectID()+"/secrets/fixture-db-password/versions/latest", nil)
	must(t, "request", err)
	req.Header.Set("X-Auth-Token", c.Token())
	res, err := tr.RoundTrip(req)
	must(t, "GET the latest version with the token", err)
	var latest struct {
		Version struct {
			SecretString string `json:"secret_string"`
		} `json:"version"`
	}
	err = json.NewDecoder(res.Body).Decode(&latest)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || err != nil || latest.Version.SecretString != "fixture-s3cr3t" {
		t.Errorf("latest version of the fixture secret: %d %+v %v", res.StatusCode, latest, err)
	}

	cred, err := basic.NewCredentialsBuilder().WithAk(c.AK()).WithSk(c.SK()).WithProjectId(c.ProjectID()).SafeBuild()
	must(t, "credentials", err)
	client := sdkClient(t, csms.CsmsClientBuilder().WithEndpoints([]string{url}), cred, tr)
	got, err := client.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: "fixture-db-password", VersionId: "v1"})
	must(t, "read v1 with the SDK", err)
	if v := str(got.Version.SecretString); v != "old-s3cr3t" {
		t.Errorf("v1 of the fixture secret: %q, want old-s3cr3t", v)
	}
	// The demo secret comes only without fixtures.
	_, err = client.ShowSecret(&model.ShowSecretRequest{SecretName: "demo-secret"})
	if err := notFound(err); err != nil {
		t.Errorf("the demo secret with fixtures: %v", err)
	}
}

// TestRunFailsWhenTheMockExits: a mock that refuses its flags fails Run at once, not after
// the startup timeout, and is returned to be terminated.
func TestRunFailsWhenTheMockExits(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%t", withTLS), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			requireDocker(t, ctx)
			opts := []csmsmockcontainer.Option{csmsmockcontainer.WithImage(image()), csmsmockcontainer.WithRegion("Not_A_Region")}
			if withTLS {
				opts = append(opts, csmsmockcontainer.WithTLS())
			}
			began := time.Now()
			c, err := csmsmockcontainer.Run(ctx, opts...)
			if c == nil {
				t.Errorf("Run returned no container to terminate (error %v)", err)
			}
			t.Cleanup(func() {
				if err := c.Terminate(context.Background()); err != nil {
					t.Errorf("terminate: %v", err)
				}
			})
			if err == nil {
				t.Fatal("Run of a mock with a bad region: no error")
			}
			if took := time.Since(began); took > 30*time.Second {
				t.Errorf("Run failed after %v; want at once", took)
			}
			t.Logf("Run: %v", err)
		})
	}
}

// lifecycle creates a secret, reads it, backs it up, deletes it, restores it from the backup
// and reads the value back.
func lifecycle(t *testing.T, client *csms.CsmsClient) {
	t.Helper()
	name, value := "tc-db-password", "s3cr3t-from-testcontainers"
	created, err := client.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{Name: name, SecretString: &value}})
	must(t, "create", err)
	if str(created.Secret.Name) != name {
		t.Errorf("created %q, want %s", str(created.Secret.Name), name)
	}
	readBack(t, client, name, value)

	backup, err := client.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: name})
	must(t, "back up", err)
	blob := str(backup.SecretBlob)
	if !strings.HasPrefix(blob, ")CloudSecretManagementBackupV1.com") {
		t.Fatalf("backup %q is not a CSMS backup blob", blob)
	}

	_, err = client.DeleteSecret(&model.DeleteSecretRequest{SecretName: name})
	must(t, "delete", err)
	_, err = client.ShowSecret(&model.ShowSecretRequest{SecretName: name})
	if err := notFound(err); err != nil {
		t.Fatalf("read after delete: %v", err)
	}

	restored, err := client.UploadSecretBlob(&model.UploadSecretBlobRequest{Body: &model.UploadSecretBlobRequestBody{SecretBlob: blob}})
	must(t, "restore", err)
	if str(restored.Secret.Name) != name {
		t.Errorf("restored %q, want %s", str(restored.Secret.Name), name)
	}
	readBack(t, client, name, value)
}

// readBack reads the secret's latest version and checks its value.
func readBack(t *testing.T, client *csms.CsmsClient, name, want string) {
	t.Helper()
	got, err := client.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: "latest"})
	must(t, "read "+name, err)
	if v := str(got.Version.SecretString); v != want {
		t.Errorf("%s is %q, want %q", name, v, want)
	}
}

// adminGuarded checks that the admin API answers the container's admin token, and no one else.
func adminGuarded(t *testing.T, c *csmsmockcontainer.Container, url string, tr *http.Transport) {
	t.Helper()
	for token, want := range map[string]int{c.AdminToken(): http.StatusOK, "": http.StatusUnauthorized} {
		req, err := http.NewRequest(http.MethodGet, url+"/__admin/journal", nil)
		must(t, "request", err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := tr.RoundTrip(req)
		must(t, "GET /__admin/journal", err)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET /__admin/journal with token %t: %d, want %d", token != "", res.StatusCode, want)
		}
	}
}

// notFound is nil when err is the service's 404 for an unknown secret.
func notFound(err error) error {
	var se *sdkerr.ServiceResponseError
	switch {
	case err == nil:
		return errors.New("the call succeeded; want 404 CSMS.0106")
	case !errors.As(err, &se) || se.StatusCode != http.StatusNotFound || se.ErrorCode != "CSMS.0106":
		return fmt.Errorf("%w; want 404 CSMS.0106", err)
	}
	return nil
}

// must fails the test at once when a step failed.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// str dereferences an optional string of an SDK model ("" for nil).
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
