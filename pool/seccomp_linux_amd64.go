package pool

import "golang.org/x/sys/unix"

// The filter accepts only calls made through the x86-64 ABI: x32 calls,
// which carry this bit in their number, are refused like any other
// architecture's.
const (
	auditArch = unix.AUDIT_ARCH_X86_64
	x32Bit    = 0x40000000 // __X32_SYSCALL_BIT
)
