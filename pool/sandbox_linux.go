package pool

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"procesa/proto"
)

// confine confines a Linux worker, in three steps, each of which the
// kernel may refuse alone (an old kernel, a container that forbids it):
//
//  1. no_new_privs: nothing the worker could exec would gain privileges;
//     the kernel demands it of an unprivileged process before the other two.
//  2. Landlock, with every access right the kernel knows handled and no
//     rule: no path can be opened, created, removed or executed; from ABI 4,
//     no TCP port can be bound or connected to; from ABI 6, no signal can
//     reach a process outside the worker and no abstract Unix socket can be
//     reached.
//  3. A seccomp filter that lets through only the system calls the Go
//     runtime and the image code make on descriptors they already hold
//     (see seccompTable), and makes every other fail with EPERM.
//
// The descriptors already open stay usable: the socket to the server and the
// files of each job.
func confine(r *proto.Ready) {
	for _, l := range layers {
		if err := l.apply(); err != nil {
			r.Missing = append(r.Missing, l.name+": "+err.Error())
		} else {
			r.Active = append(r.Active, l.name)
		}
	}
}

// layers are the steps of confine, in order. A variable only so that the
// tests can check one layer without the others.
var layers = []struct {
	name  string
	apply func() error
}{
	{"no_new_privs", noNewPrivs},
	{"landlock", landlock},
	{"seccomp", seccomp},
}

// Spanish reasons for what the kernel refuses.
var (
	errCgo        = errors.New("este ejecutable usa cgo y no puede aplicarlo a todos sus hilos")
	errNoLandlock = errors.New("el núcleo no lo admite o lo tiene desactivado")
	errNoArch     = errors.New("no hay lista de llamadas al sistema para esta arquitectura")
)

// allThreads makes one system call on every thread of the process, for the
// settings that Linux keeps per thread. It needs a binary without cgo
// (syscall.AllThreadsSyscall); with cgo it reports errCgo.
func allThreads(trap, a1, a2, a3 uintptr) error {
	_, _, errno := syscall.AllThreadsSyscall(trap, a1, a2, a3)
	if errno == syscall.ENOTSUP {
		return errCgo
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// noNewPrivs sets no_new_privs on every thread. With cgo it is set on this
// thread only, and the seccomp filter, installed with TSYNC, extends it to
// the others.
func noNewPrivs() error {
	err := allThreads(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0)
	if err == errCgo {
		err = unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
	}
	return err
}

// landlockAttr is struct landlock_ruleset_attr as of ABI 6. Older kernels
// are given only the leading fields they know (see landlock).
type landlockAttr struct {
	handledFS  uint64
	handledNet uint64
	scoped     uint64
}

// landlockFS returns every filesystem access right that Landlock ABI abi
// knows: all of them are handled, and no rule grants any.
func landlockFS(abi int) uint64 {
	rights := uint64(unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
		unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR |
		unix.LANDLOCK_ACCESS_FS_REMOVE_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_FILE |
		unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_DIR |
		unix.LANDLOCK_ACCESS_FS_MAKE_REG | unix.LANDLOCK_ACCESS_FS_MAKE_SOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_SYM)
	if abi >= 2 {
		rights |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		rights |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		rights |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return rights
}

// landlock restricts every thread to a Landlock domain with no rule, using
// the newest ABI the kernel offers. From ABI 8 the kernel applies it to all
// threads itself (LANDLOCK_RESTRICT_SELF_TSYNC); before, it is applied
// thread by thread, which needs a binary without cgo.
func landlock() error {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return errNoLandlock
	}
	abi := int(v)
	attr := landlockAttr{handledFS: landlockFS(abi)}
	size := unsafe.Sizeof(attr.handledFS)
	if abi >= 4 {
		attr.handledNet = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
		size += unsafe.Sizeof(attr.handledNet)
	}
	if abi >= 6 {
		attr.scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
		size += unsafe.Sizeof(attr.scoped)
	}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return fmt.Errorf("creando las reglas (ABI %d): %w", abi, errno)
	}
	defer unix.Close(int(fd))
	if abi >= 8 {
		_, _, errno = unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, fd, unix.LANDLOCK_RESTRICT_SELF_TSYNC, 0)
		if errno != 0 {
			return fmt.Errorf("aplicando las reglas (ABI %d): %w", abi, errno)
		}
		return nil
	}
	if err := allThreads(unix.SYS_LANDLOCK_RESTRICT_SELF, fd, 0, 0); err != nil {
		return fmt.Errorf("aplicando las reglas (ABI %d): %w", abi, err)
	}
	return nil
}

// seccomp installs the allowlist filter of this architecture on every
// thread (SECCOMP_FILTER_FLAG_TSYNC), including those the runtime starts
// later, which inherit it.
func seccomp() error {
	t := syscallTable()
	if t == nil {
		return errNoArch
	}
	prog := t.filter(os.Getpid())
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog)))
	switch {
	case errno == unix.EINVAL || errno == unix.ENOSYS:
		return fmt.Errorf("el núcleo no admite filtros seccomp (%w)", errno)
	case errno != 0:
		return errno
	case r != 0:
		// With TSYNC, the id of a thread that could not take the filter.
		return fmt.Errorf("el hilo %d no admitió el filtro", r)
	}
	return nil
}
