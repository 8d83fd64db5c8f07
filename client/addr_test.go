package client

import (
	"io"
	"net"
	"strconv"
	"testing"

	"procesa/proto"
)

func TestParseServer(t *testing.T) {
	for _, tc := range []struct {
		in       string
		host     string
		port     int
		wantFail bool
	}{
		{in: "127.0.0.1", host: "127.0.0.1"},
		{in: " 192.168.0.10 ", host: "192.168.0.10"},
		{in: "127.0.0.1:8090", host: "127.0.0.1", port: 8090},
		{in: "::1", host: "::1"},
		{in: "[::1]", host: "::1"},
		{in: "[::1]:9000", host: "::1", port: 9000},
		{in: "2001:db8::10", host: "2001:db8::10"},
		{in: "::ffff:127.0.0.1", host: "::ffff:127.0.0.1"},
		{in: "fe80::1%eth0", host: "fe80::1%eth0"},
		{in: "[fe80::1%eth0]:80", host: "fe80::1%eth0", port: 80},
		{in: "localhost", host: "localhost"},
		{in: "servidor.local:8090", host: "servidor.local", port: 8090},
		{in: "", wantFail: true},
		{in: "[::1", wantFail: true},
		{in: "::%[", wantFail: true},
		{in: "fe80::1%", wantFail: true},
		{in: "[localhost]", wantFail: true},
		{in: "[127.0.0.1]", wantFail: true},
		{in: "[::1]:0", wantFail: true},
		{in: "[::1]:x", wantFail: true},
		{in: "localhost:", wantFail: true},
		{in: "localhost:70000", wantFail: true},
		{in: "1:2:3", wantFail: true},
		{in: "mal nombre", wantFail: true},
		{in: "http://localhost", wantFail: true},
	} {
		host, port, err := parseServer(tc.in)
		if tc.wantFail {
			if err == nil {
				t.Errorf("parseServer(%q) = %q, %d, nil; quería un error", tc.in, host, port)
			}
			continue
		}
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("parseServer(%q) = %q, %d, %v; quería %q, %d, nil", tc.in, host, port, err, tc.host, tc.port)
		}
	}
}

func TestHostHeader(t *testing.T) {
	for _, tc := range []struct {
		host string
		port int
		want string
	}{
		{"127.0.0.1", 8090, "127.0.0.1:8090"},
		{"::1", 8090, "[::1]:8090"},
		{"fe80::1%eth0", 80, "[fe80::1]:80"},
		{"localhost", 1, "localhost:1"},
	} {
		if got := hostHeader(tc.host, tc.port); got != tc.want {
			t.Errorf("hostHeader(%q, %d) = %q; quería %q", tc.host, tc.port, got, tc.want)
		}
	}
}

// FuzzParseServer checks that whatever parseServer accepts makes a dial
// address that splits back into the same host and a Host header that package
// proto agrees to send.
func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "[::1]:8090", "::1", "fe80::1%eth0", "localhost:80", "a_b.c", "[::1", "1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, port, err := parseServer(s)
		if err != nil {
			return
		}
		if host == "" || port < 0 || port > 65535 {
			t.Fatalf("parseServer(%q) = %q, %d", s, host, port)
		}
		if port == 0 {
			port = defaultPort
		}
		c := newConn(host, port)
		h, p, err := net.SplitHostPort(c.addr)
		if err != nil || h != host || p != strconv.Itoa(port) {
			t.Fatalf("parseServer(%q): dirección %q no se separa en %q, %d (%q, %q, %v)", s, c.addr, host, port, h, p, err)
		}
		if err := proto.WriteRequestHead(io.Discard, "GET", "/", c.host, nil); err != nil {
			t.Fatalf("parseServer(%q): Host %q rechazado por proto: %v", s, c.host, err)
		}
	})
}
