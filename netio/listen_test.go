package netio

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// listen calls Listen and closes the listeners at cleanup.
func listen(t *testing.T, host string, port int) []net.Listener {
	t.Helper()
	ls, err := Listen(context.Background(), host, port)
	if err != nil {
		t.Fatalf("Listen(%q, %d): %v", host, port, err)
	}
	t.Cleanup(func() { closeAll(ls) })
	return ls
}

func portOf(t *testing.T, l net.Listener) int {
	t.Helper()
	p := l.Addr().(*net.TCPAddr).Port
	if p == 0 {
		t.Fatalf("%v: port 0 was not replaced by a real port", l.Addr())
	}
	return p
}

// acceptFrom dials network/ip:port and checks that l accepts the
// connection, from an address of the expected family.
func acceptFrom(t *testing.T, l net.Listener, network, ip string, port int) {
	t.Helper()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		ch <- result{c, err}
	}()
	c, err := net.DialTimeout(network, net.JoinHostPort(ip, strconv.Itoa(port)), ioWait)
	if err != nil {
		t.Fatalf("dial %s %s: %v", network, ip, err)
	}
	defer c.Close()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("Accept: %v", r.err)
		}
		defer r.c.Close()
		raddr := r.c.RemoteAddr().(*net.TCPAddr)
		if is4 := raddr.IP.To4() != nil; is4 != (network == "tcp4") {
			t.Errorf("dialed over %s, accepted from %v", network, raddr)
		}
	case <-time.After(ioWait):
		l.Close() // unblocks Accept
		t.Fatalf("%v did not accept a %s connection", l.Addr(), network)
	}
}

// refused checks that nothing listens on network/ip:port.
func refused(t *testing.T, network, ip string, port int) {
	t.Helper()
	c, err := net.DialTimeout(network, net.JoinHostPort(ip, strconv.Itoa(port)), ioWait)
	if err == nil {
		c.Close()
		t.Errorf("dial %s %s:%d succeeded; want it refused", network, ip, port)
		return
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial %s %s:%d: %v; want connection refused", network, ip, port, err)
	}
}

// v6only returns the IPV6_V6ONLY option of l's socket.
func v6only(t *testing.T, l net.Listener) int {
	t.Helper()
	rc, err := l.(*net.TCPListener).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) {
		v, serr = unix.GetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
	}); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatalf("getsockopt IPV6_V6ONLY: %v", serr)
	}
	return v
}

func TestListenDualStack(t *testing.T) {
	requireIPv6(t)
	for _, host := range []string{"::", "", "[::]"} {
		t.Run(strconv.Quote(host), func(t *testing.T) {
			ls := listen(t, host, 0)
			if len(ls) != 1 {
				t.Fatalf("Listen(%q) gave %d listeners; want one dual-stack socket", host, len(ls))
			}
			l := ls[0]
			addr := l.Addr().(*net.TCPAddr)
			if !addr.IP.Equal(net.IPv6unspecified) {
				t.Errorf("listening on %v; want [::]", addr)
			}
			if v := v6only(t, l); v != 0 {
				t.Errorf("IPV6_V6ONLY = %d; want 0", v)
			}
			port := portOf(t, l)
			acceptFrom(t, l, "tcp4", "127.0.0.1", port)
			acceptFrom(t, l, "tcp6", "::1", port)
		})
	}
}

func TestListenIPv4Only(t *testing.T) {
	ls := listen(t, "127.0.0.1", 0)
	if len(ls) != 1 {
		t.Fatalf("got %d listeners; want 1", len(ls))
	}
	port := portOf(t, ls[0])
	acceptFrom(t, ls[0], "tcp4", "127.0.0.1", port)
	if ipv6Once() {
		refused(t, "tcp6", "::1", port)
	}
}

func TestListenIPv6Only(t *testing.T) {
	requireIPv6(t)
	for _, host := range []string{"::1", "[::1]"} {
		t.Run(host, func(t *testing.T) {
			ls := listen(t, host, 0)
			if len(ls) != 1 {
				t.Fatalf("got %d listeners; want 1", len(ls))
			}
			if v := v6only(t, ls[0]); v != 1 {
				t.Errorf("IPV6_V6ONLY = %d; want 1 for an IPv6 literal", v)
			}
			port := portOf(t, ls[0])
			acceptFrom(t, ls[0], "tcp6", "::1", port)
			refused(t, "tcp4", "127.0.0.1", port)
		})
	}
}

func TestListenHostName(t *testing.T) {
	addrs, err := net.DefaultResolver.LookupIPAddr(context.Background(), "localhost")
	if err != nil || len(addrs) == 0 {
		t.Skipf("\"localhost\" no se resuelve en este equipo (%v); se omite la prueba", err)
	}
	var want []net.IP
	for _, a := range addrs {
		if a.IP.To4() == nil && !ipv6Once() {
			continue // Listen skips what the host cannot use
		}
		want = append(want, a.IP)
	}
	ls := listen(t, "localhost", 0)
	if len(ls) != len(want) {
		t.Fatalf("Listen(localhost) gave %d listeners for the addresses %v", len(ls), want)
	}
	port := portOf(t, ls[0])
	for i, l := range ls {
		a := l.Addr().(*net.TCPAddr)
		if !a.IP.Equal(want[i]) {
			t.Errorf("listener %d on %v; want %v", i, a.IP, want[i])
		}
		if a.Port != port {
			t.Errorf("listener %d on port %d; want the same port %d as the first", i, a.Port, port)
		}
		network := "tcp6"
		if a.IP.To4() != nil {
			network = "tcp4"
		}
		acceptFrom(t, l, network, a.IP.String(), port)
	}
}

func TestListenFixedPort(t *testing.T) {
	ls := listen(t, "127.0.0.1", 0)
	port := portOf(t, ls[0])
	if _, err := Listen(context.Background(), "127.0.0.1", port); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Listen on a busy port: %v; want EADDRINUSE", err)
	}
	closeAll(ls)
	// The port is free again: asking for it by number gets exactly it.
	ls = listen(t, "127.0.0.1", port)
	if got := portOf(t, ls[0]); got != port {
		t.Errorf("Listen on port %d listens on %d", port, got)
	}
}

func TestListenBadHost(t *testing.T) {
	for _, host := range []string{"no-existe.invalid", "999.1.1.1", "[::1"} {
		ls, err := Listen(context.Background(), host, 0)
		if err == nil {
			closeAll(ls)
			t.Errorf("Listen(%q) succeeded; want an error", host)
		}
	}
}
