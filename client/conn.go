package client

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"time"

	"procesa/proto"
)

// Timeouts of the client's connection.
const (
	dialTimeout = 10 * time.Second
	// ioTimeout is the longest the server may stay silent in the middle of an
	// exchange (and the longest a write may block).
	ioTimeout = 30 * time.Second
	// expectTimeout is how long an upload waits for "100 Continue" before
	// sending the body anyway (RFC 9110 §10.1.1), as curl does.
	expectTimeout = time.Second
	// maxInterim bounds the interim (1xx) responses read before the final one.
	maxInterim = 16
	// expectMin is the smallest body sent with "Expect: 100-continue": below it,
	// a refused upload costs less than the extra round trip.
	expectMin = 1 << 20
	// maxSmallBody bounds the JSON and error bodies the client reads.
	maxSmallBody = 1 << 20
)

// conn is one HTTP/1.1 connection to the server, spoken with package proto. It
// is kept alive between requests and reopened when the server closes it. A done
// ctx closes the connection, which ends any read or write at once. Not safe for
// concurrent use, except for the upload's own reader goroutine.
type conn struct {
	addr string // host:port to dial
	host string // Host header value

	nc     net.Conn      // nil when closed
	br     *bufio.Reader // reads nc
	stop   func() bool   // unregisters the ctx watch of nc
	closeN bool          // close nc once the current response is read

	expectWait time.Duration // wait for "100 Continue"; expectTimeout if zero
}

func newConn(host string, port int) *conn {
	return &conn{
		addr: net.JoinHostPort(host, strconv.Itoa(port)),
		host: hostHeader(host, port),
	}
}

// open makes sure a connection is open; fresh reports whether it was just
// dialled.
func (c *conn) open(ctx context.Context) (fresh bool, err error) {
	if c.nc != nil {
		return false, nil
	}
	d := net.Dialer{Timeout: dialTimeout}
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, fail(err, "no se pudo conectar con el servidor %s", c.addr)
	}
	c.nc = nc
	c.br = bufio.NewReaderSize(nc, 32<<10)
	c.stop = context.AfterFunc(ctx, func() { nc.Close() })
	c.closeN = false
	return true, nil
}

// close closes the connection, if open.
func (c *conn) close() {
	if c.nc == nil {
		return
	}
	c.stop()
	c.nc.Close()
	c.nc, c.br = nil, nil
}

// done is called once the body of the last response has been read to its end:
// the connection is closed if the server asked for it.
func (c *conn) done() {
	if c.closeN {
		c.close()
	}
}

// ioError turns a failed exchange into the error to report: ctx's own error
// when it is done (the failure was the interruption), a Spanish *Error otherwise.
func (c *conn) ioError(ctx context.Context, err error, what string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, proto.ErrBadResponse) {
		return fail(err, "respuesta del servidor no válida (%s)", what)
	}
	return fail(err, "falló la comunicación con el servidor %s (%s)", c.addr, what)
}

// get sends a GET request for target and reads the response head. The caller
// must read the returned body to its end and then call c.done, or call c.close.
// A keep-alive connection that the server closed meanwhile is reopened once.
func (c *conn) get(ctx context.Context, target string, h proto.Header) (*proto.ResponseHead, io.Reader, error) {
	for attempt := 0; ; attempt++ {
		fresh, err := c.open(ctx)
		if err != nil {
			return nil, nil, err
		}
		c.nc.SetDeadline(time.Now().Add(ioTimeout))
		err = proto.WriteRequestHead(c.nc, "GET", target, c.host, h)
		var head *proto.ResponseHead
		if err == nil {
			head, err = proto.ReadResponseHead(c.br, "GET")
		}
		if err == nil {
			return head, c.body(head, "GET"), nil
		}
		c.close()
		if fresh || attempt > 0 || !staleConn(err) || ctx.Err() != nil {
			return nil, nil, c.ioError(ctx, err, "GET "+target)
		}
	}
}

// staleConn reports whether err is how a request fails on a kept-alive
// connection that the server had already closed, before any answer.
func staleConn(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// body returns the body reader of head, each read extending the idle deadline.
func (c *conn) body(head *proto.ResponseHead, method string) io.Reader {
	c.closeN = head.Close || (head.ContentLength < 0 && !head.Chunked)
	return &idleReader{r: proto.ResponseBody(c.br, head, method), nc: c.nc}
}

// idleReader reads a response body, giving the server ioTimeout per read.
type idleReader struct {
	r  io.Reader
	nc net.Conn
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.nc.SetReadDeadline(time.Now().Add(ioTimeout))
	return r.r.Read(p)
}
