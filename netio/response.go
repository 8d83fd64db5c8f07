package netio

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"procesa/proto"
)

// ResponseWriter sends the reply to one request. Exactly one of Send,
// SendReader or Error should be called; later calls are ignored. For a HEAD
// request the body is left out and the head kept as for GET.
type ResponseWriter struct {
	c      *conn
	head   []byte // reused for every reply on the connection
	wrote  bool
	status int
	close  bool  // the connection closes after this reply
	err    error // write error: the connection is dead
}

// Status returns the status of the reply sent, or 0.
func (w *ResponseWriter) Status() int { return w.status }

// CloseAfter makes the connection close after this reply.
func (w *ResponseWriter) CloseAfter() { w.close = true }

// Send writes a reply with status, the extra header fields h and body.
func (w *ResponseWriter) Send(status int, h proto.Header, body []byte) error {
	if !w.start(status, h, int64(len(body))) {
		return w.err
	}
	if w.c.req.Method != "HEAD" && bodyAllowed(status) {
		w.write(body)
	}
	return w.finish()
}

// SendReader writes a reply whose body is size bytes read from body. If
// body ends early the connection is closed, since the head promised more.
func (w *ResponseWriter) SendReader(status int, h proto.Header, size int64, body io.Reader) error {
	if !w.start(status, h, size) {
		return w.err
	}
	if w.c.req.Method != "HEAD" && bodyAllowed(status) && w.err == nil {
		buf := copyBufs.Get().(*[]byte)
		n, err := io.CopyBuffer(writerFunc(w.write), io.LimitReader(body, size), *buf)
		copyBufs.Put(buf)
		if err == nil && n < size {
			err = io.ErrUnexpectedEOF
		}
		if err != nil && w.err == nil {
			w.err = err
		}
	}
	return w.finish()
}

// copyBufs holds the buffers SendReader copies bodies through: 128 KiB,
// four times io.Copy's own, so that a large result goes out in a quarter
// of the read and write calls, while a thousand downloads at once still
// hold no more than 128 MiB of them.
var copyBufs = sync.Pool{New: func() any {
	b := make([]byte, 128<<10)
	return &b
}}

// sendError replies {"error": msg} with status: the replies netio makes
// itself, for a handler that did not reply.
func (w *ResponseWriter) sendError(status int, msg string) error {
	h := proto.Header{{Name: "Content-Type", Value: proto.JSONType}}
	return w.Send(status, h, proto.AppendErrorBody(nil, msg))
}

// ReplyFor returns the status and the Spanish message that stand for err,
// an error met while serving a request: one that knows its own (see
// proto.StatusOf) keeps them, a stalled body is 408, a body cut short is
// 400, anything else is 500 with a fixed message (the cause belongs in the
// log, never in a reply).
func ReplyFor(err error) (int, string) {
	if status, msg, ok := proto.StatusOf(err); ok {
		return status, msg
	}
	switch {
	case isTimeout(err):
		return 408, "se agotó el tiempo de espera al leer el cuerpo"
	case errors.Is(err, io.ErrUnexpectedEOF), clientGone(err):
		// A client that hung up or reset midway may not read the reply,
		// but what it did is a client's fault, not the server's.
		return 400, "el cuerpo de la solicitud llegó incompleto"
	}
	return 500, "error interno del servidor"
}

// clientGone reports whether err is the client's connection breaking.
func clientGone(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, net.ErrClosed)
}

// start writes the head. It reports whether a reply is still to be written.
func (w *ResponseWriter) start(status int, h proto.Header, size int64) bool {
	if w.wrote {
		return false
	}
	w.wrote = true
	w.status = status
	c := w.c
	// tooMuchLeft: see step 5 of the Expect: 100-continue story (proto's applyFields).
	if c.req.Close || c.s.shutting.Load() || c.body.tooMuchLeft() || status == 408 || status == 413 {
		w.close = true
	}
	resp := proto.Response{Status: status, Header: h, ContentLength: size, Close: w.close,
		KeepAlive: c.req.Minor == 0}
	if !bodyAllowed(status) {
		resp.ContentLength = -1
	}
	w.head = resp.AppendHead(w.head[:0], time.Now())
	c.tr.Status(status)
	c.replying = true
	w.write(w.head)
	return true
}

func (w *ResponseWriter) write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.c.bw.Write(p)
	w.err = err
	return n, err
}

// finish flushes the reply, unless the next pipelined request is already
// waiting, in which case its reply goes out in the same write.
func (w *ResponseWriter) finish() error {
	c := w.c
	c.replying = false
	if w.err == nil && (w.close || !c.body.done || c.br.Buffered() == 0) {
		w.err = c.bw.Flush()
	}
	if w.err != nil {
		w.close = true
	}
	return w.err
}

// flush sends any buffered reply bytes. It runs before every read from the
// network (see flushingReader) and after replies netio writes itself.
func (c *conn) flush() error {
	if c.bw.Buffered() == 0 {
		return nil
	}
	return c.bw.Flush()
}

// RemoteAddr returns the client's address.
func (w *ResponseWriter) RemoteAddr() net.Addr { return w.c.rwc.RemoteAddr() }

func bodyAllowed(status int) bool {
	return status >= 200 && status != 204 && status != 304
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// appendJSONError appends a whole reply carrying {"error": msg} to dst:
// the replies netio makes before or without a handler (protocol errors,
// too many connections).
func appendJSONError(resp *proto.Response, dst []byte, msg string) []byte {
	body := proto.AppendErrorBody(nil, msg)
	resp.Header = append(resp.Header, proto.Field{Name: "Content-Type", Value: proto.JSONType})
	resp.ContentLength = int64(len(body))
	dst = resp.AppendHead(dst, time.Now())
	return append(dst, body...)
}
