package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"procesa/proto"
)

// upload sends a POST request for target with a body of size bytes read from
// body, calling sent with the running total after each write, and reads the
// response head; the server gets answerTimeout to start answering once the
// body is sent. A large body is announced with "Expect: 100-continue"; an answer
// that comes before the body is complete (a refusal) stops the upload and is
// returned as the response. The caller treats the body as for get.
func (c *conn) upload(ctx context.Context, target string, h proto.Header, body io.Reader, size int64,
	sent func(int64), answerTimeout time.Duration) (*proto.ResponseHead, io.Reader, error) {
	u, err := c.sendUploadHead(ctx, target, h, size)
	if err != nil {
		return nil, nil, err
	}
	// The response is read concurrently with the upload, so that a refusal
	// sent early (413, 415...) stops it.
	go u.readAnswer(c.br) // c.br is cleared by c.close while this goroutine may still read
	if u.expect {
		if a, answered := u.waitForContinue(c.expectWait); answered {
			return u.finish(a)
		}
	}
	a, err := u.sendBody(body, sent)
	if err != nil {
		return nil, nil, err
	}
	if a != nil {
		return u.finish(*a)
	}
	return u.awaitAnswer(answerTimeout)
}

// uploadExchange is one POST in flight: the body is written by the caller of
// conn.upload while a goroutine (readAnswer) reads the server's answer.
type uploadExchange struct {
	c      *conn
	ctx    context.Context
	target string
	nc     net.Conn
	size   int64 // body size
	n      int64 // body bytes sent; only the writer uses it
	expect bool  // the request carries "Expect: 100-continue"

	interim chan struct{} // an interim (1xx) answer came; buffered, one is enough
	final   chan answer   // the final answer, or why it could not be read

	mu      sync.Mutex
	early   bool // guarded by mu: a final answer came before the body was sent
	sending bool // guarded by mu: the body is still being written
}

// answer is the server's final answer to an upload, or the error reading it.
type answer struct {
	head *proto.ResponseHead
	err  error
}

// sendUploadHead opens the connection if needed and writes the request head,
// with the Content-Length and, for a large body, "Expect: 100-continue". The
// read deadline is then lifted while the body is being sent (awaitAnswer sets
// it again).
func (c *conn) sendUploadHead(ctx context.Context, target string, h proto.Header, size int64) (*uploadExchange, error) {
	if _, err := c.open(ctx); err != nil {
		return nil, err
	}
	u := &uploadExchange{
		c: c, ctx: ctx, target: target, nc: c.nc, size: size,
		expect:  size >= expectMin,
		interim: make(chan struct{}, 1),
		final:   make(chan answer, 1),
		sending: true,
	}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	if u.expect {
		h.Set("Expect", "100-continue")
	}
	u.nc.SetDeadline(time.Now().Add(ioTimeout))
	if err := proto.WriteRequestHead(u.nc, "POST", target, c.host, h); err != nil {
		c.close()
		return nil, c.ioError(ctx, err, "POST "+target)
	}
	u.nc.SetReadDeadline(time.Time{})
	return u, nil
}

// readAnswer reads response heads from br until the final one, signalling the
// interim ones on u.interim, and sends the final one (or the read error) on
// u.final. A final answer that comes while the body is still being sent
// unblocks the writer.
func (u *uploadExchange) readAnswer(br *bufio.Reader) {
	for i := 0; ; i++ {
		head, err := proto.ReadAnyResponseHead(br, "POST")
		if err == nil && i == maxInterim {
			head, err = nil, fmt.Errorf("%w: demasiadas respuestas provisionales", proto.ErrBadResponse)
		}
		if err == nil && head.Status >= 100 && head.Status < 200 && head.Status != 101 {
			select {
			case u.interim <- struct{}{}:
			default:
			}
			continue
		}
		u.mu.Lock()
		if u.sending {
			u.early = true
			u.nc.SetWriteDeadline(time.Unix(1, 0)) // unblock the writer
		}
		u.mu.Unlock()
		u.final <- answer{head, err}
		return
	}
}

// waitForContinue waits, before the body is sent, for "100 Continue" or for
// wait (expectTimeout if zero), whichever comes first. If the final answer
// comes instead (a refusal), it returns it and answered is true.
func (u *uploadExchange) waitForContinue(wait time.Duration) (a answer, answered bool) {
	if wait == 0 {
		wait = expectTimeout
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-u.interim:
	case <-t.C:
	case a := <-u.final:
		return a, true
	}
	return answer{}, false
}

// sendBody writes the body, calling sent after each write. It stops at the
// server's answer if that comes first, and returns it. It returns an error,
// the connection given up, when the file cannot be read or the connection
// fails without an answer; nil and nil when the whole body has been sent.
func (u *uploadExchange) sendBody(body io.Reader, sent func(int64)) (*answer, error) {
	buf := make([]byte, 64<<10)
	for u.n < u.size {
		k, err := io.ReadFull(body, buf[:min(int64(len(buf)), u.size-u.n)])
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				err = errors.New("el archivo se acortó mientras se subía")
			}
			return nil, u.abort(fail(err, "no se pudo leer la imagen"))
		}
		if !u.armWrite() {
			a := <-u.final
			return &a, nil
		}
		if _, err := u.nc.Write(buf[:k]); err != nil {
			return u.writeFailed(err)
		}
		u.n += int64(k)
		sent(u.n)
	}
	return nil, nil
}

// armWrite gives the next write ioTimeout, unless the server has already
// answered: then it returns false and the body must not be sent further.
func (u *uploadExchange) armWrite() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.early {
		return false
	}
	u.nc.SetWriteDeadline(time.Now().Add(ioTimeout))
	return true
}

// writeFailed decides about a write of the body that failed with err. The
// server may have answered and closed: its answer is preferred to the error.
func (u *uploadExchange) writeFailed(err error) (*answer, error) {
	u.mu.Lock()
	early := u.early
	u.mu.Unlock()
	if early {
		a := <-u.final
		return &a, nil
	}
	u.nc.SetReadDeadline(time.Now().Add(time.Second))
	if a := <-u.final; a.err == nil {
		return &a, nil
	}
	u.c.close()
	return nil, u.c.ioError(u.ctx, err, "POST "+u.target)
}

// awaitAnswer waits, once the whole body is sent, for the server's answer:
// at most answerTimeout (if positive), or until ctx is done.
func (u *uploadExchange) awaitAnswer(answerTimeout time.Duration) (*proto.ResponseHead, io.Reader, error) {
	u.mu.Lock()
	u.sending = false
	u.mu.Unlock()
	if answerTimeout > 0 {
		u.nc.SetReadDeadline(time.Now().Add(answerTimeout))
	}
	select {
	case a := <-u.final:
		return u.finish(a)
	case <-u.ctx.Done():
		return nil, nil, u.abort(u.ctx.Err())
	}
}

// abort gives up the connection and returns err, the error to report.
func (u *uploadExchange) abort(err error) error {
	u.c.close()
	<-u.final // the reader goroutine ends with the closed connection
	return err
}

// finish returns the server's answer a as the response. If the body was cut
// short, the connection is closed after it: the rest of the body would be read
// as a request.
func (u *uploadExchange) finish(a answer) (*proto.ResponseHead, io.Reader, error) {
	if a.err != nil {
		u.c.close()
		return nil, nil, u.c.ioError(u.ctx, a.err, "POST "+u.target)
	}
	b := u.c.body(a.head, "POST")
	if u.n < u.size {
		u.c.closeN = true
	}
	return a.head, b, nil
}
