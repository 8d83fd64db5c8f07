//go:build amd64 || arm64

package pool

import (
	"encoding/binary"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// runBPF runs a classic BPF seccomp program on one system call, as the
// kernel would: it supports exactly the instructions filter emits.
func runBPF(t *testing.T, prog []unix.SockFilter, arch uint32, nr uint32, args [6]uint64) uint32 {
	t.Helper()
	var data [64]byte
	binary.LittleEndian.PutUint32(data[offNr:], nr)
	binary.LittleEndian.PutUint32(data[offArch:], arch)
	for i, a := range args {
		binary.LittleEndian.PutUint64(data[offArgs+8*i:], a)
	}
	var acc uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			acc = binary.LittleEndian.Uint32(data[in.K:])
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			if acc == in.K {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			if acc >= in.K {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			if acc&in.K != 0 {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		default:
			t.Fatalf("instruction %d: unknown code %#x", pc, in.Code)
		}
	}
	t.Fatal("the program ran off its end")
	return 0
}

// TestSeccompFilter checks the decisions of this architecture's filter,
// without installing it, so that it runs anywhere, under qemu-user too.
func TestSeccompFilter(t *testing.T) {
	tab := syscallTable()
	if tab == nil {
		t.Skipf("AVISO: no hay lista de llamadas para %s", runtime.GOARCH)
	}
	const pid = 4242
	prog := tab.filter(pid)
	if len(prog) > 255 {
		t.Fatalf("filter of %d instructions; jumps are relative and short, keep it small", len(prog))
	}
	allow := uint32(unix.SECCOMP_RET_ALLOW)
	eperm := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	enosys := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS))
	tests := []struct {
		name string
		arch uint32
		nr   uint32
		args [6]uint64
		want uint32
	}{
		{"read", tab.arch, unix.SYS_READ, [6]uint64{}, allow},
		{"recvmsg", tab.arch, unix.SYS_RECVMSG, [6]uint64{}, allow},
		{"futex", tab.arch, unix.SYS_FUTEX, [6]uint64{}, allow},
		{"exit_group", tab.arch, unix.SYS_EXIT_GROUP, [6]uint64{}, allow},
		{"openat", tab.arch, unix.SYS_OPENAT, [6]uint64{}, eperm},
		{"socket", tab.arch, unix.SYS_SOCKET, [6]uint64{}, eperm},
		{"connect", tab.arch, unix.SYS_CONNECT, [6]uint64{}, eperm},
		{"execve", tab.arch, unix.SYS_EXECVE, [6]uint64{}, eperm},
		{"ptrace", tab.arch, unix.SYS_PTRACE, [6]uint64{}, eperm},
		{"kill", tab.arch, unix.SYS_KILL, [6]uint64{}, eperm},
		{"newfstatat", tab.arch, unix.SYS_NEWFSTATAT, [6]uint64{}, eperm},
		{"clone thread", tab.arch, unix.SYS_CLONE, [6]uint64{unix.CLONE_VM | unix.CLONE_THREAD | unix.CLONE_SIGHAND}, allow},
		{"clone process", tab.arch, unix.SYS_CLONE, [6]uint64{unix.CLONE_VM | unix.CLONE_VFORK}, eperm},
		{"clone3", tab.arch, unix.SYS_CLONE3, [6]uint64{}, enosys},
		{"mmap rw", tab.arch, unix.SYS_MMAP, [6]uint64{0, 4096, unix.PROT_READ | unix.PROT_WRITE}, allow},
		{"mmap exec", tab.arch, unix.SYS_MMAP, [6]uint64{0, 4096, unix.PROT_READ | unix.PROT_EXEC}, eperm},
		{"mprotect exec", tab.arch, unix.SYS_MPROTECT, [6]uint64{0, 4096, unix.PROT_EXEC}, eperm},
		{"tgkill self", tab.arch, unix.SYS_TGKILL, [6]uint64{pid, 7, 23}, allow},
		{"tgkill other", tab.arch, unix.SYS_TGKILL, [6]uint64{1, 1, 9}, eperm},
		{"other architecture", unix.AUDIT_ARCH_I386, unix.SYS_READ, [6]uint64{}, unix.SECCOMP_RET_KILL_PROCESS},
	}
	if tab.x32 != 0 {
		tests = append(tests, struct {
			name string
			arch uint32
			nr   uint32
			args [6]uint64
			want uint32
		}{"x32 read", tab.arch, tab.x32 | unix.SYS_READ, [6]uint64{}, eperm})
	}
	for _, tt := range tests {
		if got := runBPF(t, prog, tt.arch, tt.nr, tt.args); got != tt.want {
			t.Errorf("%s: filter returns %#x; want %#x", tt.name, got, tt.want)
		}
	}
}
