package netio

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"procesa/proto"
	"procesa/trace"
)

var errTooManyFiles = syscall.EMFILE

// drainLimit is the most unread body the server reads and discards to keep
// a connection alive after a reply; a bigger remainder closes it instead.
const drainLimit = 256 << 10

// conn is one client connection. Only its own goroutine touches it, except
// for wakeIfIdle during Shutdown.
type conn struct {
	s    *Server
	rwc  net.Conn
	idle atomic.Bool // waiting for the first byte of a request
	// fresh: idle, and no request has come yet. Shutdown gives such a
	// connection newConnGrace instead of closing it at once: its client has
	// just connected, and its request is likely on the way (in an upgrade,
	// or behind a proxy, closing it would reset that request).
	fresh atomic.Bool

	br   *bufio.Reader // reads through connReader
	bw   *bufio.Writer // writes through connWriter
	req  proto.Request
	body bodyReader
	w    ResponseWriter

	// readBy is the deadline of the next read from the network: the end of
	// the head's time while a head is read; zero while a body is read, when
	// each read gets BodyTimeout. connReader sets it on rwc only when a read
	// reaches the network, so a request that arrived whole costs no timer.
	readBy  time.Time
	linger  bool      // a reply went out: read what the client still sends before closing
	applied time.Time // the read deadline last set on rwc by this goroutine

	// The body being read: whether it has begun, how many bytes of it
	// have come from the network, and how long the server has waited on
	// the network for them. See bodyDeadline.
	inBody     bool
	bodyRead   int64
	bodyWaited time.Duration

	replying bool            // a reply's head is in bw and the reply is not finished
	raw      *deadlineWriter // in raw mode: where the result goes

	tr *trace.Conn // the --traza lines of this connection; nil when off
}

// newConnGrace is how long a connection that has sent nothing yet may take
// to send its first request once Shutdown has begun.
const newConnGrace = time.Second

func (c *conn) wakeIfIdle() {
	if c.idle.Load() {
		if c.fresh.Load() {
			c.rwc.SetReadDeadline(time.Now().Add(newConnGrace))
		} else {
			c.rwc.SetReadDeadline(time.Now())
		}
	}
}

// serve is the connection loop: wait for a request, read its head, let the
// Handler answer, and decide whether the connection lives on.
func (c *conn) serve() {
	s := c.s
	defer func() {
		// A bug that a request can reach must cost that connection, never
		// the server and every connection and task in it.
		if v := recover(); v != nil {
			s.Logger.Error("error interno al servir una conexión; se cierra", "pánico", v, "pila", string(debug.Stack()))
			c.afterPanic()
		}
		c.close()
		s.untrack(c)
	}()
	c.br = bufio.NewReaderSize(connReader{c}, 4<<10)
	c.bw = bufio.NewWriterSize(connWriter{c}, 4<<10)

	for first := true; ; first = false {
		// Wait for the first byte: the whole head must come within
		// HeaderTimeout on a new connection; a kept-alive one may idle for
		// IdleTimeout first. Until that byte the connection is idle, and
		// Shutdown closes it (wakeIfIdle); the deadline is set now, not
		// lazily, and shutting checked after it, so that it cannot undo a
		// wake-up.
		now := time.Now()
		headDeadline := now.Add(s.HeaderTimeout)
		c.fresh.Store(first)
		c.idle.Store(true)
		if first {
			c.setReadDeadline(headDeadline)
		} else {
			c.setReadDeadline(now.Add(s.IdleTimeout))
		}
		if s.shutting.Load() {
			if !first {
				return
			}
			if d := now.Add(newConnGrace); d.Before(headDeadline) {
				c.setReadDeadline(d)
			}
		}
		_, err := c.br.Peek(1)
		c.idle.Store(false)
		if err != nil {
			if first && isTimeout(err) && !s.shutting.Load() {
				c.replyError(408, "no se recibió la solicitud completa a tiempo")
			}
			return
		}
		if !first {
			headDeadline = time.Now().Add(s.HeaderTimeout)
		}
		// Lazily: it also undoes a wake-up that came too late.
		c.readBy = headDeadline
		if first && s.Raw != nil && isRawUpload(c.br) {
			c.serveRaw()
			return
		}

		if err := proto.ReadRequest(c.br, &c.req); err != nil {
			var pe *proto.Error
			switch {
			case errors.As(err, &pe):
				c.replyError(pe.Status, pe.Msg)
			case isTimeout(err):
				c.replyError(408, "no se recibió la solicitud completa a tiempo")
			case errors.Is(err, io.ErrUnexpectedEOF):
				c.replyError(400, "solicitud incompleta")
			}
			// io.EOF and other I/O errors: the peer is gone; send nothing.
			return
		}
		c.tr.Request(&c.req)
		c.readBy = time.Time{} // body reads get BodyTimeout each
		if c.req.ContentLength > s.MaxBody {
			// Decided before reading a byte of the body (and before any
			// 100 Continue: step 2 of the story in proto's applyFields),
			// then the connection is closed.
			c.replyError(413, "el cuerpo de la solicitud es demasiado grande")
			return
		}
		if !c.serveRequest() {
			return
		}
		c.tr.KeepAlive()
	}
}

// afterPanic sends what a client can still use after a panic while its
// connection was served: the whole replies held back for pipelined requests
// (not a reply cut short), or, in raw mode before any result byte, the
// "ERROR" line. The connection is then closed, lingering.
func (c *conn) afterPanic() {
	if c.bw == nil {
		return
	}
	if c.raw != nil && c.raw.n == 0 {
		c.bw.WriteString("ERROR error interno del servidor\n")
	}
	if !c.replying || c.raw != nil {
		c.bw.Flush()
	}
	c.linger = true
}

// serveRequest runs the Handler for c.req and reports whether the
// connection can carry another request.
func (c *conn) serveRequest() bool {
	s := c.s
	c.body = bodyReader{c: c, done: true}
	if c.req.HasBody() { // else no reader: proto.BodyReader would allocate one
		c.body = bodyReader{c: c, r: proto.BodyReader(c.br, &c.req, s.MaxBody)}
	}
	c.req.Body = &c.body
	c.inBody = false
	c.w = ResponseWriter{c: c, head: c.w.head[:0]}
	s.Handler.ServeHTTP(&c.w, &c.req)
	if !c.w.wrote {
		s.Logger.Error("error interno", "error", "netio: handler did not reply")
		c.w.sendError(500, "error interno del servidor")
	}
	if c.w.err != nil {
		return false // the connection is dead
	}
	// From here on, closing follows a reply the client must be able to
	// read, whatever it still sends after its request: linger.
	if c.w.close {
		c.linger = true
		return false
	}
	if !c.body.done {
		// The reply promised keep-alive, so the rest is small: drain it.
		n, err := io.Copy(io.Discard, io.LimitReader(&c.body, drainLimit+1))
		if err != nil || n > drainLimit || !c.body.done {
			c.linger = true
			return false
		}
	}
	return true
}

// replyError writes an error reply for a request the Handler never saw, and
// leaves the connection to be closed.
func (c *conn) replyError(status int, msg string) {
	resp := proto.Response{Status: status, Close: true}
	// Through bw, behind any reply still buffered for an earlier request.
	c.bw.Write(appendJSONError(&resp, nil, msg))
	c.tr.Status(status)
	c.flush()
	c.linger = true
	if c.s.OnReply != nil {
		c.s.OnReply(status)
	}
}

// Lingering close: after a reply the client may still be sending (a body
// we refused, the rest of a broken request, a newline netcat added after an
// HTTP/1.0 upload). Closing at once with unread bytes makes the kernel send
// a reset, which can destroy the reply before the client reads it. So after
// any reply the server shuts its side for writing and reads what comes, for
// a short while, before closing.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 4 << 20
)

// close closes the connection, lingering first if a reply was sent.
func (c *conn) close() {
	c.tr.Close(c.linger)
	if c.linger {
		lingerClose(c.rwc)
		return
	}
	c.rwc.Close()
}

// lingerClose shuts rwc for writing, discards what the client still sends
// for a short while, then closes it.
func lingerClose(rwc net.Conn) {
	if tc, ok := rwc.(*net.TCPConn); ok {
		tc.CloseWrite()
		tc.SetReadDeadline(time.Now().Add(lingerTime))
		io.CopyN(io.Discard, tc, lingerBytes)
	}
	rwc.Close()
}

// serveRaw hands a raw-mode connection to the RawHandler.
func (c *conn) serveRaw() {
	s := c.s
	c.tr.Raw()
	body := &rawBody{c: c, left: s.MaxBody}
	c.readBy = time.Time{} // each read gets BodyTimeout
	ctx, cancel := context.WithCancel(s.abandon)
	defer cancel()
	w := &deadlineWriter{c: c}
	c.raw = w
	s.Raw.ServeRaw(ctx, body, w)
	w.flush()
	// The handler may have stopped reading early (an image over MaxBody):
	// close lingering, so the "ERROR" line is not lost to a reset.
	c.linger = true
}

// connReader is what c.br reads from: the connection, under the deadline
// c.readBy stands for. It first sends any reply bytes still buffered: a
// reply held back for a pipelined request (see ResponseWriter.finish) must
// be out before the server waits on the client.
type connReader struct{ c *conn }

func (r connReader) Read(p []byte) (int, error) {
	c := r.c
	if err := c.flush(); err != nil {
		return 0, err
	}
	if !c.readBy.IsZero() {
		if !c.readBy.Equal(c.applied) {
			c.rwc.SetReadDeadline(c.readBy)
			c.applied = c.readBy
		}
		return c.rwc.Read(p)
	}
	// A body: each read gets the time bodyWait allows, and what the
	// client makes the server wait is charged to it.
	start := time.Now()
	c.applied = start.Add(c.bodyWait())
	c.rwc.SetReadDeadline(c.applied)
	n, err := c.rwc.Read(p)
	if c.inBody {
		c.bodyRead += int64(n)
		c.bodyWaited += time.Since(start)
	}
	return n, err
}

// startBody starts the accounts of a body, at its first read.
func (c *conn) startBody() {
	if !c.inBody {
		c.inBody, c.bodyRead, c.bodyWaited = true, 0, 0
	}
}

// bodyWait is how long the next read of a body may wait for the client:
// BodyTimeout, but no more than what is left of the body's budget. The
// budget is BodyTimeout plus 1/MinBodyRate s for every byte that has come,
// and the time the server spent waiting on the network for the body is
// taken from it (time the server spent elsewhere, say writing to disk, is
// not). A client that sends a byte now and then cannot hold the connection
// (and its slot under MaxConns) forever; one that sends at MinBodyRate or
// faster is never cut.
func (c *conn) bodyWait() time.Duration {
	s := c.s
	if !c.inBody {
		return s.BodyTimeout
	}
	earned := time.Duration(float64(c.bodyRead) / float64(s.MinBodyRate) * float64(time.Second))
	// At least a moment, so that bytes already there are still read.
	return max(min(s.BodyTimeout, s.BodyTimeout+earned-c.bodyWaited), time.Millisecond)
}

// setReadDeadline sets the read deadline on rwc now, and makes it the one
// for the next reads too.
func (c *conn) setReadDeadline(d time.Time) {
	c.rwc.SetReadDeadline(d)
	c.readBy, c.applied = d, d
}

// connWriter is what c.bw writes to: the connection, where each write gets
// BodyTimeout to make progress.
type connWriter struct{ c *conn }

func (w connWriter) Write(p []byte) (int, error) {
	w.c.rwc.SetWriteDeadline(time.Now().Add(w.c.s.BodyTimeout))
	return w.c.rwc.Write(p)
}

// bodyReader is the request body as the Handler sees it: it sends
// "100 Continue" before the first read when asked (step 4 of the story told
// in proto's Request.applyFields), and gives every read BodyTimeout to make
// progress.
type bodyReader struct {
	c         *conn
	r         io.Reader
	continued bool
	done      bool // read to io.EOF
	err       error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.done {
		return 0, io.EOF
	}
	c := b.c
	c.startBody()
	if c.req.Expect100 && !b.continued {
		b.continued = true
		// Through bw, behind any reply still buffered for an earlier
		// pipelined request.
		c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := c.flush(); err != nil {
			b.err = err
			return 0, err
		}
		c.tr.Continue()
	}
	n, err := b.r.Read(p)
	c.tr.Body(n, err)
	switch {
	case err == io.EOF:
		b.done = true
	case err != nil:
		b.err = err
	}
	return n, err
}

// tooMuchLeft reports whether part of the body may still be on the wire
// and is too much (or of unknown size) to drain after the reply, so that
// the connection must close instead.
func (b *bodyReader) tooMuchLeft() bool {
	if b.done {
		return false
	}
	if b.err != nil {
		return true
	}
	if b.c.req.Expect100 && !b.continued {
		return true // the client may never send it (proto's applyFields, step 5)
	}
	return b.c.req.Chunked || b.c.req.ContentLength > drainLimit
}

// rawBody reads a raw upload until the client half-closes, within MaxBody.
type rawBody struct {
	c    *conn
	left int64
	err  error
}

var errRawTooLarge = &proto.Error{Status: 413, Msg: "la imagen es demasiado grande"}

func (r *rawBody) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if int64(len(p)) > r.left+1 {
		p = p[:r.left+1]
	}
	r.c.startBody()
	n, err := r.c.br.Read(p)
	r.c.tr.Body(n, err)
	if int64(n) > r.left {
		r.err = errRawTooLarge
		return 0, r.err
	}
	r.left -= int64(n)
	if err != nil {
		r.err = err
	}
	return n, err
}

// deadlineWriter writes through the connection's buffer, whose writes to
// the network get BodyTimeout each to make progress (connWriter).
type deadlineWriter struct {
	c   *conn
	n   int64 // bytes written
	err error
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.c.bw.Write(p)
	w.n += int64(n)
	w.err = err
	return n, err
}

func (w *deadlineWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.c.bw.Flush()
	return w.err
}

func isTimeout(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded)
}
