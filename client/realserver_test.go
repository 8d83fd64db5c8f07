package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binDir holds the procesa binary built for the tests that run the real
// server; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "procesa-cliente-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildServer builds the procesa binary once, from the module root, for the
// tests that need it.
var buildServer = sync.OnceValues(func() (string, error) {
	if _, err := os.Stat("../main.go"); err != nil {
		return "", errNoMain
	}
	bin := filepath.Join(binDir, "procesa")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

var errNoMain = fmt.Errorf("sin main.go")

// serverBinary returns the path of the built procesa binary. It skips the test
// while the module has no main package yet and fails it if the build fails.
func serverBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildServer()
	if err == errNoMain {
		t.Skip("todavía no hay main.go en la raíz del módulo: no se puede construir el servidor real")
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

var listeningRE = regexp.MustCompile(`escuchando en http://(\[[^\]]+\]|[^:/\s]+):(\d+)`)

// realServer is a procesa server process started for a test.
type realServer struct {
	cmd  *exec.Cmd
	port int
	done chan struct{} // closed when the process has exited
	out  *syncBuffer
}

// startServer starts "procesa -p 0 --datos <tmp> -w 1 -i ip" and returns it
// once it has printed the port it listens on. The process is stopped when the
// test ends.
func startServer(t *testing.T, ip string) *realServer {
	t.Helper()
	return startServerWorkers(t, ip, 1)
}

// startServerWorkers is startServer with the given number of worker
// processes (-w).
func startServerWorkers(t *testing.T, ip string, workers int) *realServer {
	t.Helper()
	bin := serverBinary(t)
	if ip == "::1" {
		if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
			t.Skipf("sin IPv6 en este equipo: %v", err)
		} else {
			ln.Close()
		}
	}
	cmd := exec.Command(bin, "-p", "0", "--datos", t.TempDir(), "-w", strconv.Itoa(workers), "-i", ip)
	out := &syncBuffer{}
	pr, pw := io.Pipe()
	cmd.Stdout = io.MultiWriter(out, pw)
	cmd.Stderr = io.MultiWriter(out, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &realServer{cmd: cmd, done: make(chan struct{}), out: out}
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	portc := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		found := false
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil && !found {
				p, _ := strconv.Atoi(m[2])
				portc <- p
				found = true
			}
		}
		io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-s.done
			t.Errorf("el servidor no terminó 15 s después de SIGTERM")
		}
		if t.Failed() {
			t.Logf("salida del servidor:\n%s", out.String())
		}
	})
	select {
	case s.port = <-portc:
	case <-s.done:
		t.Fatalf("el servidor terminó sin escuchar:\n%s", out.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("el servidor no dijo «escuchando en» en 20 s:\n%s", out.String())
	}
	return s
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var uuidRE = regexp.MustCompile(`ID de la tarea: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\n`)

// checkGrayResult checks that path holds an image in format ("jpeg",
// "png") of size w×h in grayscale.
func checkGrayResult(t *testing.T, path, format string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no se guardó el resultado: %v", err)
	}
	defer f.Close()
	img, got, err := image.Decode(f)
	if err != nil || got != format {
		t.Fatalf("%s: formato %q, error %v; quería una imagen %s", path, got, err, format)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s mide %dx%d; quería %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	if !isGray(img) {
		t.Errorf("%s es %T; quería una imagen en escala de grises", path, img)
	}
}

// isGray reports whether every pixel of img is gray (R = G = B).
func isGray(img image.Image) bool {
	if _, ok := img.(*image.Gray); ok {
		return true
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != g || g != bl {
				return false
			}
		}
	}
	return true
}

// imageSize returns the size of the image in the file at path.
func imageSize(t *testing.T, path string) (int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

func TestRealServerFlags(t *testing.T) {
	for _, ip := range []string{"127.0.0.1", "::1"} {
		t.Run(ip, func(t *testing.T) {
			srv := startServer(t, ip)
			dir := t.TempDir()
			t.Chdir(dir)
			img, _ := copyImage(t, "video-001.png", dir, "foto.png")
			w, h := imageSize(t, img)
			r := runClient(t, t.Context(), "", "-i", ip, "-p", strconv.Itoa(srv.port), "-e", "0.5", img)
			if r.code != 0 {
				t.Fatalf("estado de salida %d, quería 0", r.code)
			}
			if !uuidRE.MatchString(r.stdout) {
				t.Errorf("stdout %q no muestra un id de tarea UUID", r.stdout)
			}
			checkGrayResult(t, filepath.Join(dir, "foto_procesada.jpg"), "jpeg", w/2, h/2)
		})
	}
}

func TestRealServerInteractive(t *testing.T) {
	srv := startServer(t, "::1")
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.jpeg", dir, "retrato.jpeg")
	w, h := imageSize(t, img)
	stdin := "[::1]\n" + strconv.Itoa(srv.port) + "\n" + img + "\n"
	r := runClient(t, t.Context(), stdin, "-e", "0,25")
	if r.code != 0 {
		t.Fatalf("estado de salida %d, quería 0", r.code)
	}
	want := askHost + " " + askPort + " " + askImage + " "
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout %q; quería que empezara con las tres preguntas %q", r.stdout, want)
	}
	checkGrayResult(t, filepath.Join(dir, "retrato_procesada.jpg"), "jpeg", w/4, h/4)
}

func TestRealServerWait(t *testing.T) {
	srv := startServer(t, "127.0.0.1")
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.gif", dir, "animal.gif")
	w, h := imageSize(t, img)
	out := filepath.Join(dir, "gris.png")
	r := runClient(t, t.Context(), "", "--esperar", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", out, img)
	if r.code != 0 {
		t.Fatalf("estado de salida %d, quería 0", r.code)
	}
	if strings.Contains(r.stdout, "ID de la tarea") {
		t.Errorf("el modo síncrono no debería mostrar un id de tarea: %q", r.stdout)
	}
	checkGrayResult(t, out, "png", w, h)
}

func TestRealServerNotAnImage(t *testing.T) {
	srv := startServer(t, "127.0.0.1")
	dir := t.TempDir()
	txt := filepath.Join(dir, "notas.txt")
	body := []byte("esto no es una imagen\n")
	os.WriteFile(txt, body, 0o644)

	// The server's own message, asked with a raw request.
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(srv.port))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /procesar HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	raw, _ := io.ReadAll(c)
	c.Close()
	_, js, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	var e struct {
		Error string `json:"error"`
	}
	if !bytes.HasPrefix(raw, []byte("HTTP/1.1 415 ")) || json.Unmarshal(js, &e) != nil || e.Error == "" {
		t.Fatalf("el servidor no responde 415 con {\"error\"} a un texto: %q", raw)
	}

	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), txt)
	want := "el servidor respondió con el estado 415: " + e.Error
	if r.code != exitFailure || !strings.Contains(r.stderr, want) {
		t.Errorf("estado %d, stderr %q; quería 1 y %q", r.code, r.stderr, want)
	}
}

func TestRealServerMissingFileAndDown(t *testing.T) {
	srv := startServer(t, "127.0.0.1")
	port := strconv.Itoa(srv.port)
	missing := filepath.Join(t.TempDir(), "no-existe.png")
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, missing)
	if r.code != exitFailure || !strings.Contains(r.stderr, "no existe el archivo") {
		t.Errorf("archivo inexistente: estado %d, stderr %q; quería 1 y «no existe el archivo»", r.code, r.stderr)
	}

	srv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-srv.done:
	case <-time.After(15 * time.Second):
		t.Fatal("el servidor no terminó tras SIGTERM")
	}
	img := testImage(t, "video-001.png")
	r = runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, "-o", t.TempDir(), img)
	if r.code != exitFailure || !strings.Contains(r.stderr, "no se pudo conectar con el servidor 127.0.0.1:"+port) {
		t.Errorf("servidor caído: estado %d, stderr %q; quería 1 y «no se pudo conectar»", r.code, r.stderr)
	}
}

// stopSignals are the signals that stop the client, as Ctrl-C (SIGINT) and
// kill (SIGTERM) send them, and the exit status each gives: 128 plus its
// number.
var stopSignals = []struct {
	sig  syscall.Signal
	code int
}{
	{syscall.SIGINT, 130},
	{syscall.SIGTERM, 143},
}

// TestBinaryInterrupt runs "procesa cliente" as its own process against a
// server that never answers and stops it with SIGINT, as Ctrl-C does, or with
// SIGTERM: the exit status is 128 plus the signal's number.
func TestBinaryInterrupt(t *testing.T) {
	bin := serverBinary(t)
	for _, tc := range stopSignals {
		t.Run(tc.sig.String(), func(t *testing.T) {
			srv := newFakeServer(t, "127.0.0.1:0")
			hung := make(chan struct{}, 1)
			srv.setHandle(func(r *fakeRequest) fakeResponse {
				hung <- struct{}{}
				return fakeResponse{Hang: true}
			})
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "cliente", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "--esperar",
				testImage(t, "video-001.png"))
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-hung:
			case <-ctx.Done():
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("el cliente no llegó a subir la imagen; stderr %q", stderr.String())
			}
			cmd.Process.Signal(tc.sig)
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			if code != tc.code || !strings.Contains(stderr.String(), "interrumpido") {
				t.Errorf("estado %d (%v), stderr %q; quería %d e «interrumpido»", code, err, stderr.String(), tc.code)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("quedaron %d archivos en el directorio de trabajo", len(entries))
			}
		})
	}
}
