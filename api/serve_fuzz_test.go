package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net"
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

// connPanicMsg is the message netio logs, at Error level, when serving a
// connection panicked (netio/conn.go, conn.serve).
const connPanicMsg = "error interno al servir una conexión; se cierra"

// Placeholders an input may hold, replaced before it is sent by the id of a
// task of the fuzz server's store in that state: the store makes its ids
// up, so a seed cannot spell them.
var (
	tokenDone    = []byte("{done}")
	tokenFailed  = []byte("{failed}")
	tokenRunning = []byte("{running}")
)

// FuzzServe sends each input as the bytes of one client connection to the
// real server (netio.Server in front of the api Handler over a tasks.Store
// whose runner copies the image) and fails when serving it panics or when
// the server is still serving it long after every timeout has passed.
//
// netio recovers a panic in a connection's goroutine, so the process lives
// on: the panic shows only as the Error record connPanicMsg, which the
// server's logger (panicRecorder) keeps. Attribution to the input that
// caused it is exact, because inputs are sent one at a time and each is
// checked only once the server is done with its connection:
//
//  1. watchListener counts the connections that Serve has handed to their
//     goroutine: Serve calls Accept again only after "go c.serve()" (or "go
//     s.refuse()") for the connection the previous call returned.
//  2. Then the test waits until no goroutine is running netio's
//     (*conn).serve or (*Server).refuse. The recover and its log call are
//     in the deferred call of (*conn).serve, so when its goroutine is
//     gone, the record, if any, has been kept.
//
// So every record seen after an input was made while serving that input,
// and none of its records can show up later, under another input.
func FuzzServe(f *testing.F) {
	srv := startFuzzServer(f)

	png1 := encodeTestImage(f, "png", 1, 1)
	png3 := encodeTestImage(f, "png", 3, 2)
	jpg := encodeTestImage(f, "jpeg", 8, 8)
	gif1 := encodeTestImage(f, "gif", 1, 1)
	ct, form := multipartBody(f, map[string]string{"nota": "hola"}, png1)
	fieldsCT, fields := multipartBody(f, map[string]string{"escala": "0.5"}, png3)

	const host = "Host: x\r\n"
	get := func(target string, extra ...string) string {
		return "GET " + target + " HTTP/1.1\r\n" + host + strings.Join(extra, "") + "\r\n"
	}
	post := func(method, target string, body []byte, extra ...string) string {
		return method + " " + target + " HTTP/1.1\r\n" + host + "Content-Length: " +
			strconv.Itoa(len(body)) + "\r\n" + strings.Join(extra, "") + "\r\n" + string(body)
	}
	chunked := func(target string, body []byte) string {
		var b strings.Builder
		b.WriteString("POST " + target + " HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n")
		for i := 0; i < len(body); i += 7 {
			part := body[i:min(i+7, len(body))]
			fmt.Fprintf(&b, "%x;ext=1\r\n%s\r\n", len(part), part)
		}
		b.WriteString("0\r\nX-Trailer: si\r\n\r\n")
		return b.String()
	}
	seeds := []string{
		// The regression that once killed the whole server.
		"GET /%% HTTP/1.0\r\n\r\n",
		"GET /%%%2 HTTP/1.1\r\n" + host + "\r\n",

		// Help, health and metrics.
		get("/"),
		"HEAD / HTTP/1.1\r\n" + host + "\r\n",
		get("/salud"),
		"HEAD /salud HTTP/1.0\r\n\r\n",
		get("/metricas"),
		"HEAD /metricas HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n",
		post("POST", "/salud", nil),

		// Uploads: raw body, form, PUT, parameters, 100-continue, chunked.
		post("POST", "/procesar", png1, "Content-Type: image/png\r\n"),
		post("POST", "/procesar?escala=0.5&gris=0&formato=png&calidad=90&filtro=cercano", png3),
		post("POST", "/procesar?ancho=2&filtro=bilineal&esperar=1", png3),
		post("POST", "/procesar?alto=1&formato=jpeg&esperar=1", jpg),
		post("POST", "/procesar?escala=0&calidad=101&esperar=2", png1),
		post("POST", "/", form, "Content-Type: "+ct+"\r\n"),
		post("POST", "/procesar?esperar=1", form, "Content-Type: "+ct+"\r\n"),
		post("PUT", "/foto.png", png1),
		post("PUT", "/", gif1, "Expect: 100-continue\r\n"),
		post("POST", "/procesar", jpg, "Expect: 100-continue\r\n"),
		post("POST", "/procesar", png1, "Expect: algo-raro\r\n"),
		chunked("/procesar?esperar=1", png3),
		chunked("/", []byte("--frontera\r\n")),
		post("POST", "/procesar", []byte("esto no es una imagen")),
		"POST /procesar HTTP/1.1\r\n" + host + "Content-Length: 999999999999\r\n\r\n",
		"POST /procesar HTTP/1.1\r\n" + host + "Content-Length: 40\r\n\r\n" + string(png1[:20]),
		"POST /procesar HTTP/1.1\r\n" + host + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",

		// Status and result of tasks in each state, and of unknown ids.
		get("/estado/{done}"),
		get("/estado/{done}", "Accept: text/plain\r\n"),
		"HEAD /estado/{failed} HTTP/1.1\r\n" + host + "\r\n",
		get("/estado/{running}", "Accept: TEXT/PLAIN; q=1\r\n"),
		get("/estado/6F1C1E8A-0000-4000-8000-000000000000"),
		get("/estado/no-es-un-id"),
		get("/estado/"),
		get("/resultado/{done}"),
		"HEAD /resultado/{done} HTTP/1.1\r\n" + host + "\r\n",
		get("/resultado/{done}?esperar=1"),
		get("/resultado/{failed}?esperar=1"),
		get("/resultado/{running}?esperar=1"),
		get("/resultado/6f1c1e8a-0000-4000-8000-000000000000?esperar=0"),
		get("/resultado/{done}?esperar=%zz"),

		// --directorio.
		get("/foto.png"),
		get("/foto.png?esperar=1&formato=png"),
		"HEAD /foto.png?escala=2 HTTP/1.1\r\n" + host + "\r\n",
		get("/nota.txt"),
		get("/sub/foto.jpg?ancho=3&alto=3"),
		get("/../../etc/passwd"),
		get("/fuera"),
		post("POST", "/foto.png", nil),

		// Pipelining and persistence.
		get("/salud") + get("/estado/{done}") + "HEAD /metricas HTTP/1.1\r\n" + host + "\r\n" +
			post("POST", "/procesar", png1) + get("/resultado/{done}"),
		"GET /salud HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /metricas HTTP/1.0\r\n\r\n",
		post("PUT", "/a.png", png1, "Expect: 100-continue\r\n") + chunked("/procesar", png1) + get("/%41"),
		"GET http://x/salud HTTP/1.1\r\n" + host + "\r\n",
		"GET /salud HTTP/1.1\nHost: x\n\n",

		// Raw mode.
		string(png1),
		string(jpg),
		string(gif1),
		"\x89PNG\r\n\x1a\n",
		"\xff\xd8\xff\xe0 no es un jpeg",

		// Browsers: pages, form uploads, static files.
		get("/", "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"),
		get("/estado/{done}", "Accept: text/html\r\n"),
		get("/estado/{failed}", "Accept: text/html\r\n"),
		get("/estado/{running}", "Accept: application/json;q=0.5, text/html\r\n"),
		get("/estado/no-es-un-id", "Accept: text/html\r\n"),
		post("POST", "/procesar", fields, "Content-Type: "+fieldsCT+"\r\n", "Accept: text/html\r\n"),
		post("POST", "/procesar?formato=gif", fields, "Content-Type: "+fieldsCT+"\r\n", "Accept: text/html\r\n"),
		get("/estaticos/app.js"),
		"HEAD /estaticos/estilo.css HTTP/1.1\r\n" + host + "\r\n",
		get("/estaticos/nada.css"),

		// Garbage.
		"",
		"\x00\x01\x02\x03",
		"GET",
		"BREW / HTTP/1.1\r\n" + host + "\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"GET /salud HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		srv.serve(t, in)
	})
}

// fuzzServer is the server FuzzServe talks to, built once per process.
type fuzzServer struct {
	addr     string
	ln       *watchListener
	log      *panicRecorder
	replacer [3][2][]byte // token, task id
	sent     int          // connections made so far
}

func startFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	runner := &gatedRunner{release: make(chan struct{})}
	rec := &panicRecorder{}
	logger := slog.New(rec)
	store, err := tasks.Open(tasks.Config{Dir: f.TempDir(), Runner: runner, Workers: 2, Logger: discard})
	if err != nil {
		f.Fatal(err)
	}
	store.Start()

	dir := f.TempDir()
	for name, data := range map[string][]byte{
		"foto.png":     encodeTestImage(f, "png", 4, 3),
		"sub/foto.jpg": encodeTestImage(f, "jpeg", 5, 5),
		"nota.txt":     []byte("no es una imagen\n"),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			f.Fatal(err)
		}
	}
	os.Symlink("/etc/passwd", filepath.Join(dir, "fuera")) // a link out, which os.Root refuses
	root, err := os.OpenRoot(dir)
	if err != nil {
		f.Fatal(err)
	}

	// WaitLimit is tiny so that /resultado/<id>?esperar=1 on the task that
	// never ends costs little; HeaderTimeout, IdleTimeout and BodyTimeout
	// are short so that no input holds its connection for long.
	h := New(Config{Store: store, Workers: idleWorkers{}, Dir: root, MaxBody: 1 << 20,
		WaitLimit: 20 * time.Millisecond, Logger: logger})
	ns := &netio.Server{Handler: h, Raw: h, Logger: logger, OnReply: h.CountReply,
		HeaderTimeout: time.Second, IdleTimeout: time.Second, BodyTimeout: time.Second,
		MaxBody: 1 << 20}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	wl := &watchListener{Listener: l}
	go ns.Serve(wl)
	f.Cleanup(func() {
		close(runner.release)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ns.Shutdown(ctx)
		store.Shutdown(ctx)
		root.Close()
	})

	srv := &fuzzServer{addr: l.Addr().String(), ln: wl, log: rec}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	png := encodeTestImage(f, "png", 2, 2)
	done, err := addTask(ctx, store, png)
	if err != nil {
		f.Fatal(err)
	}
	failed, err := addTask(ctx, store, []byte("no es una imagen"))
	if err != nil {
		f.Fatal(err)
	}
	u, err := store.NewUpload()
	if err != nil {
		f.Fatal(err)
	}
	runner.block.Store(u.ID())
	u.Write(png)
	running, err := u.Commit(tasks.Spec{Ext: "png", Type: "image/png"})
	if err != nil {
		f.Fatal(err)
	}
	for t, _ := store.Get(running.ID); t.State != tasks.Running; t, _ = store.Get(running.ID) {
		if ctx.Err() != nil {
			f.Fatalf("the blocked task is %q, not running", t.State)
		}
		time.Sleep(time.Millisecond)
	}
	srv.replacer = [3][2][]byte{
		{tokenDone, []byte(done.ID)},
		{tokenFailed, []byte(failed.ID)},
		{tokenRunning, []byte(running.ID)},
	}
	return srv
}

// addTask uploads img to store and waits for its task to end: done or,
// for bytes that are no image, failed.
func addTask(ctx context.Context, store *tasks.Store, img []byte) (tasks.Task, error) {
	u, err := store.NewUpload()
	if err != nil {
		return tasks.Task{}, err
	}
	u.Write(img)
	t, err := u.Commit(tasks.Spec{Ext: "png", Type: "image/png"})
	if err != nil {
		return tasks.Task{}, err
	}
	if t, err = store.Wait(ctx, t.ID); err != nil || (t.State != tasks.Done && t.State != tasks.Failed) {
		return tasks.Task{}, fmt.Errorf("the task did not end: %v %+v", err, t)
	}
	return t, nil
}

// serve sends in as one connection, reads the whole reply, and fails if
// serving it panicked or did not end.
func (s *fuzzServer) serve(t *testing.T, in []byte) {
	if bytes.IndexByte(in, '{') >= 0 {
		for _, r := range s.replacer {
			in = bytes.ReplaceAll(in, r[0], r[1])
		}
	}
	c, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.sent++
	c.SetDeadline(time.Now().Add(3 * time.Second))
	c.Write(in) // the server may stop reading early (a 413, say): not our concern
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, c)
	c.Close()

	// See FuzzServe for why, once this returns, every record about this
	// connection has been made.
	if !s.ln.waitHandedOff(s.sent, 5*time.Second) {
		t.Fatalf("the server did not take connection %d within 5 s", s.sent)
	}
	deadline := time.Now().Add(8 * time.Second)
	for wait := 20 * time.Microsecond; ; wait = min(2*wait, 5*time.Millisecond) {
		busy := servingGoroutines()
		if busy == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server is still serving the connection 8 s after the client closed it "+
				"(every timeout is at most 1 s):\n%s", busy)
		}
		time.Sleep(wait)
	}
	for _, p := range s.log.take() {
		t.Errorf("serving the input panicked: %s\n%s", p.value, p.stack)
	}
}

// servingGoroutines returns the stacks of the goroutines that run netio's
// per-connection code, or "" if there are none. A goroutine counts when one
// of its frames (not its "created by" line) is in that code.
func servingGoroutines() string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var busy []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "\nprocesa/netio.(*conn).serve") ||
			strings.Contains(g, "\nprocesa/netio.(*Server).refuse") {
			busy = append(busy, g)
		}
	}
	return strings.Join(busy, "\n\n")
}

// watchListener counts the connections Serve has handed to a goroutine:
// Serve calls Accept again only once it has done so for the connection the
// previous call returned.
type watchListener struct {
	net.Listener
	mu        sync.Mutex
	pending   bool // the last Accept returned a connection
	handedOff int
}

func (l *watchListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.pending {
		l.handedOff++
		l.pending = false
	}
	l.mu.Unlock()
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.pending = true
		l.mu.Unlock()
	}
	return c, err
}

// waitHandedOff waits until n connections have been handed off, or for
// limit, and reports whether they were.
func (l *watchListener) waitHandedOff(n int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		l.mu.Lock()
		ok := l.handedOff >= n
		l.mu.Unlock()
		if ok {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// panicRecorder is a slog.Handler that keeps the panics netio logs.
type panicRecorder struct {
	mu     sync.Mutex
	panics []recordedPanic
}

type recordedPanic struct{ value, stack string }

func (r *panicRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }

func (r *panicRecorder) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message != connPanicMsg {
		return nil
	}
	var p recordedPanic
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "pánico":
			p.value = a.Value.String()
		case "pila":
			p.stack = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	r.panics = append(r.panics, p)
	r.mu.Unlock()
	return nil
}

func (r *panicRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *panicRecorder) WithGroup(string) slog.Handler      { return r }

// take returns the panics recorded since the last call.
func (r *panicRecorder) take() []recordedPanic {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.panics
	r.panics = nil
	return p
}

// gatedRunner is copyRunner, except that the task whose id is block runs
// until release is closed: a task that stays "En progreso".
type gatedRunner struct {
	block   atomic.Value // string
	release chan struct{}
}

func (g *gatedRunner) Do(ctx context.Context, job proto.Job) (proto.Result, error) {
	if id, _ := g.block.Load().(string); id != "" && job.ID == id {
		select {
		case <-g.release:
		case <-ctx.Done():
		}
		return proto.Result{}, errors.New("tarea liberada al cerrar la prueba")
	}
	return copyRunner{}.Do(ctx, job)
}

// encodeTestImage returns a w×h image with a gradient in format.
func encodeTestImage(tb testing.TB, format string, w, h int) []byte {
	tb.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.NRGBA{uint8(40 * x), uint8(60 * y), 200, 255})
		}
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, m)
	case "jpeg":
		err = jpeg.Encode(&b, m, nil)
	case "gif":
		err = gif.Encode(&b, m, nil)
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
