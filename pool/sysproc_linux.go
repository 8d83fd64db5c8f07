package pool

import "syscall"

// sysProcAttr returns the process attributes of a worker: SIGKILL when the
// thread that started it exits (see startProcess) and its own process group,
// so terminal signals reach only the server.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
