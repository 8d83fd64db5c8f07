package netio

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"
)

// serveOn runs s on l and returns a channel with Serve's result.
func serveOn(s *Server, l net.Listener) chan error {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	return done
}

func TestShutdown(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		h := newTestHandler()
		// Long timeouts: only Shutdown can end the idle connections.
		s := &Server{Handler: h, HeaderTimeout: time.Minute, IdleTimeout: time.Minute}
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		served := serveOn(s, l)

		idle := dial(t, addr) // kept alive after one request
		idle.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
		idle.read("GET")
		fresh := dial(t, addr) // connected, has sent nothing yet
		fresh.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
		fresh.read("GET")
		fresh = dial(t, addr)
		active := dial(t, addr)
		active.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
		select {
		case <-h.entered:
		case <-time.After(ioWait):
			t.Fatal("the handler never started")
		}

		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			shut <- s.Shutdown(ctx)
		}()
		// Idle connections are closed at once, long before their timeouts.
		idle.expectClosed()
		fresh.expectClosed()
		// Serve stops accepting and returns.
		select {
		case err := <-served:
			if !errors.Is(err, ErrServerClosed) {
				t.Errorf("Serve returned %v; want ErrServerClosed", err)
			}
		case <-time.After(ioWait):
			t.Fatal("Serve did not return after Shutdown")
		}
		if c, err := net.DialTimeout("tcp", addr, ioWait); err == nil {
			c.Close()
			t.Errorf("a new connection was accepted after Shutdown")
		}
		// The active request is still running, and Shutdown waits for it.
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned (%v) while a request was running", err)
		default:
		}
		close(h.release)
		r := active.read("GET")
		if r.StatusCode != 200 || r.body != "listo" {
			t.Errorf("the active request got %d %q", r.StatusCode, r.body)
		}
		wantClose(t, r, true)
		active.expectClosed()
		select {
		case err := <-shut:
			if err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		case <-time.After(ioWait):
			t.Fatal("Shutdown did not return once the active request finished")
		}
	})
}

// rawWait is a RawHandler that waits for its context to end, as a handler
// waiting on a task does.
type rawWait struct{ entered, canceled chan struct{} }

func (h *rawWait) ServeRaw(ctx context.Context, body io.Reader, w io.Writer) {
	h.entered <- struct{}{}
	<-ctx.Done()
	close(h.canceled)
}

func TestShutdownDeadline(t *testing.T) {
	h := newTestHandler()
	defer close(h.release)
	raw := &rawWait{entered: make(chan struct{}, 1), canceled: make(chan struct{})}
	s := &Server{Handler: h, Raw: raw}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := serveOn(s, l)
	c := dial(t, l.Addr().String())
	c.send("POST /block HTTP/1.1\r\nHost: x\r\n\r\n")
	<-h.entered
	rc := dial(t, l.Addr().String())
	rc.send(signatures[0].head)
	<-raw.entered

	// The Handler stays stuck after its connection is closed; Shutdown
	// must return at its deadline anyway.
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), short)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown with a stuck request: %v; want DeadlineExceeded", err)
		}
	case <-time.After(ioWait):
		t.Fatal("Shutdown waited for a stuck Handler past its deadline")
	}
	select {
	case <-raw.canceled:
	case <-time.After(ioWait):
		t.Error("the RawHandler's context was not canceled")
	}
	c.expectClosed()
	rc.expectClosed()
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
}

func TestServeAfterShutdown(t *testing.T) {
	s := &Server{Handler: newTestHandler()}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(l); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v; want ErrServerClosed", err)
	}
	if _, err := net.DialTimeout("tcp", l.Addr().String(), ioWait); err == nil {
		t.Errorf("Serve after Shutdown left the listener open")
	}
}
