//go:build linux && (amd64 || arm64)

package pool

import "golang.org/x/sys/unix"

// syscallTable returns the allowlist of this architecture. The list is what
// strace -f shows a worker doing after its Ready, for every kind of image,
// plus the calls the runtime makes on rarer paths (new threads, thread exit,
// freeing memory, restarted calls) and those a cgo build's C library makes
// for its threads (set_robust_list, rseq). amd64 and arm64 share the names;
// unix.SYS_* gives each its own numbers, and auditArch and x32Bit (one file
// per architecture) say which architecture the filter accepts.
func syscallTable() *seccompTable {
	return &seccompTable{
		arch: auditArch,
		x32:  x32Bit,
		allow: []uint32{
			// Descriptors already open: the socket and the job's files.
			unix.SYS_READ, unix.SYS_WRITE, unix.SYS_PREAD64, unix.SYS_RECVMSG,
			unix.SYS_CLOSE, unix.SYS_FSTAT, unix.SYS_LSEEK, unix.SYS_FCNTL,
			unix.SYS_EPOLL_PWAIT, unix.SYS_EPOLL_CTL,
			// Memory.
			unix.SYS_MUNMAP, unix.SYS_MADVISE,
			// Threads, scheduling and time.
			unix.SYS_FUTEX, unix.SYS_SCHED_YIELD, unix.SYS_SCHED_GETAFFINITY,
			unix.SYS_NANOSLEEP, unix.SYS_CLOCK_NANOSLEEP, unix.SYS_CLOCK_GETTIME,
			unix.SYS_GETTIMEOFDAY, unix.SYS_GETPID, unix.SYS_GETTID, unix.SYS_GETRANDOM,
			unix.SYS_SET_ROBUST_LIST, unix.SYS_RSEQ,
			// Signals, as the runtime uses them.
			unix.SYS_RT_SIGACTION, unix.SYS_RT_SIGPROCMASK, unix.SYS_RT_SIGRETURN,
			unix.SYS_SIGALTSTACK, unix.SYS_RESTART_SYSCALL,
			// The end.
			unix.SYS_EXIT, unix.SYS_EXIT_GROUP,
		},
		clone:  unix.SYS_CLONE,
		noExec: []uint32{unix.SYS_MMAP, unix.SYS_MPROTECT},
		tgkill: unix.SYS_TGKILL,
		enosys: []uint32{unix.SYS_CLONE3},
	}
}
