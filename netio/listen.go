package netio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"procesa/trace"
)

// Listen opens the listening sockets for host and port.
//
//   - "::" (or "") listens on every address, IPv6 and IPv4: one dual-stack
//     socket where the system has them (see listenWildcard); on a host
//     without IPv6, 0.0.0.0.
//   - An IPv4 literal listens on IPv4 only, an IPv6 literal on IPv6 only.
//   - A host name listens on every address it resolves to, all on the same
//     port (with port 0, the one the kernel picked for the first).
func Listen(ctx context.Context, host string, port int) ([]net.Listener, error) {
	if host == "" || host == "::" || host == "[::]" {
		return listenWildcard(ctx, port)
	}
	ips, err := resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var ls []net.Listener
	for _, ip := range ips {
		network := "tcp6"
		if ip.To4() != nil {
			network = "tcp4"
		}
		l, err := listenOne(ctx, network, ip, port, true)
		if err != nil {
			if len(ips) > 1 && noIPv6(err) {
				continue // a name that also resolves to IPv6 on a host without it
			}
			closeAll(ls)
			return nil, err
		}
		if port == 0 {
			port = l.Addr().(*net.TCPAddr).Port
		}
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("ninguna dirección de %q se pudo usar", host)
	}
	return ls, nil
}

func resolve(ctx context.Context, host string) ([]net.IP, error) {
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("no se pudo resolver %q: %w", host, err)
	}
	seen := make(map[string]bool)
	var ips []net.IP
	for _, a := range addrs {
		if a.Zone != "" || seen[a.IP.String()] {
			continue
		}
		seen[a.IP.String()] = true
		ips = append(ips, a.IP)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("%q no tiene direcciones", host)
	}
	return ips, nil
}

// listenOne opens one listening socket; a variable so that a test can play
// a host without IPv6.
var listenOne = func(ctx context.Context, network string, ip net.IP, port int, v6only bool) (net.Listener, error) {
	lc := net.ListenConfig{Control: control(v6only)}
	addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	l, err := lc.Listen(ctx, network, addr)
	trace.Listen(l)
	return l, err
}

// noIPv6 reports whether err says the host cannot do IPv6 at all.
func noIPv6(err error) bool {
	return errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EADDRNOTAVAIL) ||
		errors.Is(err, syscall.EPROTONOSUPPORT)
}

func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}
