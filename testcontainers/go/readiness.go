package csmsmockcontainer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/containerd/errdefs"
	"github.com/testcontainers/testcontainers-go/wait"
)

// readyPath is the mock's readiness probe: 200 once its store and fixtures are loaded.
const readyPath = "/__admin/health/ready"

// startupTimeout bounds the wait for a mock, which is ready in about a second.
const startupTimeout = 60 * time.Second

// pollInterval is how often the wait looks again.
const pollInterval = 100 * time.Millisecond

// readiness waits until GET /__admin/health/ready, with the admin token, answers 200 (the
// HTTP probe's default) on 127.0.0.1. With TLS it first waits for the certificate authority
// the mock writes at start, and trusts it alone.
type readiness struct {
	adminToken string
	tls        bool
}

// String describes the wait in testcontainers-go's log.
func (r readiness) String() string {
	return "csmsmock ready at GET " + readyPath
}

// WaitUntilReady implements wait.Strategy.
func (r readiness) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	probe := wait.ForHTTP(readyPath).
		WithPort(servicePort).
		WithHeaders(map[string]string{"Authorization": "Bearer " + r.adminToken}).
		WithStartupTimeout(startupTimeout).
		WithPollInterval(pollInterval)
	if r.tls {
		pem, err := authority(ctx, target)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return errors.New("csmsmockcontainer: the mock's certificate authority is not PEM")
		}
		probe = probe.WithTLS(true, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	}
	return probe.WaitUntilReady(ctx, onLoopback{target})
}

// authority waits for the certificate authority the mock writes before it listens, and fails
// at once when the mock exits first.
func authority(ctx context.Context, target wait.StrategyTarget) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	for {
		state, err := target.State(ctx)
		if err != nil {
			return nil, fmt.Errorf("csmsmockcontainer: state: %w", err)
		}
		if !state.Running {
			return nil, fmt.Errorf("csmsmockcontainer: the mock stopped (%s, exit code %d) before it wrote its certificate authority", state.Status, state.ExitCode)
		}
		pem, err := readFile(ctx, target, caPath)
		if !errdefs.IsNotFound(err) {
			return pem, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("csmsmockcontainer: waiting for the certificate authority: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// onLoopback is the container as the readiness probe sees it: on 127.0.0.1, where its port is
// published, whatever host testcontainers-go reports.
type onLoopback struct{ wait.StrategyTarget }

// Host implements wait.StrategyTarget.
func (onLoopback) Host(context.Context) (string, error) { return loopback, nil }
