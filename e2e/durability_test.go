package e2e

import (
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrashRecovery kills the server with SIGKILL right after several 202
// answers, while most tasks are still queued, and restarts it on the same
// --datos: every accepted task must end Completada and be served, and a task
// finished before the crash must still be served.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	s := startServer(t, "--datos", data, "-w", "1")
	base := s.base()
	before := upload(t, base, photo(t), "?escala=0.5")
	waitDone(t, base, before)

	type want struct {
		id     string
		format string
		w, h   int
	}
	// The big one keeps the only worker busy (a 16-megapixel PNG takes a
	// while to compress); the small ones queue behind.
	wants := []want{{upload(t, base, bigJPEG(t, 4000), "?formato=png"), "png", 4000, 4000}}
	for _, c := range []struct {
		query  string
		format string
		w, h   int
	}{
		{"", "jpeg", 150, 103},
		{"?escala=0.5&formato=png", "png", 75, 51},
		{"?ancho=30", "jpeg", 30, 21},
		{"?escala=2&gris=0", "jpeg", 300, 206},
	} {
		wants = append(wants, want{upload(t, base, photo(t), c.query), c.format, c.w, c.h})
	}
	workers := workerPIDs(t, s.cmd.Process.Pid)
	s.kill()

	// The workers die with the server (PR_SET_PDEATHSIG).
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range workers {
		for processExists(pid) {
			if time.Now().After(deadline) {
				t.Errorf("el proceso de trabajo %d sigue vivo tras matar al servidor", pid)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	unfinished := 0
	for _, w := range wants {
		var rec struct {
			Estado string `json:"estado"`
		}
		b, err := os.ReadFile(filepath.Join(data, "tareas", w.id+".json"))
		if err != nil || json.Unmarshal(b, &rec) != nil {
			t.Fatalf("la tarea %s, respondida con 202, no tiene registro en disco: %v", w.id, err)
		}
		if rec.Estado != "Completada" {
			unfinished++
			if _, err := os.Stat(filepath.Join(data, "entradas", w.id)); err != nil {
				t.Errorf("la tarea %s (%s) no tiene su imagen en entradas/: %v", w.id, rec.Estado, err)
			}
		}
	}
	if unfinished == 0 {
		t.Fatalf("todas las tareas terminaron antes del SIGKILL: la prueba no prueba nada")
	}
	t.Logf("%d de %d tareas sin terminar al matar el servidor", unfinished, len(wants))

	s2 := startServer(t, "--datos", data, "-w", "2")
	base = s2.base()
	for i, w := range wants {
		waitDone(t, base, w.id)
		if i == 0 {
			checkImageHeader(t, get(t, base+"/resultado/"+w.id).body, w.format, w.w, w.h, true)
			continue
		}
		checkImage(t, result(t, base, w.id), w.format, w.w, w.h, w.w != 300)
	}
	checkImage(t, result(t, base, before), "jpeg", 75, 51, true)
	if !strings.Contains(s2.logs(), "tarea recuperada") {
		t.Errorf("el servidor reiniciado no registró ninguna tarea recuperada:\n%s", s2.logs())
	}
	noLeftovers(t, data)
}

// processExists reports whether pid is a live (not zombie) process.
func processExists(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

// TestRetention checks that with --retencion 1s a finished task is
// forgotten after a few seconds and its files leave --datos.
func TestRetention(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--retencion", "1s")
	base := s.base()
	id := upload(t, base, photo(t), "")
	waitDone(t, base, id)
	files := []string{filepath.Join("tareas", id+".json"), filepath.Join("resultados", id+".jpg")}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(s.data, f)); err != nil {
			t.Fatalf("falta %s de una tarea terminada: %v", f, err)
		}
	}
	done := time.Now()
	for {
		if _, ok := getStatus(t, base, id); !ok {
			break
		}
		if time.Since(done) > 10*time.Second {
			t.Fatalf("la tarea sigue ahí %v después de terminar, con --retencion 1s", time.Since(done))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(done); d < 900*time.Millisecond {
		t.Errorf("la tarea caducó %v después de terminar, antes de su retención de 1 s", d)
	}
	if r := get(t, base+"/resultado/"+id); r.status != 404 {
		t.Errorf("/resultado de una tarea caducada: %v, se esperaba 404", r)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(s.data, f)); !os.IsNotExist(err) {
			t.Errorf("%s sigue en --datos después de caducar (%v)", f, err)
		}
	}
}

// TestQueueFull fills a one-place queue: the next upload gets 503 with
// Retry-After and leaves nothing under --datos; so does a raw upload, and
// an Expect: 100-continue upload gets its 503 before sending the body.
func TestQueueFull(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--max-cola", "1", "-w", "1", "--max-pixeles", "100M")
	base := s.base()
	big := bigJPEG(t, 4000)
	running := upload(t, base, big, slowQuery)
	waitState(t, base, running, 60*time.Second, func(st status) bool { return st.State != "En cola" })
	queued := upload(t, base, photo(t), "")

	r := do(t, "POST", base+"/procesar", fileBody(t, photo(t)))
	var e struct{ Error string }
	if r.status != 503 || r.header.Get("Retry-After") == "" || json.Unmarshal(r.body, &e) != nil || e.Error == "" {
		t.Errorf("subida con la cola llena: %v (Retry-After %q), se esperaba 503 con Retry-After y {\"error\": …}", r, r.header.Get("Retry-After"))
	}
	if haveTool(t, "curl") {
		// A big body without Expect: the 503 comes while curl still sends.
		body, status, _ := curl(t, nil, "-H", "Expect:", "--data-binary", "@"+big, base+"/procesar")
		if status != 503 {
			t.Errorf("subida grande sin Expect con la cola llena: %d %q, se esperaba 503", status, body)
		}
	}
	if r := get(t, base+"/salud"); !strings.Contains(string(r.body), `"en_cola":1`) {
		t.Errorf("/salud con la cola llena: %v", r)
	}

	// Expect: 100-continue: the 503 comes before the body is sent.
	c, err := net.Dial("tcp", s.hostPort())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, "POST /procesar HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(c, buf, 13)
	c.Close()
	if got := string(buf[:n]); !strings.HasPrefix(got, "HTTP/1.1 503 ") {
		t.Errorf("Expect: 100-continue con la cola llena: %q, se esperaba 503 sin 100 Continue", got)
	}

	if haveTool(t, "nc") {
		img, _ := os.ReadFile(photo(t))
		if out := string(nc(t, s, img)); !strings.HasPrefix(out, "ERROR ") || strings.Count(out, "\n") != 1 {
			t.Errorf("modo crudo con la cola llena: %q, se esperaba una línea «ERROR …»", out)
		}
	}

	accepted := []string{running, queued}
	for _, sub := range []string{"tareas"} {
		entries, _ := os.ReadDir(filepath.Join(s.data, sub))
		for _, e := range entries {
			id := strings.TrimSuffix(e.Name(), ".json")
			if !slices.Contains(accepted, id) {
				t.Errorf("una subida rechazada dejó %s/%s", sub, e.Name())
			}
		}
	}
	noLeftovers(t, s.data, accepted...)
	// Once the queue drains, uploads are accepted again.
	waitDone(t, base, queued)
	waitDone(t, base, upload(t, base, photo(t), ""))
}
