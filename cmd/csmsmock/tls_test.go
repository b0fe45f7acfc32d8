package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
)

// TestServeTLSCertOut: a client that trusts only the PEM the mock wrote verifies the mock
// for each loopback name, and the banner says how to trust it.
func TestServeTLSCertOut(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "csmsmock-ca.pem")
	s := start(t, "--tls", "--tls-cert-out", caFile)
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatalf("--tls-cert-out: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	for _, want := range []string{
		"The certificate authority is in " + caFile,
		"export SSL_CERT_FILE=" + caFile,
		"export HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4=" + s.url + "\n",
		"export HUAWEICLOUD_SDK_IAM_ENDPOINT=" + s.url + "\n",
		"curl -s --cacert " + caFile + " ",
	} {
		if !strings.Contains(s.banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, s.banner)
		}
	}
	port := s.url[strings.LastIndex(s.url, ":"):]
	for _, name := range []string{"127.0.0.1", "localhost", "::1"} {
		t.Run(name, func(t *testing.T) {
			// The connection goes to 127.0.0.1; ServerName is the name the certificate
			// must be valid for, as a client dialling that name would check.
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: name}}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			res, err := c.Get("https://127.0.0.1" + port + "/__admin/health")
			if err != nil {
				t.Fatalf("a client trusting only %s: %v", caFile, err)
			}
			res.Body.Close()
		})
	}
	// And a name the certificate is not for is refused: the trust is not blanket.
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "example.com"}}
	defer tr.CloseIdleConnections()
	if _, err := (&http.Client{Transport: tr}).Get(s.url + "/__admin/health"); err == nil {
		t.Error("the certificate is valid for example.com")
	}
}

// TestServeRegion: --region names the default project for IAM's project lookup.
func TestServeRegion(t *testing.T) {
	s := start(t, "--region", "ap-southeast-3")
	if !strings.Contains(s.banner, "HUAWEICLOUD_SDK_REGION_CSMS_AP_SOUTHEAST_3=") {
		t.Errorf("the banner does not name the region's variable:\n%s", s.banner)
	}
	for name, want := range map[string]int{"ap-southeast-3": 1, "cn-north-4": 0} {
		req, _ := http.NewRequest("GET", s.url+"/v3/projects?name="+name, nil)
		if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Projects []struct{ ID string } `json:"projects"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || len(body.Projects) != want {
			t.Errorf("projects named %s: %d %v %+v, want %d", name, res.StatusCode, err, body, want)
		}
	}
}
