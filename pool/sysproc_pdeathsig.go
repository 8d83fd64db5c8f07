//go:build (linux || freebsd) && !nopdeathsig

package pool

import "syscall"

// sysProcAttr returns the process attributes of a worker: its own process
// group, so that a Ctrl-C on the terminal reaches only the server, and
// SIGKILL when its parent dies (PR_SET_PDEATHSIG on Linux,
// PROC_PDEATHSIG_CTL on FreeBSD). On Linux the signal comes when the
// *thread* that started the child exits, which is why startProcess keeps
// that thread for the child's whole life.
//
// The build tag nopdeathsig leaves the signal out, so that tests can check
// the fallback that the other systems rely on (see Serve).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
