package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestUploadDualStack uploads over IPv4 and IPv6 to one "-i ::" server and
// follows each task to a gray JPEG of floor(w·f)×floor(h·f).
func TestUploadDualStack(t *testing.T) {
	t.Parallel()
	needIPv6(t)
	s := startServer(t, "-i", "::", "-w", "2")
	if len(s.addrs) != 1 || !strings.HasPrefix(s.addrs[0], "[::]:") {
		t.Fatalf("con -i :: se esperaba una sola línea «escuchando en http://[::]:puerto», hubo %q", s.addrs)
	}
	// video-001.jpeg is 150×103: ×0.5 gives 75×51, ×0.3 gives 45×30.
	for _, c := range []struct {
		host, query string
		w, h        int
	}{
		{"127.0.0.1", "?escala=0.5", 75, 51},
		{"::1", "?escala=0.3", 45, 30},
	} {
		t.Run(c.host, func(t *testing.T) {
			base := s.url(c.host)
			id := upload(t, base, photo(t), c.query)
			st := waitDone(t, base, id)
			if st.Width != c.w || st.Height != c.h || st.ResultURL != "/resultado/"+id || st.Bytes <= 0 || st.DurationMS == nil {
				t.Errorf("estado final %+v: se esperaba %dx%d, resultado_url, bytes y duracion_ms", st, c.w, c.h)
			}
			d := result(t, base, id)
			checkImage(t, d, "jpeg", c.w, c.h, true)
			r := get(t, base+"/resultado/"+id)
			if int64(len(r.body)) != st.Bytes {
				t.Errorf("el resultado tiene %d bytes, el estado dice %d", len(r.body), st.Bytes)
			}
			// One log line per task event, with its id, on stderr.
			for _, msg := range []string{"tarea aceptada", "tarea completada"} {
				if !logHas(s.errs.String(), msg, id) {
					t.Errorf("stderr no tiene «%s» con id=%s:\n%s", msg, id, s.errs.String())
				}
			}
		})
	}
	// stdout has the listening line only; stderr has slog text lines only.
	if got, want := s.std.String(), "escuchando en http://"+s.addrs[0]+"\n"; got != want {
		t.Errorf("stdout %q, se esperaba %q", got, want)
	}
	for _, l := range strings.Split(strings.TrimSuffix(s.errs.String(), "\n"), "\n") {
		if !strings.HasPrefix(l, "time=") || !strings.Contains(l, " level=") || !strings.Contains(l, " msg=") {
			t.Errorf("línea de stderr que no es de log/slog: %q", l)
		}
	}
}

// logHas reports whether a log line has msg and id=<id>.
func logHas(log, msg, id string) bool {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, msg) && strings.Contains(l, " id="+id) {
			return true
		}
	}
	return false
}

// TestIPv4OnlyRefusesIPv6 checks that "-i 127.0.0.1" does not listen on ::1
// and "-i ::1" does not listen on 127.0.0.1.
func TestIPv4OnlyRefusesIPv6(t *testing.T) {
	t.Parallel()
	needIPv6(t)
	for _, c := range []struct{ listen, other string }{{"127.0.0.1", "::1"}, {"::1", "127.0.0.1"}} {
		s := startServer(t, "-i", c.listen)
		want := net.JoinHostPort(c.listen, strconv.Itoa(s.port))
		if len(s.addrs) != 1 || s.addrs[0] != want {
			t.Errorf("-i %s: escucha en %q, se esperaba %q", c.listen, s.addrs, want)
		}
		if r := get(t, s.url(c.listen)+"/salud"); r.status != 200 {
			t.Errorf("-i %s: /salud dio %v", c.listen, r)
		}
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(c.other, strconv.Itoa(s.port)), 5*time.Second)
		if err == nil {
			conn.Close()
			t.Errorf("-i %s: aceptó una conexión por %s", c.listen, c.other)
		} else if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("-i %s: conectar por %s dio %v, se esperaba conexión rechazada", c.listen, c.other, err)
		}
	}
}

// TestStatusAndResult covers /estado and /resultado: text/plain, unknown
// ids, 409 before the end, esperar=1.
func TestStatusAndResult(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	base := s.base()

	for _, id := range []string{"0b7e6a5c-3f1d-4c2e-9a8b-7d6c5e4f3a2b", "no-es-un-id", "%22%3Cx%3E"} {
		for _, path := range []string{"/estado/", "/resultado/"} {
			r := get(t, base+path+id)
			if r.status != 404 {
				t.Errorf("GET %s%s: %v, se esperaba 404", path, id, r)
				continue
			}
			var got map[string]any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Errorf("GET %s%s: JSON %q: %v", path, id, r.body, err)
				continue
			}
			wantID := id
			if id == "%22%3Cx%3E" {
				wantID = `"<x>`
			}
			if len(got) != 2 || got["id_tarea"] != wantID || got["estado"] != "No encontrado" {
				t.Errorf("GET %s%s: %s, se esperaba {id_tarea: %q, estado: No encontrado}", path, id, r.body, wantID)
			}
		}
	}

	// A slow task: a 4000×4000 JPEG takes the worker a second or more.
	slow := upload(t, base, bigJPEG(t, 4000), "?escala=0.75&formato=png")
	r := get(t, base+"/resultado/"+slow)
	if r.status != 409 {
		t.Fatalf("/resultado antes de terminar: %v, se esperaba 409", r)
	}
	var st status
	if err := json.Unmarshal(r.body, &st); err != nil || st.ID != slow || (st.State != "En cola" && st.State != "En progreso") {
		t.Errorf("/resultado antes de terminar: cuerpo %q, se esperaba el estado de la tarea", r.body)
	}
	// Queued behind the slow one, a small task: its text status.
	small := upload(t, base, photo(t), "")
	r = get(t, base+"/estado/"+small, "Accept", "text/plain")
	if r.status != 200 || (string(r.body) != "En cola\n" && string(r.body) != "En progreso\n") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("estado en texto de una tarea en cola: %v (%s)", r, r.header.Get("Content-Type"))
	}
	// esperar=1 waits for the slow task and brings the image.
	start := time.Now()
	r = get(t, base+"/resultado/"+slow+"?esperar=1")
	if r.status != 200 {
		t.Fatalf("/resultado?esperar=1: %v", r)
	}
	checkImageHeader(t, r.body, "png", 3000, 3000, true)
	t.Logf("esperar=1 esperó %v", time.Since(start).Round(time.Millisecond))
	waitDone(t, base, small)
	r = get(t, base+"/estado/"+small, "Accept", "text/plain")
	if r.status != 200 || string(r.body) != "Completada\n" {
		t.Errorf("estado en texto de una tarea terminada: %v", r)
	}
	r = get(t, base+"/estado/0b7e6a5c-3f1d-4c2e-9a8b-7d6c5e4f3a2b", "Accept", "text/plain")
	if r.status != 404 || string(r.body) != "No encontrado\n" {
		t.Errorf("estado en texto de una tarea desconocida: %v", r)
	}
}

// TestHealthAndMetrics checks /salud and that /metricas is Prometheus text
// with the series the README names, counting what the test did.
func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "2")
	base := s.base()
	r := get(t, base+"/salud")
	var h struct {
		Estado   string `json:"estado"`
		Procesos *int   `json:"procesos"`
		EnCola   *int   `json:"en_cola"`
	}
	if err := json.Unmarshal(r.body, &h); err != nil || r.status != 200 || h.Estado != "ok" || h.Procesos == nil || *h.Procesos != 2 || h.EnCola == nil || *h.EnCola != 0 {
		t.Errorf("/salud: %v, se esperaba 200 {estado: ok, procesos: 2, en_cola: 0}", r)
	}

	id := upload(t, base, photo(t), "")
	waitDone(t, base, id)
	get(t, base+"/estado/"+id)
	get(t, base+"/estado/nada")
	do(t, "DELETE", base+"/salud", nil)

	// The task's time reaches the histogram as its state turns Completada
	// (tasks.Store counts it in the same step); poll all the same.
	var m metricsText
	for deadline := time.Now().Add(10 * time.Second); ; {
		r = get(t, base+"/metricas")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metricas: %d %s", r.status, r.header.Get("Content-Type"))
		}
		m = parseMetrics(t, string(r.body))
		if m.values["procesa_procesamiento_segundos_count"] > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []struct {
		series string
		want   func(float64) bool
	}{
		{`procesa_solicitudes_total{ruta="procesar",codigo="202"}`, eq(1)},
		{`procesa_solicitudes_total{ruta="estado",codigo="200"}`, atLeast(2)},
		{`procesa_solicitudes_total{ruta="estado",codigo="404"}`, eq(1)},
		{`procesa_solicitudes_total{ruta="salud",codigo="200"}`, eq(1)},
		{`procesa_tareas{estado="Completada"}`, eq(1)},
		{`procesa_tareas{estado="En cola"}`, eq(0)},
		{`procesa_cola_longitud`, eq(0)},
		{`procesa_procesamiento_segundos_count`, eq(1)},
		{`procesa_procesamiento_segundos_bucket{le="+Inf"}`, eq(1)},
		{`procesa_procesamiento_segundos_sum`, func(v float64) bool { return v > 0 && v < 60 }},
		{`procesa_reinicios_procesos_total`, eq(0)},
	} {
		v, ok := m.values[c.series]
		if !ok {
			t.Errorf("/metricas no tiene %s", c.series)
		} else if !c.want(v) {
			t.Errorf("/metricas: %s = %v", c.series, v)
		}
	}
	// The unknown method was counted under some route with 501.
	found := false
	for k, v := range m.values {
		if strings.HasPrefix(k, "procesa_solicitudes_total{") && strings.Contains(k, `codigo="501"`) && v == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("/metricas no cuenta el 501 de DELETE:\n%s", r.body)
	}
	for _, name := range []string{"procesa_solicitudes_total", "procesa_reinicios_procesos_total"} {
		if m.types[name] != "counter" {
			t.Errorf("# TYPE %s es %q, se esperaba counter", name, m.types[name])
		}
	}
	if m.types["procesa_procesamiento_segundos"] != "histogram" {
		t.Errorf("# TYPE procesa_procesamiento_segundos es %q, se esperaba histogram", m.types["procesa_procesamiento_segundos"])
	}
	// Histogram buckets are cumulative.
	prev := -1.0
	for _, le := range m.order {
		if !strings.HasPrefix(le, "procesa_procesamiento_segundos_bucket{") {
			continue
		}
		if m.values[le] < prev {
			t.Errorf("cubeta %s = %v menor que la anterior %v", le, m.values[le], prev)
		}
		prev = m.values[le]
	}
}

func eq(n float64) func(float64) bool      { return func(v float64) bool { return v == n } }
func atLeast(n float64) func(float64) bool { return func(v float64) bool { return v >= n } }

type metricsText struct {
	values map[string]float64 // series (name and labels as written) -> value
	order  []string
	types  map[string]string
}

var sampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (\S+)$`)

// parseMetrics parses the Prometheus text format strictly enough to catch a
// malformed line.
func parseMetrics(t *testing.T, text string) metricsText {
	t.Helper()
	m := metricsText{values: map[string]float64{}, types: map[string]string{}}
	if !strings.HasSuffix(text, "\n") {
		t.Errorf("/metricas no termina en salto de línea")
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			if len(f) != 4 {
				t.Errorf("línea TYPE mal formada: %q", line)
				continue
			}
			m.types[f[2]] = f[3]
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		g := sampleRE.FindStringSubmatch(line)
		if g == nil {
			t.Errorf("línea de /metricas mal formada: %q", line)
			continue
		}
		v, err := strconv.ParseFloat(g[3], 64)
		if err != nil {
			t.Errorf("valor mal formado en %q", line)
			continue
		}
		key := g[1] + g[2]
		if _, dup := m.values[key]; dup {
			t.Errorf("serie repetida en /metricas: %s", key)
		}
		m.values[key] = v
		m.order = append(m.order, key)
	}
	return m
}

// TestProtocolStatuses checks 405 with Allow, 501, 505, HEAD, and a bare-LF
// request over raw sockets.
func TestProtocolStatuses(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	addr := s.hostPort()
	for _, c := range []struct {
		req, status string
		header      []string // "Name: value" lines that must appear
	}{
		{"POST /salud HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "405", []string{"Allow: GET, HEAD"}},
		{"PUT /estado/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "405", []string{"Allow: GET, HEAD"}},
		{"GET /procesar HTTP/1.1\r\nHost: x\r\n\r\n", "405", []string{"Allow: POST, PUT"}},
		{"BREW /salud HTTP/1.1\r\nHost: x\r\n\r\n", "501", nil},
		{"GET /salud HTTP/2.0\r\nHost: x\r\n\r\n", "505", nil},
		{"GET /salud HTTP/3.1\r\n\r\n", "505", nil},
		{"GET /salud\r\n\r\n", "400", nil},
		{"GET /salud HTTP/1.1\r\n\r\n", "400", nil}, // no Host
		{"GET /salud HTTP/1.0\n\n", "200", nil},
		{"GET /salud HTTP/1.1\nHost: x\nConnection: close\n\n", "200", []string{"Connection: close"}},
		{"GET /no-existe HTTP/1.1\r\nHost: x\r\n\r\n", "404", nil},
		{"GET /%% HTTP/1.0\r\n\r\n", "400", nil}, // once a crash of the whole server
		{"GET /salud HTTP/1.0\r\n\r\n", "200", nil},
	} {
		resp := rawExchange(t, addr, c.req)
		head, body, _ := strings.Cut(resp, "\r\n\r\n")
		lines := strings.Split(head, "\r\n")
		if !strings.HasPrefix(lines[0], "HTTP/1.1 "+c.status+" ") {
			t.Errorf("%q: respuesta %q, se esperaba %s", c.req, lines[0], c.status)
			continue
		}
		for _, want := range c.header {
			if !containsFold(lines[1:], want) {
				t.Errorf("%q: falta «%s» en %q", c.req, want, lines[1:])
			}
		}
		if !containsPrefixFold(lines[1:], "Date: ") {
			t.Errorf("%q: falta Date en %q", c.req, lines[1:])
		}
		if cl := headerValue(lines[1:], "Content-Length"); cl != strconv.Itoa(len(body)) {
			t.Errorf("%q: Content-Length %q, el cuerpo tiene %d bytes", c.req, cl, len(body))
		}
		if c.status != "200" {
			var e struct{ Error string }
			if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
				t.Errorf("%q: cuerpo %q, se esperaba {\"error\": …}", c.req, body)
			}
		}
	}

	// HEAD gets the GET head without the body, on a kept-alive connection
	// followed by a pipelined GET.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprint(conn, "HEAD /salud HTTP/1.1\r\nHost: x\r\n\r\nGET /salud HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	br := bufio.NewReader(conn)
	headHead := readHead(t, br)
	getHead := readHead(t, br)
	var rest bytes.Buffer
	rest.ReadFrom(br)
	if headHead[0] != "HTTP/1.1 200 OK" || getHead[0] != "HTTP/1.1 200 OK" {
		t.Fatalf("HEAD y GET: %q y %q", headHead[0], getHead[0])
	}
	if hl, gl := headerValue(headHead[1:], "Content-Length"), headerValue(getHead[1:], "Content-Length"); hl != gl || gl != strconv.Itoa(rest.Len()) {
		t.Errorf("Content-Length de HEAD %q, de GET %q, cuerpo del GET %d bytes", hl, gl, rest.Len())
	}
	if !strings.HasPrefix(rest.String(), `{"estado":"ok"`) {
		t.Errorf("el cuerpo tras HEAD+GET es %q: HEAD no debe llevar cuerpo", rest.String())
	}
	if ht, gt := headerValue(headHead[1:], "Content-Type"), headerValue(getHead[1:], "Content-Type"); ht != gt || ht == "" {
		t.Errorf("Content-Type de HEAD %q, de GET %q", ht, gt)
	}
}

func readHead(t *testing.T, br *bufio.Reader) []string {
	t.Helper()
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("leyendo una cabecera: %v (hasta ahora %q)", err, lines)
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			return lines
		}
		lines = append(lines, l)
	}
}

func headerValue(lines []string, name string) string {
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func containsFold(lines []string, want string) bool {
	for _, l := range lines {
		if strings.EqualFold(l, want) {
			return true
		}
	}
	return false
}

func containsPrefixFold(lines []string, prefix string) bool {
	for _, l := range lines {
		if len(l) >= len(prefix) && strings.EqualFold(l[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

// TestImageErrors checks what a broken or oversized image gets: 413 from
// the header for --max-pixeles (source or output), 422 for a synchronous
// request whose image cannot be decoded, Error and 409 for an asynchronous
// one.
func TestImageErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--max-pixeles", "20000") // video-001 is 150×103 = 15450
	base := s.base()
	img, err := os.ReadFile(photo(t))
	if err != nil {
		t.Fatal(err)
	}
	truncated := img[:2000]
	errorOf := func(r reply) string {
		var e struct{ Error string }
		json.Unmarshal(r.body, &e)
		return e.Error
	}
	for _, c := range []struct {
		name   string
		body   []byte
		query  string
		status int
		msg    string // part of the error
	}{
		{"salida grande", img, "?ancho=500", 413, "píxeles"},
		{"escala enorme", img, "?escala=1000000", 413, "píxeles"},
		{"origen grande", fileBodyBytes(t, bigJPEG(t, 2000)), "", 413, "píxeles"},
		{"truncada esperando", truncated, "?esperar=1", 422, "dañada"},
		{"vacía", nil, "", 400, "vacío"},
	} {
		r := do(t, "POST", base+"/procesar"+c.query, bytes.NewReader(c.body))
		if r.status != c.status || !strings.Contains(errorOf(r), c.msg) {
			t.Errorf("%s: %v, se esperaba %d con un error que diga «%s»", c.name, r, c.status, c.msg)
		}
	}
	id := checkAccepted(t, do(t, "POST", base+"/procesar", bytes.NewReader(truncated)))
	st := waitState(t, base, id, 60*time.Second, finished)
	if st.State != "Error" || !strings.Contains(st.Error, "dañada") {
		t.Errorf("tarea con una imagen truncada: %+v, se esperaba Error", st)
	}
	r := get(t, base+"/resultado/"+id)
	var got status
	if r.status != 409 || json.Unmarshal(r.body, &got) != nil || got.State != "Error" || got.Error != st.Error {
		t.Errorf("/resultado de una tarea fallida: %v, se esperaba 409 con su estado", r)
	}
	noLeftovers(t, s.data)
}

func fileBodyBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConcurrentUploads sends many uploads at once over a few keep-alive
// connections; every one must end Completada with its own size.
func TestConcurrentUploads(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "2")
	base := s.base()
	img := fileBodyBytes(t, photo(t))
	type job struct {
		id   string
		w, h int
	}
	const n = 24
	jobs := make([]job, n)
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			// escala i/8+0.125: sizes from 18×12 to 468×321.
			f := float64(i+1) / 8
			q := "?escala=" + strconv.FormatFloat(f, 'f', -1, 64)
			r, err := httpClient.Post(base+"/procesar"+q, "image/jpeg", bytes.NewReader(img))
			if err != nil {
				errs <- err.Error()
				return
			}
			var a accepted
			json.NewDecoder(r.Body).Decode(&a)
			r.Body.Close()
			if r.StatusCode != 202 || a.ID == "" {
				errs <- fmt.Sprintf("subida %d: %d", i, r.StatusCode)
				return
			}
			jobs[i] = job{a.ID, int(150 * f), int(103 * f)}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.id] {
			t.Fatalf("id repetido %s", j.id)
		}
		seen[j.id] = true
		st := waitDone(t, base, j.id)
		if st.Width != j.w || st.Height != j.h {
			t.Errorf("tarea %s: %dx%d, se esperaba %dx%d", j.id, st.Width, st.Height, j.w, j.h)
		}
	}
	// HEAD on a result: the GET head, no body.
	j := jobs[n-1]
	full := get(t, base+"/resultado/"+j.id)
	head := do(t, "HEAD", base+"/resultado/"+j.id, nil)
	if head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Length") != strconv.Itoa(len(full.body)) || head.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("HEAD /resultado: %d %v, GET trajo %d bytes", head.status, head.header, len(full.body))
	}
	m := parseMetrics(t, string(get(t, base+"/metricas").body))
	if v := m.values[`procesa_tareas{estado="Completada"}`]; v != n {
		t.Errorf(`procesa_tareas{estado="Completada"} = %v, se esperaba %d`, v, n)
	}
}

// TestListenHostName checks that a host name listens on each address it
// resolves to (localhost: 127.0.0.1, and ::1 where /etc/hosts says so), all
// on the one port chosen.
func TestListenHostName(t *testing.T) {
	t.Parallel()
	addrs, err := net.LookupHost("localhost")
	if err != nil || len(addrs) == 0 {
		t.Skipf("se omite: localhost no resuelve (%v)", err)
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	if slices.Contains(addrs, "::1") {
		needIPv6(t)
	}
	s := startServer(t, "-i", "localhost")
	var want []string
	for _, a := range addrs {
		want = append(want, net.JoinHostPort(a, strconv.Itoa(s.port)))
	}
	got := slices.Clone(s.addrs)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("-i localhost escucha en %q, se esperaba %q", s.addrs, want)
	}
	for _, h := range addrs {
		if r := get(t, s.url(h)+"/salud"); r.status != 200 {
			t.Errorf("/salud por %s: %v", h, r)
		}
	}
}

// TestConnectionsAndPipelining checks --max-conexiones (one more gets 503
// and is closed, and a freed place is reused) and pipelined uploads on one
// keep-alive connection, answered in order.
func TestConnectionsAndPipelining(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--max-conexiones", "2", "-w", "2")
	addr := s.hostPort()
	img := fileBodyBytes(t, photo(t))

	// Two connections take both places; the pipelined requests of the first
	// are all answered, in order.
	c1, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c1.SetDeadline(time.Now().Add(30 * time.Second))
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST /procesar?escala=0.5 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(img))
	req.Write(img)
	req.WriteString("GET /salud HTTP/1.1\r\nHost: x\r\n\r\n")
	fmt.Fprintf(&req, "PUT /otra.jpg?ancho=10 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", len(img))
	req.Write(img)
	req.WriteString("\r\n0\r\n\r\n")
	req.WriteString("GET /estado/nada HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c1.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c1)
	var ids []string
	for i, want := range []string{"202", "200", "202", "404"} {
		h := readHead(t, br)
		if !strings.HasPrefix(h[0], "HTTP/1.1 "+want+" ") || containsFold(h, "Connection: close") {
			t.Fatalf("respuesta %d en cadena: %q, se esperaba %s sin cerrar", i, h, want)
		}
		n, _ := strconv.Atoi(headerValue(h[1:], "Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			t.Fatal(err)
		}
		if want == "202" {
			var a accepted
			json.Unmarshal(body, &a)
			ids = append(ids, a.ID)
		}
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// c2 holds the second place only once the server has accepted it: make
	// it send a whole request.
	c2.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(c2, "GET /salud HTTP/1.1\r\nHost: x\r\n\r\n")
	if h := readHead(t, bufio.NewReader(c2)); !strings.HasPrefix(h[0], "HTTP/1.1 200 ") {
		t.Fatalf("segunda conexión: %q", h)
	}

	// The third connection sends nothing: the server answers at once, and
	// with no unread request on the socket its close cannot turn into a
	// reset that would destroy the answer (it does with a request sent:
	// netio closes without draining).
	c3, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c3.SetDeadline(time.Now().Add(30 * time.Second))
	b, err := io.ReadAll(c3)
	c3.Close()
	if err != nil {
		t.Fatalf("tercera conexión: %v", err)
	}
	third := string(b)
	h := strings.Split(third, "\r\n")
	if !strings.HasPrefix(h[0], "HTTP/1.1 503 ") || !containsPrefixFold(h, "Retry-After: ") || !containsFold(h, "Connection: close") {
		t.Errorf("tercera conexión con --max-conexiones 2: %q, se esperaba 503 con Retry-After y cierre", third)
	}
	c2.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Until the server sees c2 gone, a refusal may come as a reset.
		resp, _ := tryExchange(addr, "GET /salud HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if strings.HasPrefix(resp, "HTTP/1.1 200 ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("la plaza liberada no se reutiliza: %q", resp)
		}
		time.Sleep(50 * time.Millisecond)
	}
	sizes := [][2]int{{75, 51}, {10, 7}}
	for i, id := range ids {
		// One place is held by c1: the polls get a place one at a time. The
		// server frees a poll's place only once it has closed that
		// connection, so the next poll may still find both taken and get
		// the 503 for too many connections (or a reset): it tries again.
		var st status
		deadline := time.Now().Add(60 * time.Second)
		for {
			resp, _ := tryExchange(addr, "GET /estado/"+id+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			if head, body, ok := strings.Cut(resp, "\r\n\r\n"); ok && strings.HasPrefix(head, "HTTP/1.1 200 ") {
				if err := json.Unmarshal([]byte(body), &st); err != nil {
					t.Fatalf("JSON de estado %q: %v", body, err)
				}
				if finished(st) {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("la tarea en cadena %d no terminó: última respuesta %q", i, resp)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if st.State != "Completada" || st.Width != sizes[i][0] || st.Height != sizes[i][1] {
			t.Errorf("tarea en cadena %d: %+v, se esperaba Completada de %v", i, st, sizes[i])
		}
	}
}
