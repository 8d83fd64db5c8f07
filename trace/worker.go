package trace

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"procesa/proto"
)

func workerPrefix(pid int) string { return "[w pid " + itoa(int64(pid)) + "]" }

// Spawn traces a worker process just started by cmd: the executable, the
// environment variable that marks it, the descriptors it inherits beyond
// 0-2, and what the kernel will do when the server dies.
func Spawn(pid int, cmd *exec.Cmd) {
	if on.Load() {
		spawn(pid, cmd)
	}
}

func spawn(pid int, cmd *exec.Cmd) {
	l := line("iniciado: fork+exec de ").str(cmd.Path)
	for _, kv := range cmd.Env {
		if strings.HasPrefix(kv, "PROCESA_WORKER=") {
			l = l.str(" con ").str(kv).str(" en el entorno")
		}
	}
	l = extraFiles(l, cmd)
	if a := cmd.SysProcAttr; a != nil {
		if ownGroup(a) {
			l = l.str("; grupo de procesos propio")
		}
		if sig := deathSignal(a); sig != 0 {
			l = l.str("; recibe ").str(signalName(sig)).str(" si muere el servidor (PDEATHSIG)")
		}
	}
	emit(workerPrefix(pid), l)
}

// extraFiles appends the descriptors cmd's child inherits beyond 0-2.
func extraFiles(l line, cmd *exec.Cmd) line {
	for i, f := range cmd.ExtraFiles {
		l = l.str("; hereda fd ").int(int64(3 + i))
		if f != nil {
			l = l.str(" (").str(f.Name()).str(")")
		}
	}
	return l
}

// Exit traces a worker process that ended, as st says: its exit status or
// the signal that killed it.
func Exit(pid int, st *os.ProcessState) {
	if on.Load() && st != nil {
		exit(pid, st)
	}
}

func exit(pid int, st *os.ProcessState) {
	l := line("terminó")
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		l = l.str(" por la señal ").str(signalName(ws.Signal()))
	} else {
		l = l.str(" con código de salida ").int(int64(st.ExitCode()))
	}
	emit(workerPrefix(pid), l)
}

// FrameOut traces a frame about to be sent to worker pid: its 12 header
// bytes in hex, grouped by field, then its JSON payload, which is v
// encoded as proto.WriteMessage encodes it.
func FrameOut(pid int, typ proto.FrameType, v any) {
	if on.Load() {
		frameOut(pid, typ, v)
	}
}

func frameOut(pid int, typ proto.FrameType, v any) {
	if payload, err := json.Marshal(v); err == nil {
		frame(pid, "-> trama ", typ, payload)
	}
}

// FrameSent traces a frame already encoded (by proto.AppendFrame) and about
// to be sent to worker pid, for a sender that builds the bytes itself.
func FrameSent(pid int, b []byte) {
	if on.Load() {
		frameSent(pid, b)
	}
}

// frameSent is kept out of FrameSent so that FrameSent stays small enough
// to be inlined at its call site.
//
//go:noinline
func frameSent(pid int, b []byte) {
	if len(b) >= proto.FrameHeaderLen {
		frame(pid, "-> trama ", proto.FrameType(b[5]), b[proto.FrameHeaderLen:])
	}
}

// FrameIn traces a frame just read from worker pid.
func FrameIn(pid int, typ proto.FrameType, payload []byte) {
	if on.Load() {
		frame(pid, "<- trama ", typ, payload)
	}
}

func frame(pid int, dir string, typ proto.FrameType, payload []byte) {
	b, err := proto.AppendFrame(nil, typ, payload)
	if err != nil {
		return
	}
	l := line(dir).str(typ.String()).str(": ")
	// magic | version | type | reserved | length, as proto's doc lays out.
	for i, c := range b[:proto.FrameHeaderLen] {
		if i > 0 {
			l = append(l, ' ')
			if i == 4 || i == 5 || i == 6 || i == 8 {
				l = append(l, '|', ' ')
			}
		}
		const hex = "0123456789abcdef"
		l = append(l, hex[c>>4], hex[c&0xf])
	}
	l = l.str("  ").str(string(payload))
	emit(workerPrefix(pid), l)
}

// PassFDs traces descriptors sent to worker pid over its socket with
// SCM_RIGHTS; what says what they are ("entrada, salida").
func PassFDs(pid int, fds []int, what string) {
	if on.Load() {
		passFDs(pid, fds, what)
	}
}

func passFDs(pid int, fds []int, what string) {
	l := line("descriptores pasados con SCM_RIGHTS:")
	for _, fd := range fds {
		l = l.str(" fd ").int(int64(fd))
	}
	if what != "" {
		l = l.str(" (").str(what).str(")")
	}
	emit(workerPrefix(pid), l)
}

// PassFiles traces open files sent to worker pid with SCM_RIGHTS, by their
// descriptor numbers on the server and their names; what says what they
// are ("entrada, salida").
func PassFiles(pid int, what string, files ...*os.File) {
	if on.Load() {
		passFiles(pid, what, files)
	}
}

func passFiles(pid int, what string, files []*os.File) {
	l := line("descriptores pasados con SCM_RIGHTS:")
	for _, f := range files {
		if f == nil {
			continue
		}
		l = l.str(" fd ")
		// Through SyscallConn: f.Fd() would switch f to blocking mode.
		if rc, err := f.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { l = l.int(int64(fd)) })
		}
		l = l.str(" (").str(short(f.Name())).str(")")
	}
	if what != "" {
		l = l.str(", ").str(what)
	}
	emit(workerPrefix(pid), l)
}
