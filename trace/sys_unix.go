//go:build unix

package trace

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// socketFamily returns the address family of c's socket as the kernel
// reports it (getsockname), "AF_INET" or "AF_INET6", or "" if unknown. A
// dual-stack socket is AF_INET6 even when its peer is IPv4.
func socketFamily(c net.Conn) string {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return ""
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return ""
	}
	var sa unix.Sockaddr
	rc.Control(func(fd uintptr) { sa, _ = unix.Getsockname(int(fd)) })
	return familyName(sa)
}

func familyName(sa unix.Sockaddr) string {
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return "AF_INET"
	case *unix.SockaddrInet6:
		return "AF_INET6"
	}
	return ""
}

// listenInfo returns the family of a listening socket and, for AF_INET6,
// the IPV6_V6ONLY option as the kernel reports it.
func listenInfo(l net.Listener) (family string, v6only, ok bool) {
	sc, isSC := l.(syscall.Conn)
	if !isSC {
		return "", false, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return "", false, false
	}
	rc.Control(func(fd uintptr) {
		sa, err := unix.Getsockname(int(fd))
		if err != nil {
			return
		}
		family, ok = familyName(sa), true
		if family == "AF_INET6" {
			v, err := unix.GetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
			v6only = err == nil && v != 0
		}
	})
	return family, v6only, ok && family != ""
}

// signalName is "SIGKILL" for syscall.SIGKILL.
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return "señal " + itoa(int64(sig))
}

// ownGroup reports whether the child gets a process group of its own.
func ownGroup(a *syscall.SysProcAttr) bool { return a.Setpgid }
