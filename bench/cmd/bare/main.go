// Command bare is the load benchmark's baseline: a bare net/http server that answers
// POST /v1/{project_id}/secrets/{secret_name}/backup with one fixed JSON body and does nothing
// else — no authentication, no validation, no encryption, no logging. The load benchmark gives
// it a body of exactly the size the mock's backup answers have.
//
//	bare [-addr 127.0.0.1:0] [-body FILE | -size N]
//
// It prints "bare listening on http://ADDR" once it listens and stops on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/csmskit/csmskit/bench/internal/baseline"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	bodyFile := flag.String("body", "", "`file` whose content is the answer's body")
	size := flag.Int("size", 1024, "without -body: answer {\"secret_blob\":\"…\"} with a blob of this many characters")
	flag.Parse()

	body := []byte(`{"secret_blob":"` + strings.Repeat("A", *size) + `"}`)
	if *bodyFile != "" {
		var err error
		if body, err = os.ReadFile(*bodyFile); err != nil {
			return err
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/{project_id}/secrets/{secret_name}/backup", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	return baseline.Serve("bare", *addr, mux)
}
