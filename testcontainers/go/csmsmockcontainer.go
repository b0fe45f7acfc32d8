// Package csmsmockcontainer starts csmskit's mock of the Huawei Cloud CSMS secrets API in a
// container with testcontainers-go, for tests of code that talks to CSMS over the network:
//
//	ctr, err := csmsmockcontainer.Run(ctx)
//	defer ctr.Terminate(ctx) // Ryuk is off: remove the container yourself
//	if err != nil { ... }
//	endpoint, err := ctr.Endpoint(ctx) // http://127.0.0.1:<port>
//
// The mock answers as the cloud does for one project (ProjectID), signed with AK/SK or an
// X-Auth-Token, and its IAM finds that project by the region's name, as the vendor's SDKs ask
// when built with a region and no project ID.
//
// The container's port is published on 127.0.0.1 only, and every call this package makes goes
// to 127.0.0.1, whatever host testcontainers-go would guess: Run sets
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1, and TESTCONTAINERS_RYUK_DISABLED=true unless it is
// set, so terminate each container yourself.
package csmsmockcontainer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
)

// DefaultImage is the image Run starts unless WithImage names another.
const DefaultImage = "csmskit/csmsmock:dev"

const (
	// servicePort is where the mock listens inside the container.
	servicePort = "8080/tcp"
	// loopback is the only host this package publishes on and connects to.
	loopback = "127.0.0.1"
	// fixturesPath and caPath are where the fixtures go in and the TLS authority comes out.
	fixturesPath = "/fixtures.yaml"
	caPath       = "/tmp/csmsmock-ca.pem"
	// adminTokenEnv guards the mock's /__admin/ API: serve refuses to listen beyond loopback
	// without it.
	adminTokenEnv = "CSMSMOCK_ADMIN_TOKEN"
)

// Container is a running mock and the identity it serves.
type Container struct {
	testcontainers.Container
	creds      Credentials
	region     string
	adminToken string
	tls        bool
}

// Run starts the mock and returns once it answers its readiness probe. On an error after the
// container was created it returns the container too, so that it can be terminated.
func Run(ctx context.Context, opts ...Option) (*Container, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	adminToken, err := randomToken()
	if err != nil {
		return nil, err
	}
	loopbackOnly()

	customizers := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(servicePort),
		testcontainers.WithHostConfigModifier(publishOnLoopback),
		testcontainers.WithEnv(o.serveEnv(adminToken)),
		testcontainers.WithCmd(o.serveArgs()...),
		testcontainers.WithWaitStrategy(readiness{adminToken: adminToken, tls: o.tls}),
	}
	if o.fixtures != "" {
		abs, err := filepath.Abs(o.fixtures)
		if err != nil {
			return nil, fmt.Errorf("csmsmockcontainer: fixtures: %w", err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("csmsmockcontainer: fixtures: %w", err)
		}
		customizers = append(customizers, testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath: abs, ContainerFilePath: fixturesPath, FileMode: 0o644,
		}))
	}

	ctr, err := testcontainers.Run(ctx, o.image, customizers...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, creds: o.creds, region: o.region, adminToken: adminToken, tls: o.tls}
	}
	if err != nil {
		return c, fmt.Errorf("csmsmockcontainer: run %s: %w", o.image, err)
	}
	return c, nil
}

// loopbackOnly keeps testcontainers-go on this machine. Where it thinks it runs inside a
// container (/.dockerenv), it would otherwise take a gateway address for the container's host
// and send its readiness probes there, and start Ryuk, whose image it would have to pull.
func loopbackOnly() {
	os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", loopback)
	if _, set := os.LookupEnv("TESTCONTAINERS_RYUK_DISABLED"); !set {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
}

// publishOnLoopback publishes the mock's port on 127.0.0.1 only: it serves demo credentials.
func publishOnLoopback(hc *container.HostConfig) {
	hc.PortBindings = network.PortMap{
		network.MustParsePort(servicePort): {{HostIP: netip.MustParseAddr(loopback)}},
	}
}

// randomToken is a fresh admin token for one container.
func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("csmsmockcontainer: admin token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Terminate stops and removes the container. It may be deferred before Run's error is
// checked: a nil Container, when Run failed before it made one, has nothing to remove.
func (c *Container) Terminate(ctx context.Context, opts ...testcontainers.TerminateOption) error {
	if c == nil {
		return nil
	}
	return c.Container.Terminate(ctx, opts...)
}

// Endpoint is the mock's base URL, http://127.0.0.1:<port> (https with WithTLS), for the CSMS
// API, its IAM and its admin API alike.
func (c *Container) Endpoint(ctx context.Context) (string, error) {
	port, err := c.MappedPort(ctx, servicePort)
	if err != nil {
		return "", fmt.Errorf("csmsmockcontainer: endpoint: %w", err)
	}
	scheme := "http"
	if c.tls {
		scheme = "https"
	}
	return scheme + "://" + loopback + ":" + port.Port(), nil
}

// ProjectID is the project the credentials are allowed on.
func (c *Container) ProjectID() string { return c.creds.ProjectID }

// Token is an X-Auth-Token allowed every action on the project.
func (c *Container) Token() string { return c.creds.Token }

// AK is the access key allowed every action on the project.
func (c *Container) AK() string { return c.creds.AK }

// SK is the secret key that goes with AK.
func (c *Container) SK() string { return c.creds.SK }

// Region is the region the project is named after, which the SDKs' project lookup asks for.
func (c *Container) Region() string { return c.region }

// AdminToken is the bearer token of the mock's /__admin/ API (journal, faults, fixtures).
func (c *Container) AdminToken() string { return c.adminToken }

// errNoTLS is CACertPEM's error for a mock served over plain HTTP.
var errNoTLS = errors.New("csmsmockcontainer: the mock serves plain HTTP: start it WithTLS")

// CACertPEM is the PEM of the certificate authority the mock made at start and signed its
// certificate (for 127.0.0.1, ::1 and localhost) with: the one certificate clients trust.
func (c *Container) CACertPEM(ctx context.Context) ([]byte, error) {
	if !c.tls {
		return nil, errNoTLS
	}
	return readFile(ctx, c, caPath)
}

// readFile reads one file out of the container.
func readFile(ctx context.Context, ctr interface {
	CopyFileFromContainer(context.Context, string) (io.ReadCloser, error)
}, path string) ([]byte, error) {
	r, err := ctr.CopyFileFromContainer(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("csmsmockcontainer: copy %s: %w", path, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("csmsmockcontainer: copy %s: %w", path, err)
	}
	return b, nil
}
