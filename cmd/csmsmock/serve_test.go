package main

import (
	"net"
	"testing"
)

func TestReachableAddrNamesLoopbackForAWildcardListener(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, "127.0.0.1:9"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "[::1]:9"},
	} {
		if got := reachableAddr(tc.addr); got != tc.want {
			t.Errorf("reachableAddr(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}
