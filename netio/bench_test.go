package netio

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"procesa/proto"
)

// staticHandler replies with the same small body to every request, without
// allocating: the cost measured is netio's and proto's.
type staticHandler struct{}

var (
	staticBody   = []byte(`{"estado":"ok"}` + "\n")
	staticHeader = proto.Header{{Name: "Content-Type", Value: "application/json; charset=utf-8"}}
)

func (staticHandler) ServeHTTP(w *ResponseWriter, r *proto.Request) {
	w.Send(200, staticHeader, staticBody)
}

// roundTripper sends one fixed request and reads its fixed-size reply on a
// keep-alive connection, without allocating.
type roundTripper struct {
	c   net.Conn
	req []byte
	buf []byte
}

func newRoundTripper(tb testing.TB, addr string) *roundTripper {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	rt := &roundTripper{c: c, req: []byte("GET /estado HTTP/1.1\r\nHost: x\r\n\r\n")}
	// Learn the reply's size (its Date always has the same length).
	c.Write(rt.req)
	c.SetReadDeadline(time.Now().Add(ioWait))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		tb.Fatal(err)
	}
	io.ReadAll(resp.Body)
	if br.Buffered() != 0 {
		tb.Fatal("unexpected bytes after the reply")
	}
	c.Write(rt.req)
	c.SetReadDeadline(time.Now().Add(ioWait))
	n, _ := c.Read(make([]byte, 1<<10)) // the whole reply comes in one write
	rt.buf = make([]byte, n)
	c.SetReadDeadline(time.Time{})
	return rt
}

func (rt *roundTripper) do() error {
	if _, err := rt.c.Write(rt.req); err != nil {
		return err
	}
	_, err := io.ReadFull(rt.c, rt.buf)
	return err
}

// TestKeepAliveAllocs guards the allocations of one keep-alive request
// through the connection loop (server and this client together).
func TestKeepAliveAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("se omite en modo -short")
	}
	addr := startServer(t, &Server{Handler: staticHandler{}}, "127.0.0.1")
	rt := newRoundTripper(t, addr)
	var err error
	allocs := testing.AllocsPerRun(200, func() {
		if e := rt.do(); e != nil {
			err = e
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// ReadRequest makes one string of the head; nothing else should.
	if allocs > 1 {
		t.Errorf("%.1f allocations per keep-alive request; want at most 1", allocs)
	}
}

// BenchmarkKeepAlive measures one client's round trips on one keep-alive
// connection: the latency of the connection loop.
func BenchmarkKeepAlive(b *testing.B) {
	addr := startServer(b, &Server{Handler: staticHandler{}}, "127.0.0.1")
	rt := newRoundTripper(b, addr)
	b.ReportAllocs()
	for b.Loop() {
		if err := rt.do(); err != nil {
			b.Fatal(err)
		}
	}
}
