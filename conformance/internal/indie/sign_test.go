package indie

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The vendor's and the SDK's published signing examples.
func TestSignatureGoldenVectors(t *testing.T) {
	tests := []struct {
		name, method, target, body, ak, sk string
		headers                            map[string]string
		signed                             []string
		want                               string
	}{
		{
			name: "the vendor's signing page", method: "GET",
			target: "http://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
			ak:     "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
			headers: map[string]string{"Content-Type": "application/json", "X-Sdk-Date": "20191115T033655Z"},
			signed:  []string{"content-type", "host", "x-sdk-date"},
			want:    "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
		},
		{
			name: "the SDK's GET test", method: "GET", target: "http://example.com/path?limit=1",
			ak: "AccessKey", sk: "SecretKey",
			headers: map[string]string{"X-Sdk-Date": "20060102T150405Z"},
			signed:  []string{"x-sdk-date"},
			want:    "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		},
		{
			name: "the SDK's POST test", method: "POST", target: "http://example.com/path?key=value",
			body: `{"Name":"test","Id":1}` + "\n", ak: "AccessKey", sk: "SecretKey",
			headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "Content-Type": "application/json"},
			signed:  []string{"x-sdk-date"},
			want:    "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			if got := sign(tt.sk, stringToSign(r, tt.signed, []byte(tt.body))); got != tt.want {
				t.Errorf("signature %s, want %s", got, tt.want)
			}
		})
	}
}
