package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// copyRunner is a tasks.Runner that "processes" an image by copying it and
// reporting its size: what the status route shows, without a worker.
type copyRunner struct{}

func (copyRunner) Do(ctx context.Context, job proto.Job) (proto.Result, error) {
	b, err := io.ReadAll(job.Input)
	if err != nil {
		return proto.Result{}, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return proto.Result{ID: job.ID, Status: 415, Error: "no es una imagen"}, nil
	}
	if _, err := job.Output.Write(b); err != nil {
		return proto.Result{}, err
	}
	return proto.Result{ID: job.ID, Format: format, Width: cfg.Width, Height: cfg.Height, Bytes: int64(len(b))}, nil
}

type idleWorkers struct{}

func (idleWorkers) Alive() int      { return 1 }
func (idleWorkers) Procs() int      { return 1 }
func (idleWorkers) Restarts() int64 { return 0 }

var discard = slog.New(slog.DiscardHandler)

// statusFixture is a real store holding one finished task, served both by
// the real Handler behind netio.Server and by an equivalent net/http server.
type statusFixture struct {
	id       string
	procesa  string // address of the netio server
	nethttp  string // address of the net/http server
	shutdown func()
}

func newStatusFixture(tb testing.TB) *statusFixture {
	tb.Helper()
	store, id, err := openStatusStore(tb.TempDir())
	if errors.Is(err, errNoTestImage) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	stopProcesa := serveProcesa(store, nl)
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	stopNetHTTP := serveNetHTTP(store, hl)

	f := &statusFixture{id: id, procesa: nl.Addr().String(), nethttp: hl.Addr().String()}
	f.shutdown = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopProcesa(ctx)
		stopNetHTTP(ctx)
		store.Shutdown(ctx)
	}
	tb.Cleanup(f.shutdown)
	return f
}

// errNoTestImage means the test image from GOROOT is missing.
var errNoTestImage = errors.New("no se encuentra la imagen de prueba de GOROOT")

// openStatusStore opens a started store in dir holding one finished task,
// and returns it with the task's id. The in-process fixture and the
// isolated server processes of BenchmarkStatusIsolated both build it here.
func openStatusStore(dir string) (*tasks.Store, string, error) {
	img, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.png"))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", errNoTestImage, err)
	}
	store, err := tasks.Open(tasks.Config{Dir: dir, Runner: copyRunner{}, Logger: discard})
	if err != nil {
		return nil, "", err
	}
	store.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t, err := addTask(ctx, store, img)
	if err == nil && t.State != tasks.Done {
		err = fmt.Errorf("the task did not finish: %+v", t)
	}
	if err != nil {
		store.Shutdown(ctx)
		return nil, "", err
	}
	return store, t.ID, nil
}

// serveProcesa serves store with the api Handler behind netio.Server on l,
// and returns a function that shuts that server down.
func serveProcesa(store *tasks.Store, l net.Listener) (shutdown func(context.Context) error) {
	h := New(Config{Store: store, Workers: idleWorkers{}, Logger: discard})
	ns := &netio.Server{Handler: h, Raw: h, Logger: discard, OnReply: h.CountReply}
	go ns.Serve(l)
	return ns.Shutdown
}

// serveNetHTTP serves store's status route with netHTTPStatus behind
// net/http on l, and returns a function that shuts that server down.
func serveNetHTTP(store *tasks.Store, l net.Listener) (shutdown func(context.Context) error) {
	hs := &http.Server{Handler: newNetHTTPStatus(store), ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(l)
	return hs.Shutdown
}

// netHTTPStatus serves GET /estado/<id> with net/http, doing the work the
// api Handler does for it: route by path, count the request, read Accept,
// append the status from the store into a pooled buffer, and reply with
// the same headers and body.
type netHTTPStatus struct {
	store    *tasks.Store
	bufs     sync.Pool
	mu       sync.Mutex
	requests map[requestKey]uint64
}

func newNetHTTPStatus(store *tasks.Store) *netHTTPStatus {
	return &netHTTPStatus{store: store, requests: make(map[requestKey]uint64)}
}

func (h *netHTTPStatus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/estado/")
	if !ok || (r.Method != "GET" && r.Method != "HEAD") {
		http.NotFound(w, r)
		return
	}
	bp, _ := h.bufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 512)
		bp = &b
	}
	defer h.bufs.Put(bp)
	accept := parseAccept(r.Header.Get("Accept"))
	if accept.prefersHTML() {
		http.Error(w, "no pages here", http.StatusNotAcceptable)
		return
	}
	b, code, st := statusJSON((*bp)[:0], h.store, id)
	ct := jsonType.Value
	if accept.prefersText() {
		b = append(append(b[:0], st...), '\n')
		ct = textType.Value
	}
	hdr := w.Header()
	hdr["Content-Type"] = []string{ct}
	hdr["Vary"] = []string{varyAccept.Value}
	hdr["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(code)
	w.Write(b)
	*bp = b
	h.mu.Lock()
	h.requests[requestKey{routeStatus, code}]++
	h.mu.Unlock()
}

// TestStatusServersAgree checks that the two servers the benchmark compares
// give the same reply to the same requests, so that it compares equal work.
func TestStatusServersAgree(t *testing.T) {
	f := newStatusFixture(t)
	for i, req := range []string{
		"GET /estado/" + f.id + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /estado/" + f.id + " HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n",
		"HEAD /estado/" + f.id + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /estado/no-existe HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		method, _, _ := strings.Cut(req, " ")
		var got [2]*http.Response
		var body [2]string
		for i, addr := range []string{f.procesa, f.nethttp} {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, req)
			r, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
			if err != nil {
				t.Fatalf("%q to %s: %v", req, addr, err)
			}
			b, _ := io.ReadAll(r.Body)
			got[i], body[i] = r, string(b)
		}
		p, n := got[0], got[1]
		if p.StatusCode != n.StatusCode || body[0] != body[1] {
			t.Errorf("%q:\nprocesa  %d %q\nnet/http %d %q", req, p.StatusCode, body[0], n.StatusCode, body[1])
		}
		for _, k := range []string{"Content-Type", "Content-Length"} {
			if p.Header.Get(k) != n.Header.Get(k) {
				t.Errorf("%q: %s %q from procesa, %q from net/http", req, k, p.Header.Get(k), n.Header.Get(k))
			}
		}
		if len(p.Header) != len(n.Header) || p.Header.Get("Date") == "" {
			t.Errorf("%q: header fields differ:\nprocesa  %v\nnet/http %v", req, p.Header, n.Header)
		}
		if i == 0 && !strings.Contains(body[0], `"estado":"Completada"`) {
			t.Errorf("status body %q", body[0])
		}
	}
}

// loadConn is one keep-alive client connection of the load generator.
type loadConn struct {
	c  net.Conn
	br *bufio.Reader
}

// errReply is a reply the load generator did not expect.
var errReply = errors.New("unexpected reply")

// do sends reqs (one request, or several pipelined in one write) and reads
// n replies.
func (lc *loadConn) do(reqs []byte, n int) error {
	if _, err := lc.c.Write(reqs); err != nil {
		return err
	}
	for range n {
		if err := lc.readReply(); err != nil {
			return err
		}
	}
	return nil
}

// readReply reads one reply: a 200 head and its Content-Length body.
func (lc *loadConn) readReply() error {
	line, err := lc.br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(line) < 12 || string(line[9:12]) != "200" {
		return fmt.Errorf("%w: %q", errReply, line)
	}
	n := -1
	for {
		line, err = lc.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if len(line) > 16 && (line[0] == 'C' || line[0] == 'c') && strings.EqualFold(string(line[:15]), "content-length:") {
			n, err = strconv.Atoi(strings.TrimSpace(string(line[15:])))
			if err != nil {
				return fmt.Errorf("%w: %q", errReply, line)
			}
		}
	}
	if n < 0 {
		return fmt.Errorf("%w: no Content-Length", errReply)
	}
	_, err = lc.br.Discard(n)
	return err
}

// dialLoad opens n keep-alive connections to addr.
func dialLoad(tb testing.TB, addr string, n int) []*loadConn {
	conns := make([]*loadConn, n)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		conns[i] = &loadConn{c: c, br: bufio.NewReaderSize(c, 4<<10)}
	}
	return conns
}

// load sends total requests over conns, depth outstanding per connection
// (pipelined in one write), and returns how long they took.
func load(tb testing.TB, conns []*loadConn, req []byte, total, depth int) time.Duration {
	reqs := bytes.Repeat(req, depth)
	var left atomic.Int64
	left.Store(int64(total))
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	start := time.Now()
	for _, lc := range conns {
		wg.Go(func() {
			for left.Add(-int64(depth)) >= 0 {
				if err := lc.do(reqs, depth); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if err := failed.Load(); err != nil {
		tb.Fatalf("load: %v", *err)
	}
	return d
}

// BenchmarkStatus serves GET /estado/<id> to 64 concurrent keep-alive
// clients from procesa (netio + api) and from an equivalent net/http
// server, alternating them in short rounds within the same run, and reports
// the requests per second of each and their ratio (target: at least 1.5).
//
// "depth=1" keeps one request outstanding per connection; "depth=8"
// pipelines 8 in one write, as HTTP/1.1 allows. On a machine where a
// system call costs microseconds (this sandbox), depth 1 is bound by the
// read and write calls both servers and the load generator must make for
// every request; pipelining lets a server answer several requests with one
// write, which netio does and net/http does not.
func BenchmarkStatus(b *testing.B) {
	for _, depth := range []int{1, 8} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) { benchStatus(b, depth) })
	}
}

func benchStatus(b *testing.B, depth int) {
	f := newStatusFixture(b)
	r := compareStatus(b, depth,
		statusTarget{addr: f.procesa, id: f.id},
		statusTarget{addr: f.nethttp, id: f.id}, nil)
	r.reportRate(b)
}

// statusTarget is one server under the status benchmark: where to dial, the
// id of its finished task, and, if set, how to read the CPU time it has
// used so far.
type statusTarget struct {
	addr, id string
	cpu      func() time.Duration
}

// statusRun is what compareStatus measured: n requests to each server, and
// per server (procesa, then net/http) the wall time they took and, where
// the target could tell, the CPU time it spent; gen is the CPU time of the
// load generator, where measured.
type statusRun struct {
	n         float64
	wall, cpu [2]time.Duration
	gen       time.Duration
}

// compareStatus serves GET /estado/<id> from procesa and nethttp to 64
// keep-alive clients each, depth requests in flight per connection, in
// short alternated rounds, so that the load other processes put on the
// machine falls on both servers alike and neither always follows the
// other's garbage. gen, if set, reads the load generator's CPU time.
func compareStatus(b *testing.B, depth int, procesa, nethttp statusTarget, gen func() time.Duration) statusRun {
	const clients, perRound = 64, 4096
	targets := [2]statusTarget{procesa, nethttp}
	var conns [2][]*loadConn
	var reqs [2][]byte
	for i, t := range targets {
		reqs[i] = []byte("GET /estado/" + t.id + " HTTP/1.1\r\nHost: x\r\n\r\n")
		conns[i] = dialLoad(b, t.addr, clients)
	}
	// Warm both up: connections accepted, buffers and pools filled.
	for i := range targets {
		load(b, conns[i], reqs[i], 4*clients*depth, depth)
	}

	rounds := max(6, (b.N+perRound-1)/perRound)
	per := max(b.N/rounds, depth)
	per -= per % depth
	var r statusRun
	cpu := func(f func() time.Duration) time.Duration {
		if f == nil {
			return 0
		}
		return f()
	}
	b.ResetTimer()
	for round := range rounds {
		for k := range 2 {
			i := (round + k) % 2 // alternate which goes first
			c0, g0 := cpu(targets[i].cpu), cpu(gen)
			r.wall[i] += load(b, conns[i], reqs[i], per, depth)
			r.cpu[i] += cpu(targets[i].cpu) - c0
			r.gen += cpu(gen) - g0
		}
	}
	b.StopTimer()
	r.n = float64(per * rounds)
	return r
}

// reportRate reports both servers' requests per second, their ratio, and
// procesa's time per request as ns/op.
func (r statusRun) reportRate(b *testing.B) {
	procesaRPS := r.n / r.wall[0].Seconds()
	nethttpRPS := r.n / r.wall[1].Seconds()
	b.ReportMetric(procesaRPS, "procesa-req/s")
	b.ReportMetric(nethttpRPS, "nethttp-req/s")
	b.ReportMetric(procesaRPS/nethttpRPS, "ratio")
	b.ReportMetric(float64(r.wall[0].Nanoseconds())/r.n, "ns/op")
}

// BenchmarkStatusIsolated measures what each server itself costs per
// request. BenchmarkStatus runs both servers and the load generator in one
// process, so on a machine with few cores the load generator's own CPU per
// request is added to both servers' and dilutes their ratio. Here each
// server runs alone in a child process (the test binary re-executed) and the
// load generator drives them from this process in alternating short rounds;
// besides requests per second, it reports the CPU time (user and system)
// each child spent per request, read from /proc, and the ratio of those.
func BenchmarkStatusIsolated(b *testing.B) {
	for _, depth := range []int{1, 8} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) { benchStatusIsolated(b, depth) })
	}
}

func benchStatusIsolated(b *testing.B, depth int) {
	target := func(which string) statusTarget {
		srv := startStatusServer(b, which)
		return statusTarget{addr: srv.addr, id: srv.id, cpu: func() time.Duration { return srv.cpu(b) }}
	}
	// The load generator is this process: what it costs per request is
	// what dilutes the requests-per-second ratio.
	gen := &statusServer{pid: os.Getpid()}
	r := compareStatus(b, depth, target("procesa"), target("nethttp"), func() time.Duration { return gen.cpu(b) })
	r.reportRate(b)
	b.ReportMetric(float64(r.cpu[0].Microseconds())/r.n, "procesa-cpu-µs/req")
	b.ReportMetric(float64(r.cpu[1].Microseconds())/r.n, "nethttp-cpu-µs/req")
	b.ReportMetric(float64(r.cpu[1])/float64(r.cpu[0]), "cpu-ratio")
	b.ReportMetric(float64(r.gen.Microseconds())/(2*r.n), "loadgen-cpu-µs/req")
}
