package netio

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"procesa/proto"
)

// short is the timeout the tests give the server; they wait up to ioWait
// for its effect, so a loaded machine does not make them flaky.
const short = 200 * time.Millisecond

func TestHeaderTimeout(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler(), HeaderTimeout: short}, host)

		t.Run("half a head", func(t *testing.T) {
			c := dial(t, addr)
			c.send("GET /a HTTP/1.1\r\nHo")
			r := c.read("GET")
			checkHead(t, r)
			wantClose(t, r, true)
			if r.StatusCode != 408 {
				t.Errorf("status %d; want 408", r.StatusCode)
			}
			c.expectClosed()
		})
		t.Run("half a second head", func(t *testing.T) {
			c := dial(t, addr)
			c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n")
			if r := c.read("GET"); r.StatusCode != 200 {
				t.Fatalf("first reply %d", r.StatusCode)
			}
			if r := c.read("GET"); r.StatusCode != 408 || !r.Close {
				t.Errorf("second reply %d close=%v; want 408 and close", r.StatusCode, r.Close)
			}
			c.expectClosed()
		})
		t.Run("a head sent slowly but in time", func(t *testing.T) {
			// Its own server with a roomier timeout, so that a loaded
			// machine's late wake-ups cannot fail it.
			c := dial(t, startServer(t, &Server{Handler: newTestHandler(), HeaderTimeout: 3 * time.Second}, host))
			for _, part := range []string{"GET /a HTTP/1.1\r\n", "Host: x\r\n", "\r\n"} {
				c.send(part)
				time.Sleep(200 * time.Millisecond) // 600 ms in all, 3 s allowed
			}
			if r := c.read("GET"); r.StatusCode != 200 {
				t.Errorf("status %d", r.StatusCode)
			}
		})
	})
}

func TestIdleTimeout(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler(), IdleTimeout: short}, host)
		c := dial(t, addr)
		c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := c.read("GET"); r.StatusCode != 200 || r.Close {
			t.Fatalf("status %d close=%v", r.StatusCode, r.Close)
		}
		// Nothing more is sent: the server closes without a reply.
		start := time.Now()
		c.expectClosed()
		if d := time.Since(start); d < short/2 {
			t.Errorf("closed after %v, before the idle timeout of %v", d, short)
		}
	})
}

func TestBodyTimeout(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		h := newTestHandler()
		addr := startServer(t, &Server{Handler: h, BodyTimeout: short}, host)
		c := dial(t, addr)
		c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
		r := c.read("POST")
		checkHead(t, r)
		wantClose(t, r, true)
		if r.StatusCode != 408 {
			t.Errorf("status %d; want 408", r.StatusCode)
		}
		select {
		case err := <-h.bodyErr:
			if !isTimeout(err) {
				t.Errorf("the handler's body read failed with %v; want a deadline error", err)
			}
		default:
			t.Errorf("the handler's body read did not fail")
		}
		c.expectClosed()

	})
}

// TestSlowBody checks the body's minimum rate: a body that keeps coming at
// more than MinBodyRate is not cut however long it takes, one that trickles
// in below it gets 408 soon after its first BodyTimeout, though no single
// read ever waits BodyTimeout, and a server slow to read a body that came
// at once does not charge the client for it.
func TestSlowBody(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		// A timeout long enough that a loaded machine's late wake-ups
		// cannot look like a stall.
		const timeout = 2 * time.Second
		addr := startServer(t, &Server{Handler: newTestHandler(), BodyTimeout: timeout, MinBodyRate: 100}, host)

		t.Run("steady", func(t *testing.T) {
			c := dial(t, addr)
			chunk := strings.Repeat("a", 30)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 480\r\n\r\n")
			for range 16 { // 200 B/s for 2.4 s, longer than the BodyTimeout
				time.Sleep(150 * time.Millisecond)
				c.send(chunk)
			}
			if r := c.read("POST"); r.StatusCode != 200 || len(r.body) != 480 {
				t.Errorf("steady body: %d, %d bytes", r.StatusCode, len(r.body))
			}
		})
		t.Run("trickle", func(t *testing.T) {
			c := dial(t, addr)
			c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
			stop := make(chan struct{})
			defer close(stop)
			go func() { // 10 B/s: the whole body would take 10 s
				for range 100 {
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
					}
					if _, err := c.c.Write([]byte("b")); err != nil {
						return
					}
				}
			}()
			start := time.Now()
			r := c.read("POST") // within ioWait, 5 s
			if r.StatusCode != 408 {
				t.Errorf("trickling body: %d %q after %v; want 408", r.StatusCode, r.body, time.Since(start))
			}
			wantClose(t, r, true)
		})
		t.Run("slow server", func(t *testing.T) {
			slow := startServer(t, &Server{Handler: pausingHandler{timeout + 500*time.Millisecond},
				BodyTimeout: timeout, MinBodyRate: 100}, host)
			c := dial(t, slow)
			c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n" + strings.Repeat("c", 20000))
			if r := c.read("POST"); r.StatusCode != 200 || r.body != "20000" {
				t.Errorf("a body the server was slow to read: %d %q", r.StatusCode, r.body)
			}
		})
	})
}

// pausingHandler reads the first bytes of the body, pauses, then reads the
// rest and replies with how many bytes the body had.
type pausingHandler struct{ pause time.Duration }

func (h pausingHandler) ServeHTTP(w *ResponseWriter, r *proto.Request) {
	n, _ := io.ReadFull(r.Body, make([]byte, 10))
	time.Sleep(h.pause)
	rest, err := io.ReadAll(r.Body)
	if err != nil {
		w.sendError(ReplyFor(err))
		return
	}
	w.Send(200, textPlain, []byte(strconv.Itoa(n+len(rest))))
}

// TestSlowClientsDoNotDelayOthers keeps many connections dripping one byte
// of a request head every 100 ms, and checks that a normal request made
// meanwhile is answered while every slow one is still unanswered.
func TestSlowClientsDoNotDelayOthers(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		addr := startServer(t, &Server{Handler: newTestHandler(), HeaderTimeout: time.Minute}, host)
		const slow = 200
		stop := make(chan struct{})
		var started sync.WaitGroup // each slow client has sent two bytes
		var answered atomic.Int32  // slow clients that got their reply
		var wg sync.WaitGroup
		errs := make(chan error, slow)
		started.Add(slow)
		for range slow {
			c := dial(t, addr)
			wg.Go(func() {
				var once sync.Once
				ready := func() { once.Do(started.Done) }
				defer ready() // on an early return
				head := "GET /lento HTTP/1.1\r\nHost: x\r\nX-Relleno: " + strings.Repeat("a", 1000)
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				sent := 0
			drip:
				for sent < len(head) {
					select {
					case <-stop:
						break drip
					case <-tick.C:
					}
					if _, err := c.c.Write([]byte{head[sent]}); err != nil {
						errs <- fmt.Errorf("slow client, byte %d: %w", sent, err)
						return
					}
					if sent++; sent == 2 {
						ready()
					}
				}
				c.send(head[sent:] + "\r\n\r\n")
				r, err := c.tryRead("GET")
				if err != nil {
					errs <- fmt.Errorf("slow client: %w", err)
					return
				}
				if r.StatusCode != 200 {
					errs <- fmt.Errorf("slow client: status %d", r.StatusCode)
					return
				}
				answered.Add(1)
			})
		}
		started.Wait()

		c := dial(t, addr)
		c.send("GET /rapido HTTP/1.1\r\nHost: x\r\n\r\n")
		r := c.read("GET")
		n := answered.Load()
		close(stop)
		if r.StatusCode != 200 || r.body != "GET /rapido" {
			t.Errorf("normal request: %d %q", r.StatusCode, r.body)
		}
		if n != 0 {
			t.Errorf("%d slow clients were answered before the normal request", n)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got := answered.Load(); got != slow {
			t.Errorf("%d of %d slow clients answered once they finished", got, slow)
		}
	})
}

func TestMaxConns(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		var refused atomic.Int32
		s := &Server{Handler: newTestHandler(), MaxConns: 2, OnReply: func(status int) {
			if status == 503 {
				refused.Add(1)
			}
		}}
		addr := startServer(t, s, host)
		a, b := dial(t, addr), dial(t, addr)
		for _, c := range []*testConn{a, b} {
			c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
			if r := c.read("GET"); r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
		}
		over := dial(t, addr)
		r := over.read("GET")
		checkHead(t, r)
		wantClose(t, r, true)
		if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
			t.Errorf("connection over MaxConns: %d, Retry-After %q; want 503 with Retry-After",
				r.StatusCode, r.Header.Get("Retry-After"))
		}
		over.expectClosed()
		if got := refused.Load(); got != 1 {
			t.Errorf("OnReply saw %d refusals; want 1", got)
		}
		// The two served connections are unaffected; once one closes its
		// slot is free again.
		a.expectOpen()
		b.c.Close()
		deadline := time.Now().Add(ioWait)
		for {
			c := dial(t, addr)
			c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
			r, err := c.tryRead("GET")
			if err == nil && r.StatusCode == 200 {
				break
			}
			if err == nil && r.StatusCode != 503 || time.Now().After(deadline) {
				t.Fatalf("after a connection closed: %v %v; want a free slot", r.Response, err)
			}
			c.c.Close()
			time.Sleep(10 * time.Millisecond)
		}
	})
}
