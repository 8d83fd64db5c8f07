package pool

import (
	"golang.org/x/sys/unix"

	"procesa/proto"
)

// confine puts a FreeBSD worker in Capsicum's capability mode (cap_enter):
// from then on it can reach no global namespace (no path, no new socket
// address, no other process) and use only the descriptors it holds or
// receives. x/sys/unix has no wrapper, hence the raw system call.
func confine(r *proto.Ready) {
	if _, _, errno := unix.Syscall(unix.SYS_CAP_ENTER, 0, 0, 0); errno != 0 {
		r.Missing = append(r.Missing, "capsicum: "+errno.Error())
		return
	}
	r.Active = append(r.Active, "capsicum")
}
