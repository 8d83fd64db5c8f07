//go:build !linux

package pool

import "syscall"

// sysProcAttr returns the process attributes of a worker: its own process
// group. There is no PR_SET_PDEATHSIG outside Linux; a worker still exits
// when its socket reaches end of file, which happens when the server dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
