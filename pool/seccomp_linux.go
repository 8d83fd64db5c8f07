package pool

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// seccompTable is the system-call allowlist of one architecture, with the
// numbers of x/sys/unix for it (see syscallTable, one file per
// architecture).
//
// Refused calls fail with EPERM rather than killing the worker. Both keep
// the call from running, which is what protects the server; the difference
// is what a call missing from the list costs. The Go runtime makes some
// calls only on rare paths, and copes with an error from most of them; a
// KILL would turn such a gap into a dead worker and a lost task, from an
// image that did nothing wrong. Only a system call of another architecture
// (which would be read with other numbers) kills the process at once.
type seccompTable struct {
	// arch is the AUDIT_ARCH_* value of the architecture.
	arch uint32
	// x32 is, on amd64, the bit that marks the calls of the x32 ABI, which
	// share AUDIT_ARCH_X86_64 and are refused; 0 elsewhere.
	x32 uint32
	// allow lists the calls allowed whatever their arguments.
	allow []uint32
	// clone is allowed only to start a thread (CLONE_THREAD): the runtime
	// starts threads, never processes.
	clone uint32
	// noExec lists the calls allowed only without PROT_EXEC (mmap,
	// mprotect): a worker never needs new executable memory.
	noExec []uint32
	// tgkill is allowed only towards the worker's own threads (the runtime
	// preempts goroutines with signals).
	tgkill uint32
	// enosys lists the calls that fail with ENOSYS, as if the kernel did not
	// know them: clone3, whose flags are in memory a filter cannot read, so
	// that a C library falls back to clone.
	enosys []uint32
}

// Offsets in struct seccomp_data. The arguments are 64-bit; the filter
// reads their low 32 bits, which come first on the little-endian
// architectures that have a table.
const (
	offNr   = 0
	offArch = 4
	offArgs = 16
)

// filter returns the BPF program of t for the process pid.
func (t *seccompTable) filter(pid int) []unix.SockFilter {
	const (
		ld   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret  = unix.BPF_RET | unix.BPF_K
	)
	stmt := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	jump := func(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
		return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
	}
	fail := func(e syscall.Errno) uint32 { return unix.SECCOMP_RET_ERRNO | uint32(e)&unix.SECCOMP_RET_DATA }
	arg := func(i int) uint32 { return offArgs + 8*uint32(i) }
	var (
		allow = stmt(ret, unix.SECCOMP_RET_ALLOW)
		deny  = stmt(ret, fail(unix.EPERM))
	)

	p := []unix.SockFilter{
		stmt(ld, offArch),
		jump(jeq, t.arch, 1, 0),
		stmt(ret, unix.SECCOMP_RET_KILL_PROCESS),
		stmt(ld, offNr),
	}
	if t.x32 != 0 {
		p = append(p, jump(jge, t.x32, 0, 1), deny)
	}
	for _, nr := range t.allow {
		p = append(p, jump(jeq, nr, 0, 1), allow)
	}
	for _, nr := range t.enosys {
		p = append(p, jump(jeq, nr, 0, 1), stmt(ret, fail(unix.ENOSYS)))
	}
	// Each of these blocks loads an argument and returns either way, so
	// the accumulator holds the call number again wherever it is skipped.
	p = append(p,
		jump(jeq, t.clone, 0, 4),
		stmt(ld, arg(0)),
		jump(jset, unix.CLONE_THREAD, 0, 1),
		allow, deny)
	for _, nr := range t.noExec {
		p = append(p,
			jump(jeq, nr, 0, 4),
			stmt(ld, arg(2)),
			jump(jset, unix.PROT_EXEC, 1, 0),
			allow, deny)
	}
	p = append(p,
		jump(jeq, t.tgkill, 0, 4),
		stmt(ld, arg(0)),
		jump(jeq, uint32(pid), 0, 1),
		allow, deny)
	return append(p, deny)
}
