//go:build unix && !openbsd

package netio

import (
	"context"
	"net"
)

// listenWildcard listens on every address of the host, IPv6 and IPv4. Linux,
// macOS, FreeBSD and NetBSD have dual-stack sockets: one IPv6 socket bound
// to "::" with IPV6_V6ONLY off also takes IPv4 connections, which it sees
// as IPv4-mapped addresses (::ffff:192.0.2.1). On a host without IPv6 it
// falls back to one IPv4 socket on 0.0.0.0.
func listenWildcard(ctx context.Context, port int) ([]net.Listener, error) {
	l, err := listenOne(ctx, "tcp6", net.IPv6unspecified, port, false)
	if err == nil {
		return []net.Listener{l}, nil
	}
	if !noIPv6(err) {
		return nil, err
	}
	l, err = listenOne(ctx, "tcp4", net.IPv4zero, port, false)
	if err != nil {
		return nil, err
	}
	return []net.Listener{l}, nil
}
