// Package trace prints what the server does with its sockets and processes,
// one line per event, for "procesa --traza": a student runs the server with
// the flag, makes one request, and reads on stderr the story of that request
// (listen, accept, request line, 100 Continue, body, fsync and rename, the
// frame to the worker and its reply, the status line, the close) and of
// every worker process (spawned, exited with its status or signal).
//
// Each line begins with what the event belongs to:
//
//	[escucha [::]:8090]       a listening socket
//	[c12 127.0.0.1:54321]     connection number 12, from that client
//	[w pid 4567]              a worker process
//	[datos]                   the data directory (fsync, rename)
//	[servidor]                the server as a whole (signals)
//
// Tracing is off unless Enable is called, and then it costs nothing
// measurable: every hook is a small function the compiler inlines into one
// test of a package-level atomic bool (or, for a connection, of a nil
// pointer) around a call that is never made. The hooks take only values the
// caller already has, so that nothing is allocated or formatted to call
// them. Call sites are one line each: the formatting lives here.
package trace

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
)

var (
	on atomic.Bool
	mu sync.Mutex // guards out and serializes the lines written to it
	// out receives the lines; set by Enable.
	out io.Writer
)

// Enable turns tracing on, writing each event as one line to w, which is
// written to by one goroutine at a time. Call it before the server starts.
func Enable(w io.Writer) {
	mu.Lock()
	out = w
	mu.Unlock()
	on.Store(true)
}

// Disable turns tracing off. Connections accepted while it was on keep
// tracing until they close.
func Disable() { on.Store(false) }

// Enabled reports whether tracing is on, for a call site that must build an
// argument only to trace it.
func Enabled() bool { return on.Load() }

// line is one trace line being built.
type line []byte

// emit writes the line l, with prefix before it and a newline after it, in
// one Write.
func emit(prefix string, l line) {
	b := make([]byte, 0, len(prefix)+1+len(l)+1)
	b = append(b, prefix...)
	b = append(b, ' ')
	b = append(b, l...)
	b = append(b, '\n')
	mu.Lock()
	defer mu.Unlock()
	if out != nil {
		out.Write(b)
	}
}

func (l line) str(s string) line { return append(l, s...) }
func (l line) int(n int64) line  { return strconv.AppendInt(l, n, 10) }

// quote appends s quoted, so that a control character sent by a client
// cannot break or fake a line.
func (l line) quote(s string) line { return strconv.AppendQuote(l, s) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
