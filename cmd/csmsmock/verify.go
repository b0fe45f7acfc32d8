package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/csmskit/csmskit/recording"
)

// errViolations is verify's failure: the gate is closed.
var errViolations = errors.New("contract violations recorded")

// verify asks a mock's or proxy's admin API for recorded violations, prints them, and fails
// when there are any: the CI gate.
func verify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("csmsmock verify", flag.ContinueOnError)
	admin := fs.String("admin", "http://127.0.0.1:8080", "base `URL` of the mock or proxy (its /__admin/ API)")
	token := fs.String("admin-token", "", "the admin token, if the API is guarded (or set "+adminTokenEnv+")")
	insecure := fs.Bool("insecure", false, "accept any TLS certificate (a self-signed --tls mock)")
	clearAfter := fs.Bool("clear", false, "clear the violations after reading them")
	if helped, err := parseFlags(fs, args, stderr); helped || err != nil {
		return err
	}
	if *token == "" {
		*token = getenv(adminTokenEnv)
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: *insecure}}, //nolint:gosec // opt-in for self-signed mocks
	}
	base := strings.TrimSuffix(strings.TrimSuffix(*admin, "/"), "/__admin")
	var report recording.ViolationReport
	if err := adminCall(ctx, client, "GET", base+"/__admin/violations", *token, &report); err != nil {
		return err
	}
	if *clearAfter {
		if err := adminCall(ctx, client, "DELETE", base+"/__admin/violations", *token, nil); err != nil {
			return err
		}
	}
	if len(report.Violations) == 0 && report.Dropped == 0 {
		fmt.Fprintln(stdout, "csmsmock verify: no contract violations recorded")
		return nil
	}
	fmt.Fprintf(stdout, "csmsmock verify: %d contract violation(s) recorded", len(report.Violations)+int(report.Dropped))
	if report.Dropped > 0 {
		fmt.Fprintf(stdout, " (%d oldest no longer kept)", report.Dropped)
	}
	fmt.Fprintln(stdout, ":")
	for _, v := range report.Violations {
		who := "client request"
		if v.Kind == recording.KindResponse {
			who = "server response"
		}
		fmt.Fprintf(stdout, "  - %s %s %s (%s, request %s): %s\n", v.Time.Format(time.RFC3339), v.Method, v.Path, who, v.RequestID, v.Reason)
	}
	return errViolations
}

func adminCall(ctx context.Context, client *http.Client, method, url, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("admin API %s %s: %d %s", method, url, res.StatusCode, strings.TrimSpace(string(body)))
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("admin API %s: %w", url, err)
		}
	}
	return nil
}
