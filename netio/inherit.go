package netio

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"procesa/trace"
)

// The socket activation protocol of systemd (sd_listen_fds): the service
// manager opens the listening sockets itself and starts the server with
// them as file descriptors 3, 4, ..., saying how many in LISTEN_FDS and for
// which process in LISTEN_PID. A process that is not LISTEN_PID (a child
// that inherited the environment) must ignore them.
const (
	envListenPID   = "LISTEN_PID"
	envListenFDs   = "LISTEN_FDS"
	envListenNames = "LISTEN_FDNAMES"
	// firstListenFD is SD_LISTEN_FDS_START: the first inherited socket.
	firstListenFD = 3
)

// Activated returns the listening sockets a service manager passed with
// socket activation, or nil, nil when the process was not started that
// way. Either way it removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from
// the environment, so that no process started later (a worker, the next
// binary after an upgrade) takes them for its own.
//
// The descriptors are made close-on-exec: each returned net.Listener holds
// its own duplicate, and the original descriptor is closed.
func Activated() ([]net.Listener, error) {
	pid, fds := os.Getenv(envListenPID), os.Getenv(envListenFDs)
	os.Unsetenv(envListenPID)
	os.Unsetenv(envListenFDs)
	os.Unsetenv(envListenNames)
	if pid == "" || fds == "" {
		return nil, nil
	}
	if p, err := strconv.Atoi(pid); err != nil || p != os.Getpid() {
		return nil, nil // meant for another process
	}
	n, err := strconv.Atoi(fds)
	if err != nil || n < 1 || n > 1024 {
		return nil, fmt.Errorf("%s=%q no es un número de sockets válido", envListenFDs, fds)
	}
	return FileListeners(firstListenFD, n)
}

// FileListeners turns the inherited descriptors first, first+1, ...,
// first+n-1 into listeners. Each must be a listening socket; on an error
// the listeners made so far are closed.
func FileListeners(first, n int) ([]net.Listener, error) {
	var ls []net.Listener
	for fd := first; fd < first+n; fd++ {
		l, err := fileListener(fd)
		if err != nil {
			closeAll(ls)
			return nil, err
		}
		ls = append(ls, l)
	}
	return ls, nil
}

func fileListener(fd int) (net.Listener, error) {
	f := os.NewFile(uintptr(fd), "socket-heredado-"+strconv.Itoa(fd))
	if f == nil {
		return nil, fmt.Errorf("el descriptor heredado %d no es válido", fd)
	}
	defer f.Close() // the listener holds its own close-on-exec duplicate
	l, err := net.FileListener(f)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // "socket operation on non-socket", without the file name
		}
		return nil, fmt.Errorf("el descriptor heredado %d no es un socket en escucha: %w", fd, err)
	}
	trace.Inherited(l, fd)
	return l, nil
}

// ListenerFile returns a duplicate of l's descriptor as an *os.File, to be
// passed to another process. The caller closes it.
func ListenerFile(l net.Listener) (*os.File, error) {
	fl, ok := l.(interface{ File() (*os.File, error) })
	if !ok {
		return nil, fmt.Errorf("el socket %s no se puede pasar a otro proceso", l.Addr())
	}
	return fl.File()
}
