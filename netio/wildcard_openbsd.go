package netio

import (
	"context"
	"net"
)

// listenWildcard listens on every address of the host, IPv6 and IPv4.
// OpenBSD has no dual-stack sockets (IPV6_V6ONLY is always on), so it takes
// two sockets on the same port: "::" for IPv6 and 0.0.0.0 for IPv4. The
// server serves both and prints both addresses. On a host without IPv6 the
// IPv4 socket alone is enough.
func listenWildcard(ctx context.Context, port int) ([]net.Listener, error) {
	var ls []net.Listener
	l6, err := listenOne(ctx, "tcp6", net.IPv6unspecified, port, true)
	switch {
	case err == nil:
		ls = append(ls, l6)
		if port == 0 {
			port = l6.Addr().(*net.TCPAddr).Port
		}
	case !noIPv6(err):
		return nil, err
	}
	l4, err := listenOne(ctx, "tcp4", net.IPv4zero, port, false)
	if err != nil {
		closeAll(ls)
		return nil, err
	}
	return append(ls, l4), nil
}
