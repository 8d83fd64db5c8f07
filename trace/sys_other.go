//go:build !unix

package trace

import (
	"net"
	"syscall"
)

// socketFamily is unknown where the server does not run.
func socketFamily(net.Conn) string { return "" }

// listenInfo is unknown where the server does not run.
func listenInfo(net.Listener) (string, bool, bool) { return "", false, false }

func signalName(sig syscall.Signal) string { return "señal " + itoa(int64(sig)) }

func ownGroup(*syscall.SysProcAttr) bool { return false }
