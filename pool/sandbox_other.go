//go:build unix && !linux && !freebsd && !openbsd

package pool

import "procesa/proto"

// confine does nothing on macOS and NetBSD: neither offers a way for a
// process to confine itself that fits here (macOS's sandbox_init is a
// private, deprecated C API; NetBSD has no Capsicum or pledge), so a worker
// there is bounded by its resource limits alone.
func confine(r *proto.Ready) {}
