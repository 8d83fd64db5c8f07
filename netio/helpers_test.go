package netio

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"procesa/proto"
)

// ioWait bounds every wait of a test on the network, so that a broken
// server fails the test instead of hanging it. It is never the thing a test
// measures.
const ioWait = 5 * time.Second

// testHandler is the Handler the connection-loop tests drive:
//
//	/echo     reads the whole body and sends it back (a body error is
//	          reported on bodyErr and replied with ResponseWriter.Error)
//	/refuse   replies 403 without reading the body
//	/block    signals entered, waits for release, then replies
//	/silent   never replies
//	/panic    panics
//	anything  replies "<METHOD> <target>" as text/plain
type testHandler struct {
	bodyErr chan error
	entered chan struct{}
	release chan struct{}
}

func newTestHandler() *testHandler {
	return &testHandler{
		bodyErr: make(chan error, 64),
		entered: make(chan struct{}, 64),
		release: make(chan struct{}),
	}
}

var textPlain = proto.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}

func (h *testHandler) ServeHTTP(w *ResponseWriter, r *proto.Request) {
	switch r.Path {
	case "/echo":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			select {
			case h.bodyErr <- err:
			default:
			}
			w.sendError(ReplyFor(err))
			return
		}
		w.Send(200, textPlain, body)
	case "/refuse":
		w.sendError(403, "prohibido")
	case "/block":
		h.entered <- struct{}{}
		<-h.release
		w.Send(200, textPlain, []byte("listo"))
	case "/silent":
	case "/panic":
		panic("a bug reached by a request")
	default:
		w.Send(200, textPlain, []byte(r.Method+" "+r.Target))
	}
}

// rawEcho is a RawHandler that sends back what it read, or
// "ERROR <status>\n" when the read failed with a *proto.Error.
type rawEcho struct {
	errs chan error
}

func (h *rawEcho) ServeRaw(ctx context.Context, body io.Reader, w io.Writer) {
	b, err := io.ReadAll(body)
	if err != nil {
		if h.errs != nil {
			h.errs <- err
		}
		status, _ := ReplyFor(err)
		io.WriteString(w, "ERROR "+http.StatusText(status)+"\n")
		return
	}
	w.Write(b)
}

// loopbacks runs f once on 127.0.0.1 and once on ::1, as subtests; the IPv6
// one is skipped when the host has no IPv6 loopback.
func loopbacks(t *testing.T, f func(t *testing.T, host string)) {
	t.Run("ipv4", func(t *testing.T) { f(t, "127.0.0.1") })
	t.Run("ipv6", func(t *testing.T) {
		requireIPv6(t)
		f(t, "::1")
	})
}

var ipv6Once = sync.OnceValue(func() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
})

func requireIPv6(t *testing.T) {
	t.Helper()
	if !ipv6Once() {
		t.Skip("el equipo no tiene IPv6 (no se puede escuchar en [::1]); se omite la prueba IPv6")
	}
}

// startServer runs s on a fresh port of host and returns the address to
// dial. Cleanup shuts s down and checks that Serve returned ErrServerClosed.
func startServer(t testing.TB, s *Server, host string) string {
	t.Helper()
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ioWait)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, ErrServerClosed) {
				t.Errorf("Serve returned %v; want ErrServerClosed", err)
			}
		case <-time.After(ioWait):
			t.Errorf("Serve did not return after Shutdown")
		}
	})
	return l.Addr().String()
}

// testConn is a client connection with a buffered reader.
type testConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *testConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioWait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &testConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (c *testConn) send(s string) {
	c.t.Helper()
	c.c.SetWriteDeadline(time.Now().Add(ioWait))
	if _, err := io.WriteString(c.c, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// reply is one response as a client read it.
type reply struct {
	*http.Response
	body string
}

// read reads one response to a request with method, and its whole body.
func (c *testConn) read(method string) reply {
	c.t.Helper()
	r, err := c.tryRead(method)
	if err != nil {
		c.t.Fatalf("reading the response: %v", err)
	}
	return r
}

func (c *testConn) tryRead(method string) (reply, error) {
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return reply{}, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return reply{}, err
	}
	return reply{resp, string(b)}, nil
}

// line reads one line (with its terminator) within ioWait.
func (c *testConn) line() string {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	s, err := c.br.ReadString('\n')
	if err != nil {
		c.t.Fatalf("reading a line: %q, %v", s, err)
	}
	return s
}

// expectClosed checks that the server closes the connection without
// sending anything more.
func (c *testConn) expectClosed() {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	b, err := io.ReadAll(c.br)
	if len(b) > 0 {
		c.t.Errorf("after the last reply the server sent %q", b)
	}
	if err != nil && !isReset(err) {
		c.t.Errorf("waiting for the server to close: %v", err)
	}
}

// expectOpen checks that the connection is still usable: a request on it
// is answered.
func (c *testConn) expectOpen() {
	c.t.Helper()
	c.send("GET /still-open HTTP/1.1\r\nHost: x\r\n\r\n")
	r := c.read("GET")
	if r.StatusCode != 200 || r.body != "GET /still-open" {
		c.t.Errorf("request on a kept-alive connection: %d %q", r.StatusCode, r.body)
	}
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") ||
		strings.Contains(err.Error(), "broken pipe"))
}

// checkHead checks what every reply must carry: a valid Date,
// Content-Length and Content-Type.
func checkHead(t *testing.T, r reply) {
	t.Helper()
	if _, err := http.ParseTime(r.Header.Get("Date")); err != nil {
		t.Errorf("Date %q: %v", r.Header.Get("Date"), err)
	}
	if len(r.Header.Values("Content-Length")) != 1 {
		t.Errorf("Content-Length fields: %q; want one", r.Header.Values("Content-Length"))
	}
	if r.Header.Get("Content-Type") == "" {
		t.Errorf("no Content-Type in a %d reply", r.StatusCode)
	}
}

// wantClose checks whether the reply announces "Connection: close".
func wantClose(t *testing.T, r reply, want bool) {
	t.Helper()
	// ReadResponse moves "Connection: close" from Header to Close.
	if r.Close != want {
		t.Errorf("%d reply: Connection: close is %v; want %v", r.StatusCode, r.Close, want)
	}
}
