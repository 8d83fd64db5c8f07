//go:build unix

package netio

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// control returns a net.ListenConfig.Control function that sets IPV6_V6ONLY
// on IPv6 sockets: on for an IPv6 literal, off for the dual-stack "::".
// Every Unix-like system has the option; only OpenBSD refuses to turn it
// off, which listenWildcard accounts for.
func control(v6only bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		if network != "tcp6" {
			return nil
		}
		val := 0
		if v6only {
			val = 1
		}
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, val)
		})
		if err != nil {
			return err
		}
		if serr != nil {
			return fmt.Errorf("setting IPV6_V6ONLY: %w", serr)
		}
		return nil
	}
}
