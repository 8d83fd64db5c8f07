package e2e

// End-to-end tests: TestMain builds the procesa binary once, and each test
// starts it as a real process on real sockets, talks to it with net/http,
// raw sockets, curl and nc, and stops it with SIGTERM.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	// binPath is the procesa binary built by TestMain.
	binPath string
	// genPath is scripts/imagen-grande, built by TestMain.
	genPath string
	// scratchDir holds the binary and the images generated for the tests.
	scratchDir string
	// goroot is "go env GOROOT", whose src/image/testdata has real images.
	goroot string
)

var raceBinary = flag.Bool("e2e.race", false, "build the procesa binary under test with -race")

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "procesa-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratchDir = dir
	binPath = filepath.Join(dir, "procesa")
	genPath = filepath.Join(dir, "imagen-grande")
	// One build makes both: the server under test and the image generator
	// (never under -race: encoding big JPEGs would take minutes).
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	env := os.Environ()
	if *raceBinary {
		args = append(args, "-race")
	} else {
		env = append(env, "CGO_ENABLED=0")
	}
	cmd := exec.Command("go", append(args, "..", "../scripts/imagen-grande")...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTool returns the path of an outside program, or skips the test when it
// is missing (fails instead with PROCESA_REQUIRE_TOOLS=1, as CI sets).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("PROCESA_REQUIRE_TOOLS") != "" {
			t.Fatalf("falta %s y PROCESA_REQUIRE_TOOLS está puesto", name)
		}
		t.Skipf("se omite: %s no está instalado", name)
	}
	return p
}

// haveTool reports whether an outside program is installed, for a test
// that can do without it; with PROCESA_REQUIRE_TOOLS=1 a missing one fails
// the test.
func haveTool(t *testing.T, name string) bool {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("PROCESA_REQUIRE_TOOLS") != "" {
			t.Errorf("falta %s y PROCESA_REQUIRE_TOOLS está puesto", name)
		} else {
			t.Logf("sin %s: se omite esa parte de la prueba", name)
		}
		return false
	}
	return true
}

// needIPv6 skips the test when the host cannot listen on ::1.
func needIPv6(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("se omite: sin IPv6 en este equipo (%v)", err)
	}
	l.Close()
}

// goldenImage returns the path of a real image from the Go distribution.
func goldenImage(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(goroot, "src", "image", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("se omite: no está %s (%v)", p, err)
	}
	return p
}

// photo is the small real JPEG most tests upload: 150×103, colour.
func photo(t *testing.T) string { return goldenImage(t, "video-001.jpeg") }

var bigImages sync.Map // [2]int{size, quality} -> func() (string, error)

// bigJPEG returns the path of a generated w×w colour JPEG, made once per
// size by scripts/imagen-grande.
func bigJPEG(t *testing.T, w int) string {
	t.Helper()
	return genJPEG(t, w, 85)
}

// genJPEG returns the path of a generated w×w colour JPEG of the given
// quality (100 makes a file about six times bigger than 85).
func genJPEG(t *testing.T, w, quality int) string {
	t.Helper()
	f, _ := bigImages.LoadOrStore([2]int{w, quality}, sync.OnceValues(func() (string, error) {
		p := filepath.Join(scratchDir, fmt.Sprintf("grande-%d-q%d.jpg", w, quality))
		n := strconv.Itoa(w)
		out, err := exec.Command(genPath, "-ancho", n, "-alto", n, "-calidad", strconv.Itoa(quality), "-o", p).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("imagen-grande: %v: %s", err, out)
		}
		return p, nil
	}))
	p, err := f.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// server is a procesa process started by a test.
type server struct {
	t     *testing.T
	cmd   *exec.Cmd
	data  string // --datos
	addrs []string
	port  int
	out   *lockedBuffer // stdout and stderr, for failure reports
	std   *lockedBuffer // stdout alone
	errs  *lockedBuffer // stderr alone
	done  chan struct{} // closed when the process has exited
	err   error         // cmd.Wait's result, set before done closes
	ended bool          // stopped or killed by the test already
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var listenRE = regexp.MustCompile(`^escuchando en http://(\S+)$`)

// startServer runs procesa with args, adding "-p 0", "-i 127.0.0.1", "-w 1"
// and "--datos <t.TempDir()>" where args do not set them. It returns once
// the server has printed its listening addresses. When the test ends the
// server gets SIGTERM and must exit with status 0.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	return startServerBin(t, binPath, args...)
}

// startServerBin is startServer with another build of procesa.
func startServerBin(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	has := func(names ...string) bool {
		for _, a := range args {
			for _, n := range names {
				if a == n || strings.HasPrefix(a, n+"=") {
					return true
				}
			}
		}
		return false
	}
	var data string
	if !has("-p", "--puerto") {
		args = append(args, "-p", "0")
	}
	if !has("-i", "--ip") {
		args = append(args, "-i", "127.0.0.1")
	}
	if !has("-w", "--procesos") {
		args = append(args, "-w", "1")
	}
	for i, a := range args {
		if a == "--datos" && i+1 < len(args) {
			data = args[i+1]
		}
	}
	if data == "" {
		data = t.TempDir()
		args = append(args, "--datos", data)
	}
	return startCmd(t, exec.Command(bin, args...), data)
}

// startCmd starts cmd, a procesa server (perhaps behind a wrapper) using
// the data directory data, as startServer does.
func startCmd(t *testing.T, cmd *exec.Cmd, data string) *server {
	t.Helper()
	args := cmd.Args[1:]
	s := &server{t: t, cmd: cmd, data: data, out: &lockedBuffer{}, std: &lockedBuffer{}, errs: &lockedBuffer{}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	s.cmd.Stdout = io.MultiWriter(s.out, s.std, pw)
	s.cmd.Stderr = io.MultiWriter(s.out, s.errs)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				lines <- m[1]
			}
		}
		close(lines)
		io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() {
		if !s.ended {
			s.stop()
		}
	})
	timeout := time.After(30 * time.Second)
	for {
		select {
		case a, ok := <-lines:
			if !ok {
				<-s.done
				s.ended = true
				t.Fatalf("procesa %q terminó sin escuchar (%v):\n%s", args, s.err, s.out)
			}
			s.addrs = append(s.addrs, a)
			_, p, err := net.SplitHostPort(a)
			if err != nil {
				t.Fatalf("dirección de escucha ilegible %q", a)
			}
			s.port, _ = strconv.Atoi(p)
			if s.port == 0 {
				t.Fatalf("con -p 0 el servidor debe mostrar el puerto elegido, mostró %q", a)
			}
			// Every address is printed before the "servidor listo" log
			// line; the listeners exist before either, so one is enough to
			// connect, but wait briefly for the rest.
			select {
			case a2, ok := <-lines:
				if ok {
					s.addrs = append(s.addrs, a2)
				}
			case <-time.After(50 * time.Millisecond):
			}
			go func() {
				for range lines {
				}
			}()
			return s
		case <-timeout:
			s.kill()
			t.Fatalf("procesa %q no mostró «escuchando en» en 30 s:\n%s", args, s.out)
		}
	}
}

// url returns the base URL of the server on host (an IP literal).
func (s *server) url(host string) string {
	return "http://" + net.JoinHostPort(host, strconv.Itoa(s.port))
}

// base is the URL on 127.0.0.1, or on ::1 for a server listening on ::1 only.
func (s *server) base() string {
	if len(s.addrs) > 0 && strings.HasPrefix(s.addrs[0], "[::1]") {
		return s.url("::1")
	}
	return s.url("127.0.0.1")
}

// hostPort is the server's address on 127.0.0.1.
func (s *server) hostPort() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// stop sends SIGTERM and checks that the server exits with status 0 within
// the shutdown grace period plus a margin.
func (s *server) stop() {
	s.t.Helper()
	s.ended = true
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(25 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		s.t.Errorf("procesa no terminó 25 s después de SIGTERM:\n%s", s.out)
		return
	}
	if s.err != nil {
		s.t.Errorf("procesa terminó con %v tras SIGTERM, se esperaba estado 0:\n%s", s.err, s.out)
	}
}

// kill ends the server with SIGKILL, as a crash would.
func (s *server) kill() {
	s.ended = true
	s.cmd.Process.Kill()
	<-s.done
}

// logs returns what the server has printed so far.
func (s *server) logs() string { return s.out.String() }

// httpClient is used for every ordinary request; no request should take
// long, except those that wait on purpose (they use their own contexts).
var httpClient = &http.Client{Timeout: 90 * time.Second}

// reply is a whole response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string { return fmt.Sprintf("%d %q", r.status, r.body) }

// do sends a request and reads the whole response.
func do(t *testing.T, method, url string, body io.Reader, hdr ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: leyendo el cuerpo: %v", method, url, err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func get(t *testing.T, url string, hdr ...string) reply {
	t.Helper()
	return do(t, "GET", url, nil, hdr...)
}

// accepted is the JSON of a 202 answer.
type accepted struct {
	ID        string `json:"id_tarea"`
	State     string `json:"estado"`
	StatusURL string `json:"estado_url"`
	ResultURL string `json:"resultado_url"`
}

// status is the JSON of GET /estado/<id>.
type status struct {
	ID         string `json:"id_tarea"`
	State      string `json:"estado"`
	Error      string `json:"error"`
	ResultURL  string `json:"resultado_url"`
	Width      int    `json:"ancho"`
	Height     int    `json:"alto"`
	Bytes      int64  `json:"bytes"`
	DurationMS *int64 `json:"duracion_ms"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkAccepted checks a 202 answer completely and returns its task id.
func checkAccepted(t *testing.T, r reply) string {
	t.Helper()
	if r.status != 202 {
		t.Fatalf("subida: %v, se esperaba 202", r)
	}
	var a accepted
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("JSON del 202 %q: %v", r.body, err)
	}
	if !uuidRE.MatchString(a.ID) {
		t.Fatalf("id_tarea %q no es un UUID aleatorio", a.ID)
	}
	want := accepted{a.ID, "En cola", "/estado/" + a.ID, "/resultado/" + a.ID}
	if a != want {
		t.Fatalf("202: %+v, se esperaba %+v", a, want)
	}
	if loc := r.header.Get("Location"); loc != "/estado/"+a.ID {
		t.Fatalf("Location %q, se esperaba /estado/%s", loc, a.ID)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type del 202 %q", ct)
	}
	return a.ID
}

// upload POSTs the file at path to base+"/procesar"+query and returns the
// task id of the 202.
func upload(t *testing.T, base, path, query string) string {
	t.Helper()
	return checkAccepted(t, do(t, "POST", base+"/procesar"+query, fileBody(t, path), "Content-Type", "application/octet-stream"))
}

// fileBody returns the file's bytes as a request body of known length (an
// *os.File body would make net/http send it chunked).
func fileBody(t *testing.T, path string) *bytes.Reader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// leftovers returns the files under data/entradas and data/tmp that are
// uploads (named by their task id), leaving out the task records and
// results being written there (registro-*, resultado-*), which come and go
// with the tasks that are running or just ended.
func leftovers(data string) []string {
	var left []string
	for _, sub := range []string{"entradas", "tmp"} {
		es, _ := os.ReadDir(filepath.Join(data, sub))
		for _, e := range es {
			if sub == "tmp" && (strings.HasPrefix(e.Name(), "registro-") || strings.HasPrefix(e.Name(), "resultado-")) {
				continue
			}
			left = append(left, sub+"/"+e.Name())
		}
	}
	return left
}

// noLeftovers fails the test unless, within a few seconds, no upload is
// left under data but those of the tasks in keep. A finished task's input
// is removed just after its state shows it finished, hence the wait.
func noLeftovers(t *testing.T, data string, keep ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var extra []string
		for _, f := range leftovers(data) {
			if !slices.Contains(keep, strings.TrimPrefix(f, "entradas/")) {
				extra = append(extra, f)
			}
		}
		if len(extra) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("quedan subidas en --datos: %v", extra)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// getStatus returns the task's status; ok is false for a 404.
func getStatus(t *testing.T, base, id string) (status, bool) {
	t.Helper()
	r := get(t, base+"/estado/"+id)
	if r.status == 404 {
		return status{}, false
	}
	if r.status != 200 {
		t.Fatalf("GET /estado/%s: %v", id, r)
	}
	var st status
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("JSON de estado %q: %v", r.body, err)
	}
	if st.ID != id {
		t.Fatalf("estado de %s trae id_tarea %q", id, st.ID)
	}
	return st, true
}

// waitState polls the task until pred holds or the timeout passes.
func waitState(t *testing.T, base, id string, timeout time.Duration, pred func(status) bool) status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, ok := getStatus(t, base, id)
		if !ok {
			t.Fatalf("la tarea %s desapareció (404)", id)
		}
		if pred(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("la tarea %s sigue en %+v tras %v", id, st, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func finished(st status) bool { return st.State == "Completada" || st.State == "Error" }

// waitDone waits for the task to finish and fails unless it is Completada.
func waitDone(t *testing.T, base, id string) status {
	t.Helper()
	st := waitState(t, base, id, 60*time.Second, finished)
	if st.State != "Completada" {
		t.Fatalf("la tarea %s terminó en %+v", id, st)
	}
	return st
}

// decoded is a result image after decoding.
type decoded struct {
	format string
	img    image.Image
}

// decodeImage decodes b and fails the test when it is not an image.
func decodeImage(t *testing.T, b []byte) decoded {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		n := min(len(b), 80)
		t.Fatalf("el resultado no es una imagen: %v (empieza por %q)", err, b[:n])
	}
	return decoded{format, m}
}

// checkImage checks the format, size and, with gray, that every pixel has
// R = G = B.
func checkImage(t *testing.T, d decoded, format string, w, h int, gray bool) {
	t.Helper()
	if d.format != format {
		t.Errorf("formato %q, se esperaba %q", d.format, format)
	}
	if b := d.img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("tamaño %dx%d, se esperaba %dx%d", b.Dx(), b.Dy(), w, h)
	}
	if gray && !isGray(d.img) {
		t.Errorf("la imagen (%T) no es gris: hay píxeles con R, G y B distintos", d.img)
	}
}

// checkImageHeader checks a big result from its header only: format, size,
// and with gray a grayscale colour model.
func checkImageHeader(t *testing.T, b []byte, format string, w, h int, gray bool) {
	t.Helper()
	cfg, f, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("el resultado no es una imagen: %v", err)
	}
	if f != format || cfg.Width != w || cfg.Height != h {
		t.Errorf("resultado %s %dx%d, se esperaba %s %dx%d", f, cfg.Width, cfg.Height, format, w, h)
	}
	if gray && cfg.ColorModel != color.GrayModel && cfg.ColorModel != color.Gray16Model {
		t.Errorf("el resultado no está en escala de grises: modelo de color %T", cfg.ColorModel)
	}
}

func isGray(m image.Image) bool {
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
			if c.R != c.G || c.G != c.B {
				return false
			}
		}
	}
	return true
}

// result fetches /resultado/<id> and checks it is a 200 image.
func result(t *testing.T, base, id string) decoded {
	t.Helper()
	r := get(t, base+"/resultado/"+id)
	if r.status != 200 {
		t.Fatalf("GET /resultado/%s: %v", id, r)
	}
	d := decodeImage(t, r.body)
	if ct := r.header.Get("Content-Type"); ct != "image/"+d.format {
		t.Errorf("Content-Type %q para una imagen %s", ct, d.format)
	}
	return d
}

// tryExchange is rawExchange returning its error.
func tryExchange(addr, req string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return "", err
	}
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	return string(b), err
}

// rawExchange writes req on a new connection to addr, half-closes, and
// returns everything the server sent until it closed.
func rawExchange(t *testing.T, addr, req string) string {
	t.Helper()
	resp, err := tryExchange(addr, req)
	if err != nil {
		t.Fatalf("%q: %v (respuesta hasta ahí %q)", req, err, resp)
	}
	return resp
}

// workerPIDs returns the pids of the server's child processes.
func workerPIDs(t *testing.T, pid int) []int {
	t.Helper()
	var pids []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				pids = append(pids, n)
			}
		}
	}
	if len(pids) > 0 {
		return pids
	}
	// Kernels without the children file: scan /proc/*/stat for the parent.
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) > 2 && fields[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, n)
		}
	}
	return pids
}

// cpuTicks returns the user+system CPU time of a process, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("stat ilegible")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("stat corto")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st, nil
}

// runCmd runs an outside program with a time limit and returns its stdout,
// stderr and exit code.
func runCmd(t *testing.T, stdin io.Reader, name string, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("%s %q: %v", name, args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %q no terminó en 60 s; stderr %q", name, args, e.String())
	}
	return o.Bytes(), e.Bytes(), code
}
