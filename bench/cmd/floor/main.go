// Command floor is the load benchmark's physical floor: a bare net/http server that does only
// what every backup must, and nothing a mock adds. For each
// POST /v1/{project_id}/secrets/{secret_name}/backup it seals a plaintext of -size bytes afresh
// (a new 32-byte content key wrapped with RSA-OAEP-256 under a 2048-bit key, A128CBC-HS256 over
// the plaintext, compact serialisation, the backup prefix) with the mock's own sealer, and
// answers {"secret_blob": …}. No routing beyond the pattern, no authentication, no validation,
// no journal, no log. The mock can come close to it but not pass it.
//
//	floor [-addr 127.0.0.1:0] [-size N] [-ops [-users N]]
//
// With -ops it serves instead every CSMS operation of the operations benchmark, each doing its
// store work and nothing else (ops.go), the backup included.
//
// It prints "floor listening on http://ADDR" once it listens and stops on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/csmskit/csmskit/bench/internal/baseline"
	"github.com/csmskit/csmskit/mock/blob"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	size := flag.Int("size", 400, "bytes of plaintext to seal per backup (the load benchmark passes the mock's)")
	ops := flag.Bool("ops", false, "serve every operation over a store (bench/cmd/ops)")
	users := flag.Int("users", 0, "with -ops, the account's users beside the demo user (bench/cmd/ops gives one per connection)")
	flag.Parse()

	key, err := blob.GenerateKey()
	if err != nil {
		return err
	}
	if *ops {
		h, err := opsHandler(key, *users)
		if err != nil {
			return err
		}
		return baseline.Serve("floor", *addr, h)
	}
	// JSON-shaped, as the mock's plaintext is; its content does not change the cost.
	plaintext := []byte(`{"secret":"` + strings.Repeat("p", max(*size-13, 0)) + `"}`)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/{project_id}/secrets/{secret_name}/backup", func(w http.ResponseWriter, _ *http.Request) {
		sealed, err := key.Seal(plaintext)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body := `{"secret_blob":"` + sealed + "\"}\n"
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write([]byte(body))
	})
	return baseline.Serve("floor", *addr, mux)
}
