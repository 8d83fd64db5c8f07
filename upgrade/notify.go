//go:build unix

package upgrade

import (
	"net"
	"os"
)

// Notify sends state (such as "READY=1") to the service manager when it
// asked for it with NOTIFY_SOCKET, as systemd does for Type=notify; it does
// nothing otherwise. Errors are ignored: a notification is a courtesy, and
// a manager that does not listen stops the service by its own timeout.
//
// NOTIFY_SOCKET stays in the environment: the next process of an upgrade
// uses it to say that it is the service's main process now.
func Notify(state string) {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return
	}
	// A name starting with "@" is in the abstract namespace; package net
	// understands that spelling.
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return
	}
	defer c.Close()
	c.Write([]byte(state))
}
