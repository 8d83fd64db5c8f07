package pool

import (
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"procesa/proto"
)

// Limits are the resource limits a worker sets on itself before its first
// job. The zero value sets only the limits that need no figure: few file
// descriptors and no core file.
type Limits struct {
	// Memory bounds the worker's data segment (RLIMIT_DATA), in bytes; 0
	// means no memory limit. An image that needs more makes the worker fail
	// to allocate and die: the job fails, and the worker is replaced.
	Memory int64
}

// envMemory carries Limits.Memory from the server to its workers.
const envMemory = "PROCESA_LIMITE_MEMORIA"

// env returns the environment entries that hand l to a worker.
func (l Limits) env() []string {
	if l.Memory <= 0 {
		return nil
	}
	return []string{envMemory + "=" + strconv.FormatInt(l.Memory, 10)}
}

// limitsFromEnv returns the Limits the server handed this worker.
func limitsFromEnv() Limits {
	n, _ := strconv.ParseInt(os.Getenv(envMemory), 10, 64)
	return Limits{Memory: max(n, 0)}
}

// WorkerMemoryLimit returns, in a worker, the memory limit its server gave
// it (Limits.Memory), or 0 for none.
func WorkerMemoryLimit() int64 { return limitsFromEnv().Memory }

// maxOpenFiles is a worker's RLIMIT_NOFILE: its standard streams, its
// socket, the runtime's poller, and the two files of a job, with room to
// spare.
const maxOpenFiles = 16

// dropRights gives up what a worker does not need, once it has said Hello
// and before its first job: first the resource limits, then what the system
// offers to confine a process (confine, one file per system). What cannot
// be applied is reported in Ready.Missing, in Spanish, and the worker goes
// on without it. A variable only so that the tests that run Serve inside
// the test process itself can leave that process unconfined.
var dropRights = func(l Limits) proto.Ready {
	// Whatever the runtime loads lazily from files must be loaded now,
	// while files can still be opened: the local time zone, for the time
	// stamps of log lines.
	time.Now().Zone()

	// The garbage collector works harder as the heap nears the hard limit,
	// so that garbage alone never reaches it: only an image that really
	// needs more memory does.
	if l.Memory > 0 {
		debug.SetMemoryLimit(l.Memory / 10 * 9)
	}
	closeInherited()
	var r proto.Ready
	if err := setLimits(l); err != nil {
		r.Missing = append(r.Missing, "rlimits: "+err.Error())
	} else {
		r.Active = append(r.Active, "rlimits")
	}
	confine(&r)
	return r
}

// closeInherited closes the descriptors this worker inherited by mistake:
// those its server had open without close-on-exec (from whatever started
// the server), which exec.Cmd passes on to every child. Everything Go opens
// is close-on-exec, and the socket to the server was duplicated so by
// WorkerConn, so a descriptor above 2 without the flag came through exec
// and is not the worker's. The list comes from /proc/self/fd, or /dev/fd
// where there is no /proc; where neither lists them, nothing is closed.
func closeInherited() {
	var ents []os.DirEntry
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		var err error
		if ents, err = os.ReadDir(dir); err == nil {
			break
		}
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			unix.Close(fd)
		}
	}
}
