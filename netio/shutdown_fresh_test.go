package netio

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestShutdownFreshConn checks that a connection accepted before Shutdown,
// whose request comes only after Shutdown has begun, is answered (and then
// closed) rather than closed unread, which would reset the client. This is
// what a client sees when it connects just as the server hands its
// listening socket over in an upgrade.
func TestShutdownFreshConn(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		s := &Server{Handler: newTestHandler()}
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Fatal(err)
		}
		served := serveOn(s, l)
		c := dial(t, l.Addr().String())
		waitFor(t, "the connection to be accepted", func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.conns) == 1
		})
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			shut <- s.Shutdown(ctx)
		}()
		waitFor(t, "Shutdown to begin", s.shutting.Load)
		c.send("GET /tarde HTTP/1.1\r\nHost: x\r\n\r\n")
		r := c.read("GET")
		if r.StatusCode != 200 {
			t.Errorf("the late request got %d %q", r.StatusCode, r.body)
		}
		wantClose(t, r, true)
		c.expectClosed()
		if err := <-shut; err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		<-served
	})
}

// waitFor polls cond until it holds, failing after ioWait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
