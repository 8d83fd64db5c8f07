//go:build unix && !darwin

package pool

import "golang.org/x/sys/unix"

// socketpair returns a connected pair of Unix stream sockets, both
// close-on-exec, so that only the worker they are meant for inherits its
// end (through exec.Cmd.ExtraFiles, which clears the flag on that copy).
// Linux and the BSDs set the flag atomically with SOCK_CLOEXEC.
func socketpair() ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}
