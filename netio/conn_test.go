package netio

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"procesa/proto"
)

func TestKeepAlive(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)

		t.Run("HTTP/1.1 stays open", func(t *testing.T) {
			c := dial(t, addr)
			for i := range 3 {
				target := "/uno/" + strconv.Itoa(i)
				c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
				r := c.read("GET")
				checkHead(t, r)
				wantClose(t, r, false)
				if r.StatusCode != 200 || r.body != "GET "+target {
					t.Errorf("reply %d: %d %q", i, r.StatusCode, r.body)
				}
			}
		})
		t.Run("HTTP/1.1 Connection: close", func(t *testing.T) {
			c := dial(t, addr)
			c.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			r := c.read("GET")
			checkHead(t, r)
			wantClose(t, r, true)
			c.expectClosed()
		})
		t.Run("HTTP/1.1 Connection: close among other tokens", func(t *testing.T) {
			c := dial(t, addr)
			c.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n")
			wantClose(t, c.read("GET"), true)
			c.expectClosed()
		})
		t.Run("HTTP/1.0 closes", func(t *testing.T) {
			c := dial(t, addr)
			c.send("GET /a HTTP/1.0\r\n\r\n")
			r := c.read("GET")
			checkHead(t, r)
			wantClose(t, r, true)
			if r.StatusCode != 200 || r.body != "GET /a" {
				t.Errorf("got %d %q", r.StatusCode, r.body)
			}
			c.expectClosed()
		})
		t.Run("HTTP/1.0 keep-alive", func(t *testing.T) {
			c := dial(t, addr)
			for range 2 {
				c.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
				r := c.read("GET")
				wantClose(t, r, false)
				if r.StatusCode != 200 {
					t.Errorf("got %d", r.StatusCode)
				}
			}
			c.send("GET /a HTTP/1.0\r\n\r\n")
			wantClose(t, c.read("GET"), true)
			c.expectClosed()
		})
	})
}

func TestPipelining(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)
		c := dial(t, addr)
		// Every request in one write, bodies included; the replies must come
		// in order.
		var b strings.Builder
		const n = 50
		for i := range n {
			if i%3 == 1 {
				body := "cuerpo-" + strconv.Itoa(i)
				b.WriteString("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
					strconv.Itoa(len(body)) + "\r\n\r\n" + body)
			} else {
				b.WriteString("GET /p/" + strconv.Itoa(i) + " HTTP/1.1\r\nHost: x\r\n\r\n")
			}
		}
		c.send(b.String())
		for i := range n {
			r := c.read("GET")
			want := "GET /p/" + strconv.Itoa(i)
			if i%3 == 1 {
				want = "cuerpo-" + strconv.Itoa(i)
			}
			if r.StatusCode != 200 || r.body != want {
				t.Fatalf("reply %d: %d %q; want %q", i, r.StatusCode, r.body, want)
			}
		}
		c.expectOpen()
	})
}

func TestPipelinedChunkedBody(t *testing.T) {
	addr := startServer(t, &Server{Handler: newTestHandler()}, "127.0.0.1")
	c := dial(t, addr)
	c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"4;ext=1\r\nhola\r\n7\r\n, mundo\r\n0\r\nTrailer: x\r\n\r\n" +
		"GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
	if r := c.read("POST"); r.StatusCode != 200 || r.body != "hola, mundo" {
		t.Errorf("chunked echo: %d %q", r.StatusCode, r.body)
	}
	if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /after" {
		t.Errorf("after the chunked body: %d %q", r.StatusCode, r.body)
	}
}

func TestBareLF(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)
		c := dial(t, addr)
		// As typed into netcat, one line at a time.
		for _, line := range []string{"GET /nc HTTP/1.1\n", "Host: x\n", "\n"} {
			c.send(line)
			time.Sleep(5 * time.Millisecond)
		}
		r := c.read("GET")
		checkHead(t, r)
		if r.StatusCode != 200 || r.body != "GET /nc" {
			t.Errorf("got %d %q", r.StatusCode, r.body)
		}
		c.send("POST /echo HTTP/1.1\nHost: x\nContent-Length: 3\n\nabc")
		if r := c.read("POST"); r.StatusCode != 200 || r.body != "abc" {
			t.Errorf("bare-LF POST: %d %q", r.StatusCode, r.body)
		}
		c.expectOpen()
	})
}

func TestHead(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)
		c := dial(t, addr)
		c.send("GET /cabeza HTTP/1.1\r\nHost: x\r\n\r\n")
		get := c.read("GET")
		// HEAD, then GET in the same write: any body after the HEAD reply
		// would be taken for the next reply's status line.
		c.send("HEAD /cabeza HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
		head := c.read("HEAD")
		checkHead(t, head)
		if head.StatusCode != 200 {
			t.Errorf("HEAD status %d", head.StatusCode)
		}
		if got, want := head.Header.Get("Content-Length"), strconv.Itoa(len("HEAD /cabeza")); got != want {
			t.Errorf("HEAD Content-Length %s; want %s, the length the body would have", got, want)
		}
		if head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD Content-Type %q, GET %q", head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
		if r := c.read("GET"); r.body != "GET /next" {
			t.Errorf("reply after HEAD: %d %q", r.StatusCode, r.body)
		}
		// An error reply to HEAD has no body either.
		c.send("HEAD /refuse HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := c.read("HEAD"); r.StatusCode != 403 || r.Header.Get("Content-Length") == "0" {
			t.Errorf("HEAD /refuse: %d Content-Length %q", r.StatusCode, r.Header.Get("Content-Length"))
		}
		c.expectOpen()
	})
}

func TestHandlerWithoutReply(t *testing.T) {
	addr := startServer(t, &Server{Handler: newTestHandler()}, "127.0.0.1")
	c := dial(t, addr)
	c.send("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n")
	r := c.read("GET")
	checkHead(t, r)
	if r.StatusCode != 500 {
		t.Errorf("a Handler that never replies: %d; want 500", r.StatusCode)
	}
	c.expectOpen()
}

// TestFramingErrors checks that a request the server cannot frame gets
// exactly one reply, with Connection: close, and then the connection
// closes: what follows it on the wire is never taken for a request.
func TestFramingErrors(t *testing.T) {
	const next = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
	tests := []struct {
		name, req string
		status    int
	}{
		{"CL and TE", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"TE and CL", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
		{"two lengths", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"bad length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
		{"gzip coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"bad chunk size", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhola\r\n0\r\n\r\n", 400},
		{"chunk without CRLF", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nholaXX0\r\n\r\n", 400},
		{"bare CR", "GET /a HTTP/1.1\rHost: x\r\n\r\n", 400},
		{"no Host", "GET /a HTTP/1.1\r\n\r\n", 400},
		{"obs-fold", "GET /a HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400},
		{"bad version", "GET /a HTTP/2.0\r\nHost: x\r\n\r\n", 505},
		{"unknown method", "DELETE /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"garbage", "\x00\x01\x02 hola\r\n\r\n", 400},
		{"long line", "GET /" + strings.Repeat("a", 9<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"big head", "GET /a HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Relleno: "+strings.Repeat("b", 1000)+"\r\n", 40) + "\r\n", 431},
	}
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := dial(t, addr)
				// A good request first, so that the error comes on a
				// kept-alive connection with a reply already sent.
				c.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n" + tt.req + next)
				if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /first" {
					t.Fatalf("first reply: %d %q", r.StatusCode, r.body)
				}
				r := c.read("POST")
				checkHead(t, r)
				wantClose(t, r, true)
				if r.StatusCode != tt.status {
					t.Errorf("status %d; want %d", r.StatusCode, tt.status)
				}
				if !strings.HasPrefix(r.body, `{"error":"`) || strings.Contains(r.body, "smuggled") {
					t.Errorf("body %q", r.body)
				}
				c.expectClosed()
			})
		}
	})
}

func TestMaxBody(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler(), MaxBody: 1000}, host)

		t.Run("Content-Length over the limit", func(t *testing.T) {
			c := dial(t, addr)
			// Only the head is sent: the reply must not wait for the body.
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
			r := c.read("POST")
			checkHead(t, r)
			wantClose(t, r, true)
			if r.StatusCode != 413 {
				t.Errorf("status %d; want 413", r.StatusCode)
			}
			c.expectClosed()
		})
		t.Run("with Expect: no 100 Continue", func(t *testing.T) {
			c := dial(t, addr)
			c.send("PUT /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
			if l := c.line(); !strings.HasPrefix(l, "HTTP/1.1 413 ") {
				t.Fatalf("first line %q; want a 413 status line", l)
			}
		})
		t.Run("at the limit", func(t *testing.T) {
			c := dial(t, addr)
			body := strings.Repeat("a", 1000)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + body)
			if r := c.read("POST"); r.StatusCode != 200 || r.body != body {
				t.Errorf("status %d, %d bytes", r.StatusCode, len(r.body))
			}
			c.expectOpen()
		})
		t.Run("chunked over the limit", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"3e8\r\n" + strings.Repeat("a", 1000) + "\r\n1\r\nb\r\n0\r\n\r\n")
			r := c.read("POST")
			checkHead(t, r)
			wantClose(t, r, true)
			if r.StatusCode != 413 {
				t.Errorf("status %d; want 413", r.StatusCode)
			}
			c.expectClosed()
		})
	})
}

func TestExpectContinue(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler()}, host)

		t.Run("100 before the body", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
			// The body has not been sent: the interim reply must come first.
			if l := c.line(); l != "HTTP/1.1 100 Continue\r\n" {
				t.Fatalf("got %q; want the 100 Continue status line", l)
			}
			if l := c.line(); l != "\r\n" {
				t.Fatalf("after 100 Continue: %q; want the empty line", l)
			}
			c.send("hola!")
			r := c.read("POST")
			if r.StatusCode != 200 || r.body != "hola!" {
				t.Errorf("final reply %d %q", r.StatusCode, r.body)
			}
			c.expectOpen()
		})
		t.Run("chunked", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n")
			if l := c.line(); l != "HTTP/1.1 100 Continue\r\n" {
				t.Fatalf("got %q", l)
			}
			c.line()
			c.send("2\r\nok\r\n0\r\n\r\n")
			if r := c.read("POST"); r.StatusCode != 200 || r.body != "ok" {
				t.Errorf("final reply %d %q", r.StatusCode, r.body)
			}
		})
		t.Run("refused without reading", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
			if l := c.line(); !strings.HasPrefix(l, "HTTP/1.1 403 ") {
				t.Fatalf("first line %q; want the final 403 at once", l)
			}
		})
		t.Run("pipelined after a reply", func(t *testing.T) {
			// The 100 Continue of the second request must not overtake the
			// reply to the first.
			c := dial(t, addr)
			c.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n" +
				"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
			if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /first" {
				t.Fatalf("first reply: %d %q", r.StatusCode, r.body)
			}
			if l := c.line(); l != "HTTP/1.1 100 Continue\r\n" {
				t.Fatalf("got %q; want 100 Continue", l)
			}
			c.line()
			c.send("ok")
			if r := c.read("POST"); r.StatusCode != 200 || r.body != "ok" {
				t.Errorf("final reply %d %q", r.StatusCode, r.body)
			}
		})
		t.Run("HTTP/1.0 gets no 100", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
			if r := c.read("POST"); r.StatusCode != 200 || r.body != "ok" {
				t.Errorf("got %d %q", r.StatusCode, r.body)
			}
		})
		t.Run("other expectation", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: algo-raro\r\nContent-Length: 2\r\n\r\n")
			r := c.read("POST")
			checkHead(t, r)
			if r.StatusCode != 417 {
				t.Errorf("status %d; want 417", r.StatusCode)
			}
		})
	})
}

// TestFlushBeforeWaiting checks that a reply held back while the next
// pipelined request is being read goes out before the server waits on the
// network for the rest of that request.
func TestFlushBeforeWaiting(t *testing.T) {
	addr := startServer(t, &Server{Handler: newTestHandler()}, "127.0.0.1")
	c := dial(t, addr)
	c.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\n")
	if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /first" {
		t.Fatalf("first reply: %d %q", r.StatusCode, r.body)
	}
	c.send("Host: x\r\n\r\n")
	if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /second" {
		t.Errorf("second reply: %d %q", r.StatusCode, r.body)
	}
}

// TestBodyResetByClient resets the connection in the middle of a body: the
// handler's read fails, and ReplyFor calls that the client's fault (400),
// not an internal error (500).
func TestBodyResetByClient(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		h := &resetHandler{reading: make(chan struct{}, 1), err: make(chan error, 1)}
		addr := startServer(t, &Server{Handler: h}, host)
		c := dial(t, addr)
		c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc")
		select {
		case <-h.reading:
		case <-time.After(ioWait):
			t.Fatal("the handler did not start reading the body")
		}
		c.c.(*net.TCPConn).SetLinger(0) // close with a reset
		c.c.Close()
		select {
		case err := <-h.err:
			if status, _ := ReplyFor(err); status != 400 {
				t.Errorf("ReplyFor(%v) = %d; want 400", err, status)
			}
		case <-time.After(ioWait):
			t.Fatal("the handler's body read did not fail")
		}
	})
}

// resetHandler reads the first 3 bytes of the body, says so on reading,
// and sends the error that ends its reading of the rest on err.
type resetHandler struct {
	reading chan struct{}
	err     chan error
}

func (h *resetHandler) ServeHTTP(w *ResponseWriter, r *proto.Request) {
	io.ReadFull(r.Body, make([]byte, 3))
	h.reading <- struct{}{}
	_, err := io.ReadAll(r.Body)
	h.err <- err
	w.sendError(ReplyFor(err))
}

// TestHandlerPanic checks that a panic while serving a request costs that
// connection only: the replies before it still reach the client, and the
// server goes on serving the others.
func TestHandlerPanic(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler(), Raw: panickingRaw{}}, host)
		c := dial(t, addr)
		// Pipelined: the reply to /a waits in the buffer for /panic's.
		c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /panic HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /a" {
			t.Errorf("the reply before the panic: %d %q", r.StatusCode, r.body)
		}
		if _, err := c.tryRead("GET"); err == nil {
			t.Error("a reply came from a handler that panicked")
		}

		raw := dial(t, addr)
		raw.send("\x89PNG\r\n\x1a\n")
		raw.c.(*net.TCPConn).CloseWrite()
		if l := raw.line(); l != "ERROR error interno del servidor\n" {
			t.Errorf("raw mode after a panic: %q", l)
		}

		c2 := dial(t, addr)
		c2.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := c2.read("GET"); r.StatusCode != 200 || r.body != "GET /after" {
			t.Errorf("after a panic: %d %q", r.StatusCode, r.body)
		}
	})
}

// panickingRaw is a RawHandler that reads the upload and panics.
type panickingRaw struct{}

func (panickingRaw) ServeRaw(ctx context.Context, body io.Reader, w io.Writer) {
	io.ReadAll(body)
	panic("a bug reached by a raw upload")
}
