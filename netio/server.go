package netio

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"procesa/proto"
	"procesa/trace"
)

// Handler answers one parsed HTTP request. It must reply through w exactly
// once (a Handler that does not reply gets a 500). r.Body reads the request
// body; the first Read sends "100 Continue" when the client asked for it, so
// a Handler that refuses a request before reading its body spares the client
// the upload. r and its strings are valid only until ServeHTTP returns.
type Handler interface {
	ServeHTTP(w *ResponseWriter, r *proto.Request)
}

// RawHandler serves a raw-mode connection: one that began with the bytes of
// an image instead of an HTTP request (docs/protocolo.md, 1.6). body reads the image until
// the client half-closes; reading more than Server.MaxBody fails with an
// *proto.Error with Status 413. The handler writes its answer to w; the
// server flushes and closes the connection afterwards. ctx is canceled when
// Shutdown stops waiting for active connections.
type RawHandler interface {
	ServeRaw(ctx context.Context, body io.Reader, w io.Writer)
}

// Server accepts connections and runs one goroutine per connection with the
// loop in conn.go. Its zero value, given a Handler, is a valid server; each
// field says what zero means. Fields must not change after Serve is called.
type Server struct {
	Handler Handler
	// Raw serves raw-mode connections. If nil, raw mode is off and such a
	// connection gets a 400.
	Raw RawHandler
	// MaxConns caps simultaneous connections; one more is answered 503 and
	// closed. If zero, 1024.
	MaxConns int
	// HeaderTimeout is how long a client has to send a whole request head.
	// If zero, 30 s.
	HeaderTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request. If zero, 60 s.
	IdleTimeout time.Duration
	// BodyTimeout is the longest wait for the next bytes of a body, and for
	// a write to make progress. If zero, 30 s.
	BodyTimeout time.Duration
	// MinBodyRate, in bytes per second, keeps a body from trickling in
	// forever: after its first BodyTimeout, a body must have come at this
	// average rate (each byte buys 1/MinBodyRate s more), or its next read
	// times out. If zero, 512 B/s.
	MinBodyRate int64
	// MaxBody is the largest request body accepted. If zero, 32 MiB.
	MaxBody int64
	// Logger receives connection-level events. If nil, slog.Default().
	Logger *slog.Logger
	// OnReply, if set, is called once per reply that netio itself makes for
	// a request the Handler never saw (protocol errors, timeouts, overload),
	// with its status.
	OnReply func(status int)

	initOnce  sync.Once
	sem       chan struct{}
	shutting  atomic.Bool
	mu        sync.Mutex // guards listeners and conns
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	wg        sync.WaitGroup // one per live connection
	// abandon is canceled when Shutdown gives up on active connections.
	abandon    context.Context
	abandonNow context.CancelFunc
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("netio: server closed")

func (s *Server) init() {
	s.initOnce.Do(func() {
		if s.MaxConns <= 0 {
			s.MaxConns = 1024
		}
		if s.HeaderTimeout <= 0 {
			s.HeaderTimeout = 30 * time.Second
		}
		if s.IdleTimeout <= 0 {
			s.IdleTimeout = 60 * time.Second
		}
		if s.BodyTimeout <= 0 {
			s.BodyTimeout = 30 * time.Second
		}
		if s.MinBodyRate <= 0 {
			s.MinBodyRate = 512
		}
		if s.MaxBody <= 0 {
			s.MaxBody = 32 << 20
		}
		if s.Logger == nil {
			s.Logger = slog.Default()
		}
		s.sem = make(chan struct{}, s.MaxConns)
		s.listeners = make(map[net.Listener]struct{})
		s.conns = make(map[*conn]struct{})
		s.abandon, s.abandonNow = context.WithCancel(context.Background())
	})
}

// Serve accepts connections on l until Shutdown, then returns
// ErrServerClosed. It takes ownership of l.
func (s *Server) Serve(l net.Listener) error {
	s.init()
	s.mu.Lock()
	if s.shutting.Load() {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()

	var delay time.Duration // back-off on temporary accept errors (EMFILE...)
	for {
		rwc, err := l.Accept()
		if err != nil {
			if s.shutting.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) || errors.Is(err, errTooManyFiles) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.Logger.Warn("error al aceptar una conexión", "error", err, "espera", delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		select {
		case s.sem <- struct{}{}:
		default:
			go s.refuse(rwc)
			continue
		}
		c := &conn{s: s, rwc: rwc, tr: trace.Accept(rwc)}
		if !s.track(c) {
			<-s.sem
			rwc.Close()
			return ErrServerClosed
		}
		go c.serve()
	}
}

// refuse answers a connection over MaxConns with 503 and closes it.
func (s *Server) refuse(rwc net.Conn) {
	defer lingerClose(rwc) // the client may have sent its request already
	trace.Accept(rwc).Status(503)
	rwc.SetWriteDeadline(time.Now().Add(time.Second))
	resp := proto.Response{Status: 503, Close: true, Header: proto.Header{{Name: "Retry-After", Value: "1"}}}
	rwc.Write(appendJSONError(&resp, nil, "demasiadas conexiones simultáneas; inténtelo de nuevo"))
	if s.OnReply != nil {
		s.OnReply(503)
	}
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	<-s.sem
	s.wg.Done()
}

// Shutdown stops accepting, closes idle connections, and waits for active
// ones to finish their current request, or for ctx to end. Then it closes
// the remaining connections, cancels the RawHandlers' contexts and returns
// ctx.Err() without waiting for their handlers to return: a handler stuck
// on something other than its connection cannot hold the process.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.mu.Lock()
	s.shutting.Store(true)
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.wakeIfIdle()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.rwc.Close()
		}
		s.mu.Unlock()
		s.abandonNow()
		return ctx.Err()
	}
}
