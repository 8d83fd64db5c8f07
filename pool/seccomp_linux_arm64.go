package pool

import "golang.org/x/sys/unix"

// The filter accepts only calls made through the AArch64 ABI; arm64 has no
// x32-like second ABI to refuse.
const (
	auditArch = unix.AUDIT_ARCH_AARCH64
	x32Bit    = 0
)
