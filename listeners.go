//go:build unix

package main

import (
	"context"
	"net"

	"procesa/netio"
)

// openListeners returns the sockets to serve: those passed by the previous
// process of an upgrade (succ), those passed by the service manager with
// socket activation (LISTEN_FDS and LISTEN_PID), or, when neither, new ones
// on cfg.ip and cfg.port. inherited reports whether they were passed.
func openListeners(ctx context.Context, cfg *config, succ *successor) (ls []net.Listener, inherited bool, err error) {
	if succ != nil {
		return succ.listeners, true, nil
	}
	ls, err = netio.Activated()
	if err != nil || ls != nil {
		return ls, true, err
	}
	ls, err = netio.Listen(ctx, cfg.ip, cfg.port)
	return ls, false, err
}
