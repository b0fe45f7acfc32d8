// Command server is a small CSMS-compatible server: the starting point for an implementation
// of the Huawei Cloud CSMS secrets API of your own, built the way csmskit's contract is meant
// to be used from outside.
//
// It stands on three public pieces of csmskit and nothing else of it:
//
//   - generated/csmsapi, made by oapi-codegen from openapi/csms.yaml: the server implements
//     csmsapi.StrictServerInterface, one typed method per operation, and
//     csmsapi.NewStrictHandlerWithOptions and csmsapi.HandlerWithOptions bind and route them;
//   - openapi.RequestValidator, in front of everything: it refuses, in the vendor's error
//     shape, every request the contract forbids (unknown route, malformed secret name or
//     project ID, missing credentials, a body that breaks its schema), so the handlers only
//     see requests the contract allows;
//   - openapi/apierror, the contract's catalogue of error codes, and aksk, which verifies
//     SDK-HMAC-SHA256 signatures.
//
// It keeps secrets in memory and implements what a backup round trip needs: CreateSecret,
// CreateSecretVersion, ShowSecretVersion, DeleteSecret, DownloadSecretBlob (the backup, a
// JWE behind the documented prefix) and UploadSecretBlob (the restore). Every other operation
// answers as the vendor's API gateway does for an API it does not publish: 404 APIGW.0101.
// Replace the store with your own storage and key management, and fill in the operations you
// need.
//
// Run it with the conformance suite's settings, then point the suite at it:
//
//	export CSMS_PROJECT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9 CSMS_AUTH_TOKEN=… CSMS_AK=… CSMS_SK=…
//	go run ./examples/server -addr 127.0.0.1:8080 &
//	go run ./cmd/csmsconform -endpoint http://127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run reads the flags and the credentials, then serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Credentials come from the environment, where other users of the machine cannot read
	// them, under the names the conformance suite uses.
	cfg := Config{
		ProjectID: getenv("CSMS_PROJECT_ID"),
		Token:     getenv("CSMS_AUTH_TOKEN"),
		AK:        getenv("CSMS_AK"),
		SK:        getenv("CSMS_SK"),
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := New(cfg, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	logger.Info("serving", "url", "http://"+ln.Addr().String(), "project_id", cfg.ProjectID)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
