//go:build soak

package soak

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// build compiles a command of the module into dir.
func build(t *testing.T, pkg, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, "./"+pkg)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// TestBinaryCutsSlowClients starts the real csmsmock binary and checks the limits serve.go
// sets: connections that never finish their headers are closed at the 10 s header timeout while
// the mock keeps serving, a 2 MiB header is refused (431), and SIGTERM shuts it down cleanly.
func TestBinaryCutsSlowClients(t *testing.T) {
	bin := build(t, "cmd/csmsmock", t.TempDir())
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`listening on http://(\S+)`)
	addr := ""
	for addr == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go io.Copy(io.Discard, stdout)
	if addr == "" {
		t.Fatal("no banner")
	}
	get := func() int {
		req, _ := http.NewRequest("GET", "http://"+addr+secretsPath+"/"+mock.DemoSecretName, nil)
		req.Header.Set("X-Auth-Token", mock.DemoToken)
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("the mock does not serve: %v", err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	const stalled = 200
	start := time.Now()
	conns := make([]net.Conn, stalled)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET "+secretsPath+" HTTP/1.1\r\nHost: h\r\nX-Slow: ")
		conns[i] = c
	}
	if st := get(); st != 200 {
		t.Errorf("with %d stalled connections open: %d", stalled, st)
	}
	var wg sync.WaitGroup
	var closedLate atomic.Int64
	for _, c := range conns {
		wg.Go(func() {
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.ReadAll(c); err != nil {
				closedLate.Add(1)
			}
		})
	}
	wg.Wait()
	if n := closedLate.Load(); n > 0 {
		t.Errorf("%d stalled connections were still open 20 s later", n)
	}
	if d := time.Since(start); d < 9*time.Second || d > 15*time.Second {
		t.Errorf("stalled connections were closed after %s, want about the 10 s header timeout", d)
	}

	req, _ := http.NewRequest("GET", "http://"+addr+secretsPath, nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 2<<20))
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("2 MiB header: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("2 MiB header: %d, want 431", res.StatusCode)
	}
	if st := get(); st != 200 {
		t.Errorf("after the slow clients: %d", st)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("csmsmock did not stop within 15 s of SIGTERM")
	}
}
