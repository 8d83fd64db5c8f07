package trace

import "net"

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
	fam, v6only, ok := listenInfo(l)
	if !ok {
		emit("[escucha "+l.Addr().String()+"]", l2.str("), bind(), listen()"))
		return
	}
	l2 = l2.str(fam).str(", SOCK_STREAM), bind(), listen()")
	if fam == "AF_INET6" {
		if v6only {
			l2 = l2.str("; IPV6_V6ONLY=1: solo IPv6")
		} else {
			l2 = l2.str("; IPV6_V6ONLY=0: doble pila, también acepta IPv4 (como ::ffff:a.b.c.d)")
		}
	}
	emit("[escucha "+l.Addr().String()+"]", l2)
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
