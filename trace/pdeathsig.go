//go:build linux || freebsd

package trace

import "syscall"

// deathSignal is the signal the kernel sends the child when its parent
// dies (PR_SET_PDEATHSIG on Linux, PROC_PDEATHSIG_CTL on FreeBSD).
func deathSignal(a *syscall.SysProcAttr) syscall.Signal { return a.Pdeathsig }
