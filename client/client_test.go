package client

import (
	"bufio"
	"bytes"
	"context"
	"io"
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

var goroot = sync.OnceValue(func() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

// testImage returns the path of an image of the Go distribution's
// src/image/testdata.
func testImage(t *testing.T, name string) string {
	t.Helper()
	root := goroot()
	if root == "" {
		t.Skip("no se encontró GOROOT (go env GOROOT) para las imágenes de prueba")
	}
	p := filepath.Join(root, "src", "image", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("falta la imagen de prueba %s: %v", p, err)
	}
	return p
}

// copyImage copies the Go test image src into dir under the name dst.
func copyImage(t *testing.T, src, dir, dst string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(testImage(t, src))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, dst)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

type runResult struct {
	code           int
	stdout, stderr string
}

// runClient runs the client in-process with the given standard input.
func runClient(t *testing.T, ctx context.Context, stdin string, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := mainContext(ctx, args, strings.NewReader(stdin), &stdout, &stderr)
	r := runResult{code, stdout.String(), stderr.String()}
	t.Logf("procesa cliente %q -> %d\nstdout:\n%s\nstderr:\n%s", args, code, r.stdout, r.stderr)
	return r
}

func TestFlagsOverIPv4AndIPv6(t *testing.T) {
	for _, tc := range []struct{ listen, ip, host string }{
		{"127.0.0.1:0", "127.0.0.1", "127.0.0.1"},
		{"[::1]:0", "::1", "[::1]"},
		{"[::1]:0", "[::1]", "[::1]"},
		{"127.0.0.1:0", "localhost", "localhost"},
	} {
		t.Run(tc.ip, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			img, data := copyImage(t, "video-001.png", dir, "foto.png")
			result, _ := os.ReadFile(testImage(t, "video-001.jpeg"))
			tasks := &fakeTasks{busy: 2, result: result, ctype: "image/jpeg"}
			srv := newFakeServer(t, tc.listen)
			srv.setHandle(tasks.handle)
			r := runClient(t, t.Context(), "", "-i", tc.ip, "-p", strconv.Itoa(srv.port), "-e", "0,5", img)
			if r.code != 0 {
				t.Fatalf("estado de salida %d, quería 0", r.code)
			}
			if !strings.Contains(r.stdout, "ID de la tarea: "+fakeID) {
				t.Errorf("stdout no muestra el id de la tarea")
			}
			got, err := os.ReadFile(filepath.Join(dir, "foto_procesada.jpg"))
			if err != nil || !bytes.Equal(got, result) {
				t.Errorf("foto_procesada.jpg: %d bytes, err %v; quería el resultado del servidor (%d bytes)", len(got), err, len(result))
			}
			reqs := srv.requests()
			if len(reqs) < 5 {
				t.Fatalf("el servidor recibió %d solicitudes, quería subida + 4 consultas + resultado", len(reqs))
			}
			up := reqs[0]
			if up.Method != "POST" || up.Target != "/procesar?escala=0.5" {
				t.Errorf("subida: %s %s, quería POST /procesar?escala=0.5", up.Method, up.Target)
			}
			if !bytes.Equal(up.Body, data) {
				t.Errorf("el cuerpo subido (%d bytes) no es el archivo (%d bytes)", len(up.Body), len(data))
			}
			wantHost := tc.host + ":" + strconv.Itoa(srv.port)
			for _, req := range reqs {
				if h := req.Header.Get("Host"); h != wantHost {
					t.Errorf("%s %s: Host %q, quería %q", req.Method, req.Target, h, wantHost)
				}
			}
			if last := reqs[len(reqs)-1]; last.Target != "/resultado/"+fakeID {
				t.Errorf("última solicitud %s, quería /resultado/%s", last.Target, fakeID)
			}
			if n := srv.conns.Load(); n != 1 {
				t.Errorf("el cliente abrió %d conexiones, quería 1 (keep-alive)", n)
			}
			for _, want := range []string{"Subiendo foto.png", "Estado: En cola", "Estado: En progreso", "Estado: Completada"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr no contiene %q", want)
				}
			}
			if strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "\x1b") {
				t.Errorf("stderr no es una terminal pero recibió secuencias de control: %q", r.stderr)
			}
		})
	}
}

func TestInteractiveAnswers(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.gif", dir, "animal.gif")
	tasks := &fakeTasks{result: []byte("\x89PNG\r\n\x1a\nfake"), ctype: "image/png", chunked: true}
	srv := newFakeServer(t, "[::1]:0")
	srv.setHandle(tasks.handle)
	// A wrong port first: the question is asked again. The path comes quoted,
	// as a terminal writes a dropped file.
	stdin := "::1\n99999\n" + strconv.Itoa(srv.port) + "\n'" + img + "'\n"
	r := runClient(t, t.Context(), stdin)
	if r.code != 0 {
		t.Fatalf("estado de salida %d, quería 0", r.code)
	}
	for _, q := range []string{askHost, askPort, askImage} {
		if !strings.Contains(r.stdout, q) {
			t.Errorf("stdout no muestra la pregunta %q", q)
		}
	}
	if n := strings.Count(r.stdout, askPort); n != 2 {
		t.Errorf("la pregunta del puerto apareció %d veces, quería 2 (respuesta no válida)", n)
	}
	if !strings.Contains(r.stderr, "el puerto debe ser un número entre 1 y 65535") {
		t.Errorf("stderr no explica el puerto no válido")
	}
	got, err := os.ReadFile(filepath.Join(dir, "animal_procesada.png"))
	if err != nil || string(got) != string(tasks.result) {
		t.Errorf("animal_procesada.png = %q, %v; quería %q", got, err, tasks.result)
	}
}

func TestOnlyMissingQuestionsAreAsked(t *testing.T) {
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	tasks := &fakeTasks{result: []byte("\x89PNG\r\n\x1a\n"), ctype: "image/png"}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle(tasks.handle)
	out := filepath.Join(dir, "salida.png")
	// The address includes the port: only the image is asked.
	r := runClient(t, t.Context(), img+"\n", "-i", "127.0.0.1:"+strconv.Itoa(srv.port), "-o", out)
	if r.code != 0 {
		t.Fatalf("estado de salida %d, quería 0", r.code)
	}
	if strings.Contains(r.stdout, askHost) || strings.Contains(r.stdout, askPort) || !strings.Contains(r.stdout, askImage) {
		t.Errorf("preguntas: %q; quería solo la de la imagen", r.stdout)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no se guardó -o %s: %v", out, err)
	}
	if up := srv.requests()[0]; up.Target != "/procesar?formato=png" {
		t.Errorf("subida a %s; quería /procesar?formato=png por -o %s", up.Target, out)
	}
}

func TestInputEndsBeforeAnswers(t *testing.T) {
	r := runClient(t, t.Context(), "", "-p", "8090", testImage(t, "video-001.png"))
	if r.code != exitFailure || !strings.Contains(r.stderr, "no se indicó la IP del servidor") {
		t.Errorf("estado %d, stderr %q; quería 1 y «no se indicó la IP del servidor»", r.code, r.stderr)
	}
}

// TestInvalidAnswerThenEnd: when the input ends after an answer that was
// refused, the error names that answer instead of saying none was given.
func TestInvalidAnswerThenEnd(t *testing.T) {
	img := testImage(t, "video-001.png")
	r := runClient(t, t.Context(), "abc\n", "-i", "127.0.0.1", img)
	want := "procesa cliente: la respuesta «abc» no es válida como el puerto del servidor: el puerto debe ser un número entre 1 y 65535"
	if r.code != exitFailure || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "no se indicó") {
		t.Errorf("estado %d, stderr %q; quería 1 y %q", r.code, r.stderr, want)
	}
	// An empty answer refused (the image has no default) is no answer.
	r = runClient(t, t.Context(), "\n", "-i", "127.0.0.1", "-p", "8090")
	if want := "no se indicó la ruta de la imagen"; r.code != exitFailure || !strings.Contains(r.stderr, want) {
		t.Errorf("estado %d, stderr %q; quería 1 y %q", r.code, r.stderr, want)
	}
}

func TestMissingFile(t *testing.T) {
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{}).handle)
	missing := filepath.Join(t.TempDir(), "no-existe.jpg")
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), missing)
	if r.code != exitFailure || !strings.Contains(r.stderr, "no existe el archivo «"+missing+"»") {
		t.Errorf("estado %d, stderr %q; quería 1 y «no existe el archivo»", r.code, r.stderr)
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("el cliente se conectó %d veces sin tener archivo", n)
	}
	// Given as an argument, a missing file is reported before any question.
	r = runClient(t, t.Context(), "127.0.0.1\n", missing)
	if r.code != exitFailure || r.stdout != "" || !strings.Contains(r.stderr, "no existe el archivo") {
		t.Errorf("sin -i: estado %d, stdout %q, stderr %q; quería 1, sin preguntas y «no existe el archivo»", r.code, r.stdout, r.stderr)
	}
}

// freePort returns a port on which nothing listens (just closed).
func freePort(t *testing.T, addr string) int {
	srv := newFakeServer(t, addr)
	port := srv.port
	srv.ln.Close()
	return port
}

func TestServerDown(t *testing.T) {
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	for _, addr := range []string{"127.0.0.1", "::1"} {
		port := freePort(t, net6(addr))
		r := runClient(t, t.Context(), "", "-i", addr, "-p", strconv.Itoa(port), img)
		if r.code != exitFailure || !strings.Contains(r.stderr, "no se pudo conectar con el servidor") ||
			!strings.Contains(r.stderr, "conexión rechazada") {
			t.Errorf("%s: estado %d, stderr %q; quería 1 y «no se pudo conectar... conexión rechazada»", addr, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "Subiendo") {
			t.Errorf("%s: se anunció una subida sin conexión: %q", addr, r.stderr)
		}
	}
}

// net6 returns a listen address with port 0 for the IP literal ip.
func net6(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:0"
	}
	return ip + ":0"
}

func TestNotAnImageRelays415(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "notas.txt")
	os.WriteFile(txt, []byte("esto no es una imagen\n"), 0o644)
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{}).handle)
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), txt)
	want := "el servidor respondió con el estado 415: el archivo no es una imagen que el servidor sepa leer"
	if r.code != exitFailure || !strings.Contains(r.stderr, want) {
		t.Errorf("estado %d, stderr %q; quería 1 y %q", r.code, r.stderr, want)
	}
	if strings.Contains(r.stdout, "ID de la tarea") {
		t.Errorf("stdout muestra un id de tarea para una subida rechazada")
	}
}

func TestTaskErrorIsRelayed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{final: "Error", errMsg: "la imagen está dañada"}).handle)
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), img)
	if r.code != exitFailure || !strings.Contains(r.stderr, "terminó con error: la imagen está dañada") {
		t.Errorf("estado %d, stderr %q; quería 1 y el error de la tarea", r.code, r.stderr)
	}
	if _, err := os.Stat("foto_procesada.jpg"); err == nil {
		t.Errorf("se guardó un resultado de una tarea fallida")
	}
}

func TestWaitMode(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.jpeg", dir, "foto.jpeg")
	tasks := &fakeTasks{result: []byte("\x89PNG\r\n\x1a\nsync"), ctype: "image/png; charset=binary"}
	srv := newFakeServer(t, "[::1]:0")
	srv.setHandle(tasks.handle)
	r := runClient(t, t.Context(), "", "--esperar", img, "-i", "::1", "--puerto", strconv.Itoa(srv.port))
	if r.code != 0 {
		t.Fatalf("estado de salida %d, quería 0", r.code)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].Target != "/procesar?esperar=1" {
		t.Fatalf("solicitudes %v; quería solo POST /procesar?esperar=1", reqs)
	}
	got, err := os.ReadFile("foto_procesada.png")
	if err != nil || !bytes.Equal(got, tasks.result) {
		t.Errorf("foto_procesada.png = %q, %v; quería %q", got, err, tasks.result)
	}
	if want := "Subida completa.\nProcesando en el servidor...\n"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q no contiene %q", r.stderr, want)
	}
}

func TestReconnectsWhenServerCloses(t *testing.T) {
	for _, tc := range []struct {
		name        string
		close, drop bool
	}{
		{"Connection: close", true, false},
		{"cierre sin aviso", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img, _ := copyImage(t, "video-001.png", dir, "foto.png")
			tasks := &fakeTasks{busy: 1, result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}
			srv := newFakeServer(t, "127.0.0.1:0")
			srv.setHandle(func(r *fakeRequest) fakeResponse {
				resp := tasks.handle(r)
				resp.Close, resp.Drop = tc.close, tc.drop
				return resp
			})
			r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", dir, img)
			if r.code != 0 {
				t.Fatalf("estado de salida %d, quería 0", r.code)
			}
			reqs := srv.requests()
			if n := srv.conns.Load(); int(n) != len(reqs) {
				t.Errorf("%d conexiones para %d solicitudes; quería una por solicitud", n, len(reqs))
			}
			if _, err := os.Stat(filepath.Join(dir, "foto_procesada.jpg")); err != nil {
				t.Errorf("-o directorio: %v", err)
			}
		})
	}
}

func TestExpectContinue(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "grande.png")
	data := bytes.Repeat([]byte("x"), expectMin+12345)
	copy(data, "\x89PNG\r\n\x1a\n")
	os.WriteFile(big, data, 0o644)

	t.Run("100 Continue", func(t *testing.T) {
		tasks := &fakeTasks{result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}
		srv := newFakeServer(t, "127.0.0.1:0")
		srv.setHandle(tasks.handle)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		var stdout, stderr bytes.Buffer
		s := &session{
			opts:   Options{Host: "127.0.0.1", Port: srv.port, Image: big, Output: dir, Wait: true},
			stdout: &stdout, disp: newDisplay(&stderr),
		}
		s.expectWait = time.Hour // the body must go on "100 Continue", not on a timeout
		if err := s.run(ctx); err != nil {
			t.Fatalf("run: %v", err)
		}
		reqs := srv.requests()
		if reqs[0].Header.Get("Expect") != "100-continue" || !bytes.Equal(reqs[0].Body, data) {
			t.Errorf("Expect %q, cuerpo de %d bytes; quería 100-continue y %d bytes",
				reqs[0].Header.Get("Expect"), len(reqs[0].Body), len(data))
		}
	})

	t.Run("rechazo inmediato", func(t *testing.T) {
		srv := newFakeServer(t, "127.0.0.1:0")
		srv.setRefuse(func(r *fakeRequest) *fakeResponse {
			resp := jsonResponse(413, `{"error":"el cuerpo supera el máximo de 1 MiB"}`)
			return &resp
		})
		r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), big)
		if r.code != exitFailure || !strings.Contains(r.stderr, "413: el cuerpo supera el máximo de 1 MiB") {
			t.Errorf("estado %d, stderr %q; quería 1 y el mensaje del 413", r.code, r.stderr)
		}
		if reqs := srv.requests(); len(reqs[0].Body) != 0 {
			t.Errorf("el cliente subió %d bytes tras el rechazo; quería 0", len(reqs[0].Body))
		}
	})
}

func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	for _, tc := range []struct {
		name  string
		hang  string // the request left unanswered
		extra []string
	}{
		{"durante la subida", "POST", []string{"--esperar"}},
		{"durante el seguimiento", "GET", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tasks := &fakeTasks{}
			srv := newFakeServer(t, "127.0.0.1:0")
			hung := make(chan struct{}, 1)
			srv.setHandle(func(r *fakeRequest) fakeResponse {
				if r.Method == tc.hang {
					hung <- struct{}{}
					return fakeResponse{Hang: true}
				}
				return tasks.handle(r)
			})
			ctx, cancel := context.WithCancel(t.Context())
			go func() {
				<-hung
				cancel() // what SIGINT does through signal.NotifyContext
			}()
			args := append([]string{"-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), img}, tc.extra...)
			r := runClient(t, ctx, "", args...)
			if r.code != exitInterrupted || !strings.Contains(r.stderr, "interrumpido") {
				t.Errorf("estado %d, stderr %q; quería 130 y «interrumpido»", r.code, r.stderr)
			}
			if tc.hang == "GET" && !strings.Contains(r.stderr, "la tarea "+fakeID+" sigue en el servidor") {
				t.Errorf("stderr no dice que la tarea sigue en el servidor")
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("el directorio tiene %d entradas, quería solo foto.png (sin restos)", len(entries))
			}
		})
	}
}

// TestSignalSetsExitStatus: an interruption caused by a signal exits with
// 128 plus its number, as shells report a process killed by it.
func TestSignalSetsExitStatus(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 143},
	} {
		ctx, cancel := context.WithCancelCause(t.Context())
		pr, pw, err := os.Pipe() // an input that never ends
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, func() { cancel(signalError{tc.sig}) })
		var stdout, stderr bytes.Buffer
		code := mainContext(ctx, nil, pr, &stdout, &stderr)
		pw.Close()
		pr.Close()
		if code != tc.code {
			t.Errorf("%v: estado %d, quería %d; stderr %q", tc.sig, code, tc.code, stderr.String())
		}
	}
}

func TestInterruptWhileAsking(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw, err := os.Pipe() // an input that never ends
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	var stdout, stderr bytes.Buffer
	code := mainContext(ctx, nil, pr, &stdout, &stderr)
	if code != exitInterrupted {
		t.Errorf("estado %d, quería 130; stderr %q", code, stderr.String())
	}
}

func TestQueueFullIsRetried(t *testing.T) {
	dir := t.TempDir()
	img, data := copyImage(t, "video-001.png", dir, "foto.png")
	for _, tc := range []struct {
		name    string
		refusal int // uploads refused with 503
		code    int
		ups     int // uploads made: the README promises up to 3 retries
	}{
		{"una vez", 1, 0, 2},
		{"tres veces", 3, 0, 4},
		{"siempre", 100, exitFailure, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tasks := &fakeTasks{result: []byte("\xff\xd8\xff"), ctype: "image/jpeg"}
			srv := newFakeServer(t, "[::1]:0")
			var posts int
			srv.setHandle(func(r *fakeRequest) fakeResponse {
				if r.Method == "POST" {
					if posts++; posts <= tc.refusal {
						resp := jsonResponse(503, `{"error":"la cola está llena"}`)
						resp.Header = append(resp.Header, "Retry-After: 0")
						return resp
					}
				}
				return tasks.handle(r)
			})
			r := runClient(t, t.Context(), "", "-i", "::1", "-p", strconv.Itoa(srv.port), "-o", dir, img)
			if r.code != tc.code {
				t.Errorf("estado %d; quería %d", r.code, tc.code)
			}
			if want := "el servidor está ocupado (503: la cola está llena); se reintenta en 0,0 s"; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr no contiene %q", want)
			}
			if tc.code != 0 && !strings.Contains(r.stderr, "procesa cliente: el servidor respondió con el estado 503: la cola está llena (reintente en 0 s)") {
				t.Errorf("stderr no muestra el último 503 como error")
			}
			var ups int
			for _, req := range srv.requests() {
				if req.Method == "POST" {
					ups++
					if !bytes.Equal(req.Body, data) {
						t.Errorf("subida %d: %d bytes; quería el archivo entero (%d)", ups, len(req.Body), len(data))
					}
				}
			}
			if ups != tc.ups {
				t.Errorf("%d subidas; quería %d", ups, tc.ups)
			}
		})
	}
}

// TestNotProcesaServer points the client at python3's http.server, which
// answers the upload with an HTML error page: the error shows the status line,
// not the page.
func TestNotProcesaServer(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("falta python3: no se puede probar contra http.server")
	}
	cmd := exec.Command(py, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Skipf("no se pudo iniciar python3 -m http.server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	portc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(` port (\d+)`).FindStringSubmatch(sc.Text()); m != nil {
				portc <- m[1]
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	var port string
	select {
	case port = <-portc:
	case <-time.After(20 * time.Second):
		t.Skip("python3 -m http.server no dijo su puerto en 20 s")
	}
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, "-o", dir, img)
	last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
	if r.code != exitFailure || !strings.HasPrefix(last, "procesa cliente: el servidor respondió con el estado 501") {
		t.Errorf("estado %d, stderr %q; quería 1 y el estado 501", r.code, r.stderr)
	}
	if strings.ContainsAny(last, "<>") || len(last) > 200 {
		t.Errorf("el error repite la página del servidor: %q", last)
	}
}
