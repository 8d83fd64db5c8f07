package pool

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketpair returns a connected pair of Unix stream sockets, both
// close-on-exec. macOS has no SOCK_CLOEXEC, so the flag is set afterwards
// with fcntl; syscall.ForkLock, held for reading, keeps any fork of this
// process (os/exec takes the write lock) from happening between the two
// steps and leaking the pair into another child.
func socketpair() ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
	}
	return fds, nil
}
