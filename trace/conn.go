package trace

import (
	"io"
	"net"
	"sync/atomic"

	"procesa/proto"
)

// Conn traces one client connection; its lines begin with the connection's
// number and the client's address, as in "[c12 127.0.0.1:54321]". A nil
// *Conn, which Accept returns while tracing is off, traces nothing: each
// method is then one nil test. A Conn is used by its connection's goroutine
// only.
type Conn struct {
	prefix string
	body   int64 // body bytes read for the current request
}

// connSeq numbers the connections traced.
var connSeq atomic.Uint64

// Accept starts tracing a connection the server just accepted, and says
// where it came from. It returns nil when tracing is off.
func Accept(c net.Conn) *Conn {
	if !on.Load() {
		return nil
	}
	return accept(c)
}

func accept(c net.Conn) *Conn {
	t := &Conn{prefix: "[c" + itoa(int64(connSeq.Add(1))) + " " + c.RemoteAddr().String() + "]"}
	l := line("accept(): cliente ").str(c.RemoteAddr().String()).str(" en ").str(c.LocalAddr().String())
	ip := addrIP(c.RemoteAddr())
	switch fam := socketFamily(c); {
	case fam == "AF_INET6" && ip.To4() != nil:
		l = l.str(", socket AF_INET6 de doble pila: el cliente es IPv4 y el núcleo lo entrega como IPv4 mapeada ::ffff:").str(ip.To4().String())
	case fam != "":
		l = l.str(", socket ").str(fam)
	}
	emit(t.prefix, l)
	return t
}

// Request traces a request head just read: its request line, how many
// header fields it had, and how its body is framed.
func (t *Conn) Request(r *proto.Request) {
	if t != nil {
		t.request(r)
	}
}

func (t *Conn) request(r *proto.Request) {
	t.body = 0
	l := line("solicitud: ").quote(r.Method + " " + r.Target + " HTTP/" + itoa(int64(r.Major)) + "." + itoa(int64(r.Minor)))
	l = l.str(", ").int(int64(len(r.Header))).str(" campos de cabecera")
	switch {
	case r.Chunked:
		l = l.str(", cuerpo en trozos (Transfer-Encoding: chunked)")
	case r.ContentLength >= 0:
		l = l.str(", cuerpo de ").int(r.ContentLength).str(" bytes (Content-Length)")
	default:
		l = l.str(", sin cuerpo")
	}
	if r.Expect100 {
		l = l.str(", pide Expect: 100-continue")
	}
	emit(t.prefix, l)
}

// Raw traces a connection found to be in raw mode.
func (t *Conn) Raw() {
	if t != nil {
		emit(t.prefix, line("modo crudo: los primeros bytes son de una imagen, no de HTTP; se lee hasta que el cliente cierre su lado"))
	}
}

// Continue traces the interim "100 Continue" reply just sent.
func (t *Conn) Continue() {
	if t != nil {
		emit(t.prefix, line("enviado \"HTTP/1.1 100 Continue\": el cliente puede mandar el cuerpo"))
	}
}

// Body counts n body bytes just read; when err ends the body, it traces
// how many came.
func (t *Conn) Body(n int, err error) {
	if t != nil {
		t.bodyRead(n, err)
	}
}

func (t *Conn) bodyRead(n int, err error) {
	t.body += int64(n)
	switch {
	case err == io.EOF:
		emit(t.prefix, line("cuerpo leído entero: ").int(t.body).str(" bytes"))
	case err != nil:
		emit(t.prefix, line("lectura del cuerpo interrumpida tras ").int(t.body).str(" bytes: ").str(err.Error()))
	}
}

// Status traces the status line of a reply the server sends.
func (t *Conn) Status(code int) {
	if t != nil {
		t.status(code)
	}
}

func (t *Conn) status(code int) {
	emit(t.prefix, line("respuesta: \"HTTP/1.1 ").int(int64(code)).str(" ").str(proto.StatusText(code)).str("\""))
}

// KeepAlive traces a connection that stays open for another request.
func (t *Conn) KeepAlive() {
	if t != nil {
		emit(t.prefix, line("keep-alive: la conexión sigue abierta, se espera la siguiente solicitud"))
	}
}

// Close traces the end of the connection; linger says whether the server
// first shuts its sending side and reads what the client still sends.
func (t *Conn) Close(linger bool) {
	if t != nil {
		t.close(linger)
	}
}

func (t *Conn) close(linger bool) {
	if linger {
		emit(t.prefix, line("cierre con linger: shutdown(SHUT_WR), se descarta lo que el cliente aún envíe (hasta 500 ms), close()"))
		return
	}
	emit(t.prefix, line("cierre: close()"))
}

func addrIP(a net.Addr) net.IP {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP
	}
	return nil
}
