package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests of this file run batches against the real server, with real
// worker processes and the Go distribution's test images.

// runBinaryClient runs "procesa cliente args..." as its own process, in
// dir, with stdin as its standard input.
func runBinaryClient(t *testing.T, dir, stdin string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, serverBinary(t), append([]string{"cliente"}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := runResult{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
	t.Logf("procesa cliente %q -> %d (%v)\nstdout:\n%s\nstderr:\n%s", args, r.code, err, r.stdout, r.stderr)
	return r
}

// resultNames returns the names of the files in dir, sorted.
func resultNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// TestBatchMixedArguments runs "procesa cliente" as its own process over good images named alone and inside a directory,
// a file that is not an image and a missing file. The two bad ones fail on
// their own, each with its reason in the summary; the good ones are saved in
// -o's directory, gray and whole; the exit status is 1.
func TestBatchMixedArguments(t *testing.T) {
	srv := startServerWorkers(t, "127.0.0.1", 2)
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("fotos", 0o755)
	os.Mkdir("grises", 0o755)
	copyImage(t, "video-001.gif", dir, "a.gif")
	copyImage(t, "video-001.png", filepath.Join(dir, "fotos"), "b.png")
	copyImage(t, "video-001.jpeg", filepath.Join(dir, "fotos"), "c.jpeg")
	os.WriteFile("fotos/leame.txt", []byte("en un directorio, lo que no es imagen se deja de lado\n"), 0o644)
	os.WriteFile("notas.txt", []byte("esto no es una imagen\n"), 0o644)
	w, h := imageSize(t, "a.gif")

	r := runBinaryClient(t, dir, "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", "grises",
		"a.gif", "notas.txt", "falta.png", "fotos")
	if r.code != exitFailure {
		t.Errorf("estado de salida %d; quería 1 (dos imágenes fallaron)", r.code)
	}
	want := []string{"a_procesada.jpg", "b_procesada.jpg", "c_procesada.jpg"}
	if got := resultNames(t, "grises"); !slices.Equal(got, want) {
		t.Fatalf("en grises/ hay %q; quería %q", got, want)
	}
	for _, name := range want {
		checkGrayResult(t, filepath.Join("grises", name), "jpeg", w, h)
	}
	summary := "Resumen: 3 imágenes procesadas de 5; 2 fallaron:\n" +
		"  notas.txt: el servidor respondió con el estado 415: el contenido no es una imagen" // the server's message
	if !strings.Contains(r.stderr, summary) {
		t.Errorf("stderr no tiene el resumen %q", summary)
	}
	if !strings.Contains(r.stderr, "\n  falta.png: no existe el archivo «falta.png»\n") {
		t.Errorf("el resumen no dice por qué falló falta.png")
	}
	if n := strings.Count(r.stdout, ": Resultado guardado en grises/"); n != 3 {
		t.Errorf("stdout dice %d veces «Resultado guardado»; quería 3", n)
	}
	for _, name := range []string{"a.gif", "fotos/b.png", "fotos/c.jpeg"} {
		if !regexp.MustCompile(regexp.QuoteMeta(name) + `: ID de la tarea: [0-9a-f-]{36}\n`).MatchString(r.stdout) {
			t.Errorf("stdout no da el id de la tarea de %s", name)
		}
	}
}

// TestBatchDirectory runs "procesa cliente" as its own process: a directory alone means the images directly inside it;
// with -r, those of its subdirectories too. The options (here -e) apply to
// every image.
func TestBatchDirectory(t *testing.T) {
	srv := startServerWorkers(t, "::1", 2)
	dir := t.TempDir()
	fotos := filepath.Join(dir, "fotos")
	os.MkdirAll(filepath.Join(fotos, "viaje", "dia2"), 0o755)
	copyImage(t, "video-001.png", fotos, "uno.png")
	copyImage(t, "video-001.jpeg", fotos, "dos.jpeg")
	copyImage(t, "video-001.gif", filepath.Join(fotos, "viaje"), "tres.gif")
	copyImage(t, "video-005.gray.png", filepath.Join(fotos, "viaje", "dia2"), "cuatro.png")
	w, h := imageSize(t, filepath.Join(fotos, "uno.png"))

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"dos_procesada.jpg", "uno_procesada.jpg"}},
		{[]string{"-r"}, []string{"cuatro_procesada.jpg", "dos_procesada.jpg", "tres_procesada.jpg", "uno_procesada.jpg"}},
	} {
		out := t.TempDir()
		args := append([]string{"-i", "::1", "-p", strconv.Itoa(srv.port), "-e", "0.5", "-o", out}, tc.args...)
		r := runBinaryClient(t, dir, "", append(args, "fotos")...)
		if r.code != exitOK {
			t.Errorf("%q: estado de salida %d; quería 0", tc.args, r.code)
		}
		if got := resultNames(t, out); !slices.Equal(got, tc.want) {
			t.Errorf("%q: resultados %q; quería %q", tc.args, got, tc.want)
			continue
		}
		for _, name := range tc.want {
			checkGrayResult(t, filepath.Join(out, name), "jpeg", w/2, h/2)
		}
		sum := fmt.Sprintf("Resumen: %d imágenes procesadas de %d.\n", len(tc.want), len(tc.want))
		if !strings.Contains(r.stderr, sum) {
			t.Errorf("%q: stderr no tiene el resumen %q", tc.args, sum)
		}
	}
}

// TestBatchAsksOnlyForTheServer: what the flags do not say of the server is
// asked as for one image; the images are never asked for.
func TestBatchAsksOnlyForTheServer(t *testing.T) {
	srv := startServer(t, "::1")
	dir := t.TempDir()
	t.Chdir(dir)
	copyImage(t, "video-001.png", dir, "a.png")
	copyImage(t, "video-001.gif", dir, "b.gif")
	r := runClient(t, t.Context(), "::1\n"+strconv.Itoa(srv.port)+"\n", "a.png", "b.gif")
	if r.code != exitOK {
		t.Errorf("estado de salida %d; quería 0", r.code)
	}
	if want := askHost + " " + askPort + " "; !strings.HasPrefix(r.stdout, want) || strings.Contains(r.stdout, askImage) {
		t.Errorf("stdout %q; quería solo las preguntas %q", r.stdout, want)
	}
	if got := resultNames(t, dir); !slices.Equal(got, []string{"a.png", "a_procesada.jpg", "b.gif", "b_procesada.jpg"}) {
		t.Errorf("en el directorio actual hay %q", got)
	}
}

// TestBatchServerDown: a server that cannot be reached is said once, before
// any image, as for one image; the exit status is 1.
func TestBatchServerDown(t *testing.T) {
	port := strconv.Itoa(freePort(t, "127.0.0.1:0"))
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, "-o", t.TempDir(),
		testImage(t, "video-001.png"), testImage(t, "video-001.gif"))
	want := "procesa cliente: no se pudo conectar con el servidor 127.0.0.1:" + port
	if r.code != exitFailure || !strings.HasPrefix(r.stderr, want) || strings.Contains(r.stderr, "Subiendo") {
		t.Errorf("estado %d, stderr %q; quería 1 y solo %q", r.code, r.stderr, want)
	}
}

// flightProxy is an HTTP proxy put between the client and the real server
// to count the images the client has under way. An image counts from its
// upload (POST) until the proxy has read its whole result from the server,
// before the client gets the result's last byte: as the client can start
// another image only after that byte, the count never runs ahead of the
// client, whatever the timing. An upload is held until barrier images are
// under way (or every image has been uploaded), so that a client that
// processed fewer at a time than it should would be seen to.
type flightProxy struct {
	port    int
	barrier int // see above; 0: none
	images  int // how many images the batch has
	// holdResult (guarded by mu), if not zero, makes the holdResult-th result be sent only in
	// part; held is closed then, and the rest never comes.
	holdResult int
	held       chan struct{}

	mu       sync.Mutex
	cond     *sync.Cond
	inFlight int // images under way
	most     int // the most images under way at once
	uploads  int
	results  int
	giveUp   bool // the barrier waited too long
}

func newFlightProxy(t *testing.T, serverPort, barrier, images int) *flightProxy {
	t.Helper()
	p := &flightProxy{barrier: barrier, images: images, held: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	target, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(serverPort))
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1 // hand each piece to the client at once
	rp.ModifyResponse = p.countResult
	srv := httptest.NewServer(p.handler(rp))
	t.Cleanup(srv.Close)
	p.port, _ = strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	return p
}

func (p *flightProxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			p.countUpload()
		}
		next.ServeHTTP(w, r)
	})
}

// countUpload counts an image that starts and waits at the barrier.
func (p *flightProxy) countUpload() {
	stop := time.AfterFunc(20*time.Second, func() {
		p.mu.Lock()
		p.giveUp = true
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uploads++
	p.inFlight++
	p.most = max(p.most, p.inFlight)
	p.cond.Broadcast()
	for p.inFlight < p.barrier && p.uploads < p.images && !p.giveUp {
		p.cond.Wait()
	}
}

// countResult reads a whole result from the server and counts its image as
// done before handing the result on (or only its first half, to hold it).
func (p *flightProxy) countResult(resp *http.Response) error {
	if !strings.HasPrefix(resp.Request.URL.Path, "/resultado/") || resp.StatusCode != 200 {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.results++
	hold := p.results == p.holdResult
	p.inFlight--
	p.cond.Broadcast()
	p.mu.Unlock()
	if hold {
		resp.Body = &heldBody{first: b[:len(b)/2], ctx: resp.Request.Context(), held: p.held}
	} else {
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	return nil
}

// heldBody gives first, then closes held and blocks until the client goes
// away (at most 30 s).
type heldBody struct {
	first []byte
	ctx   context.Context
	held  chan struct{}
	sent  bool
}

func (b *heldBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, b.first), nil
	}
	close(b.held)
	select {
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	case <-time.After(30 * time.Second):
		return 0, io.ErrUnexpectedEOF
	}
}

func (b *heldBody) Close() error { return nil }

// TestBatchParallel: --paralelo N keeps at most N images under way, and
// reaches N; without it, N is the number of worker processes the server
// reports in /salud (2 here).
func TestBatchParallel(t *testing.T) {
	srv := startServerWorkers(t, "127.0.0.1", 2)
	dir := t.TempDir()
	const images = 5
	var args []string
	for i := range images {
		p, _ := copyImage(t, "video-001.png", dir, fmt.Sprintf("foto%d.png", i))
		args = append(args, p)
	}
	for _, tc := range []struct {
		flags []string
		want  int
	}{
		{[]string{"--paralelo", "1"}, 1},
		{[]string{"--paralelo", "3"}, 3},
		{nil, 2},
	} {
		t.Run(fmt.Sprint(tc.want), func(t *testing.T) {
			proxy := newFlightProxy(t, srv.port, tc.want, images)
			out := t.TempDir()
			all := append([]string{"-i", "127.0.0.1", "-p", strconv.Itoa(proxy.port), "-o", out}, tc.flags...)
			r := runClient(t, t.Context(), "", append(all, args...)...)
			if r.code != exitOK {
				t.Errorf("estado de salida %d; quería 0", r.code)
			}
			proxy.mu.Lock()
			most, giveUp := proxy.most, proxy.giveUp
			proxy.mu.Unlock()
			if most != tc.want || giveUp {
				t.Errorf("%q: hubo hasta %d imágenes a la vez (esperas vencidas: %v); quería %d", tc.flags, most, giveUp, tc.want)
			}
			if want := fmt.Sprintf("Procesando 5 imágenes, %d a la vez.", tc.want); !strings.Contains(r.stderr, want) {
				t.Errorf("stderr no dice %q", want)
			}
			if got := resultNames(t, out); len(got) != images {
				t.Errorf("%d resultados (%q); quería %d", len(got), got, images)
			}
		})
	}
}

// TestBatchInterrupt runs "procesa cliente" as its own process over three
// images, one at a time, and stops it with SIGINT (Ctrl-C) or SIGTERM while
// the second result is half downloaded: the first result stays whole, no
// half-written file is left, the third image is never uploaded, and the exit
// status is 128 plus the signal's number.
func TestBatchInterrupt(t *testing.T) {
	bin := serverBinary(t)
	srv := startServer(t, "127.0.0.1")
	for _, tc := range stopSignals {
		t.Run(tc.sig.String(), func(t *testing.T) {
			proxy := newFlightProxy(t, srv.port, 0, 3)
			proxy.mu.Lock() // the proxy already serves
			proxy.holdResult = 2
			proxy.mu.Unlock()
			dir := t.TempDir()
			out := filepath.Join(dir, "grises")
			os.Mkdir(out, 0o755)
			imgs := []string{testImage(t, "video-001.png"), testImage(t, "video-001.gif"), testImage(t, "video-001.jpeg")}
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append([]string{"cliente", "-i", "127.0.0.1", "-p", strconv.Itoa(proxy.port),
				"--paralelo", "1", "-o", out}, imgs...)...)
			cmd.Dir = dir
			var stdout, stderr syncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			select {
			case <-proxy.held:
			case <-ctx.Done():
				t.Fatalf("el segundo resultado no llegó a retenerse; stderr %q", stderr.String())
			}
			// Wait for the half-written file, so that the signal comes while
			// it is on disk.
			partial := regexp.MustCompile(`^\.procesa-.*\.jpg$`)
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				if slices.ContainsFunc(resultNames(t, out), partial.MatchString) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no apareció el archivo temporal del segundo resultado en %q", resultNames(t, out))
				}
			}
			cmd.Process.Signal(tc.sig)
			err := cmd.Wait()
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("estado %d (%v); quería %d", code, err, tc.code)
			}
			if !strings.Contains(stderr.String(), "procesa cliente: interrumpido; 2 imágenes sin terminar") {
				t.Errorf("stderr no dice que se interrumpió con 2 imágenes sin terminar")
			}
			if got := resultNames(t, out); !slices.Equal(got, []string{"video-001_procesada.jpg"}) {
				t.Errorf("en la salida quedó %q; quería solo el primer resultado, entero", got)
			}
			w, h := imageSize(t, imgs[0])
			checkGrayResult(t, filepath.Join(out, "video-001_procesada.jpg"), "jpeg", w, h)
			proxy.mu.Lock()
			uploads := proxy.uploads
			proxy.mu.Unlock()
			if uploads != 2 {
				t.Errorf("se subieron %d imágenes; quería 2 (la tercera no llega a empezar)", uploads)
			}
		})
	}
}
