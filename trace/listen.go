package trace

import (
	"net"
	"os/exec"
)

// Listen traces a listening socket just opened (l is nil when opening it
// failed, and then nothing is traced): its address family and, for IPv6,
// whether IPV6_V6ONLY is on, as the kernel reports it.
func Listen(l net.Listener) {
	if on.Load() && l != nil {
		listen(l)
	}
}

func listen(l net.Listener) {
	l2 := line("socket(")
	fam, _, ok := listenInfo(l)
	if !ok {
		emit("[escucha "+l.Addr().String()+"]", l2.str("), bind(), listen()"))
		return
	}
	l2 = l2.str(fam).str(", SOCK_STREAM), bind(), listen()")
	emit("[escucha "+l.Addr().String()+"]", v6onlyText(l2, l))
}

// v6onlyText appends to l2 what IPV6_V6ONLY means for the listening socket
// l, when it is an IPv6 one.
func v6onlyText(l2 line, l net.Listener) line {
	fam, v6only, _ := listenInfo(l)
	switch {
	case fam != "AF_INET6":
	case v6only:
		l2 = l2.str("; IPV6_V6ONLY=1: solo IPv6")
	default:
		l2 = l2.str("; IPV6_V6ONLY=0: doble pila, también acepta IPv4 (como ::ffff:a.b.c.d)")
	}
	return l2
}

// Inherited traces a listening socket this process did not open: it
// inherited it as descriptor fd, from systemd (socket activation) or from
// the server it replaces (an upgrade on SIGHUP).
func Inherited(l net.Listener, fd int) {
	if on.Load() {
		inherited(l, fd)
	}
}

func inherited(l net.Listener, fd int) {
	l2 := line("heredado como fd ").int(int64(fd)).str(", ya en escucha (sin socket(), bind() ni listen() aquí)")
	if fam, _, ok := listenInfo(l); ok {
		l2 = l2.str(": ").str(fam)
	}
	emit("[escucha "+l.Addr().String()+"]", v6onlyText(l2, l))
}

// Upgrade traces the new server that cmd started on SIGHUP, with the
// descriptors it inherits: the listening sockets, then the pipes of the
// handover.
func Upgrade(cmd *exec.Cmd) {
	if on.Load() {
		upgrade(cmd)
	}
}

func upgrade(cmd *exec.Cmd) {
	l := line("SIGHUP: fork+exec de ").str(cmd.Path).str(" como servidor nuevo, pid ")
	if cmd.Process != nil {
		l = l.int(int64(cmd.Process.Pid))
	}
	emit("[servidor]", extraFiles(l, cmd))
}

// HandOver traces a queued task handed over to the new server of an
// upgrade.
func HandOver(id string) {
	if on.Load() {
		handOver(id)
	}
}

// handOver is kept out of HandOver so that HandOver stays small enough to
// be inlined at its call site.
//
//go:noinline
func handOver(id string) {
	emit("[servidor]", line("traspaso: la tarea ").str(id).str(" pasa al servidor nuevo"))
}

// Signal traces the server being asked to stop; cause says by what.
func Signal(cause error) {
	if on.Load() && cause != nil {
		signal(cause)
	}
}

func signal(cause error) {
	emit("[servidor]", line("parada pedida (").str(cause.Error()).str("): deja de aceptar conexiones y termina las tareas en curso"))
}
