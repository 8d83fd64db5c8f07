//go:build !(linux || freebsd)

package trace

import "syscall"

// deathSignal is 0: this system has no parent-death signal, and a worker
// learns of its server's death from its socket instead.
func deathSignal(*syscall.SysProcAttr) syscall.Signal { return 0 }
