package pool

import (
	"golang.org/x/sys/unix"

	"procesa/proto"
)

// confine pledges an OpenBSD worker to "stdio recvfd": it may read, write
// and map memory, and receive descriptors over its socket, and nothing else
// (no path, no socket, no exec, no other process); the empty execpromises
// forbid exec as well. Breaking the pledge kills the process.
func confine(r *proto.Ready) {
	if err := unix.Pledge("stdio recvfd", ""); err != nil {
		r.Missing = append(r.Missing, "pledge: "+err.Error())
		return
	}
	r.Active = append(r.Active, "pledge")
}
