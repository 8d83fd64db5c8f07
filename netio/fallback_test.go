package netio

import (
	"context"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
)

// TestListenFallsBackWithoutIPv6 plays a kernel built without IPv6, where
// making an IPv6 socket fails with EAFNOSUPPORT: "::" must then listen on
// 0.0.0.0.
func TestListenFallsBackWithoutIPv6(t *testing.T) {
	real := listenOne
	defer func() { listenOne = real }()
	listenOne = func(ctx context.Context, network string, ip net.IP, port int, v6only bool) (net.Listener, error) {
		if network == "tcp6" {
			return nil, &net.OpError{Op: "listen", Net: network, Err: os.NewSyscallError("socket", syscall.EAFNOSUPPORT)}
		}
		return real(ctx, network, ip, port, v6only)
	}
	ls, err := Listen(context.Background(), "::", 0)
	if err != nil {
		t.Fatalf("Listen(::) without IPv6: %v", err)
	}
	defer closeAll(ls)
	if len(ls) != 1 {
		t.Fatalf("got %d listeners, want 1", len(ls))
	}
	addr := ls[0].Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4zero) {
		t.Errorf("listening on %v, want 0.0.0.0", addr)
	}
	go func() {
		if c, err := ls[0].Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := net.Dial("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(addr.Port)))
	if err != nil {
		t.Fatalf("an IPv4 client cannot connect to the fallback socket: %v", err)
	}
	c.Close()

	// Other errors are not taken for a missing IPv6.
	listenOne = func(ctx context.Context, network string, ip net.IP, port int, v6only bool) (net.Listener, error) {
		return nil, &net.OpError{Op: "listen", Net: network, Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}
	}
	if _, err := Listen(context.Background(), "::", 8090); err == nil {
		t.Error("Listen(::) succeeded although the port was taken")
	}
}
