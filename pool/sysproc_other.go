//go:build unix && !((linux || freebsd) && !nopdeathsig)

package pool

import "syscall"

// sysProcAttr returns the process attributes of a worker: its own process
// group, so that a Ctrl-C on the terminal reaches only the server. macOS,
// OpenBSD and NetBSD have no parent-death signal; there a worker notices
// its server's death as the end of file of its socket and exits at once,
// even in the middle of a job (see Serve).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
