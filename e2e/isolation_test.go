package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// health is the part of /salud these tests read.
type health struct {
	Estado        string   `json:"estado"`
	Disco         string   `json:"disco"`
	Protecciones  []string `json:"protecciones"`
	NoAplicadas   []string `json:"protecciones_no_aplicadas"`
	ProcesosVivos int      `json:"procesos"`
}

func getHealth(t *testing.T, base string) health {
	t.Helper()
	r := get(t, base+"/salud")
	var h health
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatalf("/salud: %v: %v", r, err)
	}
	return h
}

// TestWorkersConfined checks, from outside, that the server's workers run
// confined on Linux: /salud and /metricas list the protections, the
// kernel shows no_new_privs and a seccomp filter in /proc/PID/status and the
// limits in /proc/PID/limits, and images are still processed.
func TestWorkersConfined(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("la comprobación por /proc es de Linux")
	}
	t.Parallel()
	s := startServer(t, "-w", "2", "--limite-memoria", "300MiB")
	base := s.base()
	h := getHealth(t, base)
	if !slices.Contains(h.Protecciones, "rlimits") {
		t.Errorf("/salud: protecciones %v; falta rlimits", h.Protecciones)
	}
	for _, m := range h.NoAplicadas {
		t.Logf("AVISO: protección no aplicada en este sistema: %s", m)
	}
	pids := workerPIDs(t, s.cmd.Process.Pid)
	if len(pids) != 2 {
		t.Fatalf("procesos de trabajo %v; se esperaban 2", pids)
	}
	for _, pid := range pids {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(h.Protecciones, "seccomp") && !strings.Contains(string(st), "\nSeccomp:\t2\n") {
			t.Errorf("proceso %d: seccomp activo según /salud, pero /proc dice:\n%s", pid, st)
		}
		if slices.Contains(h.Protecciones, "no_new_privs") && !strings.Contains(string(st), "\nNoNewPrivs:\t1\n") {
			t.Errorf("proceso %d: no_new_privs activo según /salud, pero /proc dice:\n%s", pid, st)
		}
		lim, _ := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
		if !strings.Contains(string(lim), fmt.Sprintf("Max data size             %-20d %d", 300<<20, 300<<20)) {
			t.Errorf("proceso %d: /proc/%d/limits sin el límite de memoria de 300MiB:\n%s", pid, pid, lim)
		}
	}
	m := string(get(t, base+"/metricas").body)
	for _, p := range h.Protecciones {
		if want := fmt.Sprintf("procesa_proteccion_activa{proteccion=%q} 1", p); !strings.Contains(m, want) {
			t.Errorf("/metricas sin %q", want)
		}
	}
	id := upload(t, base, photo(t), "?escala=0.5")
	if st := waitDone(t, base, id); st.State != "Completada" {
		t.Errorf("tarea con los procesos aislados: %+v", st)
	}
}

// TestMemoryLimitFailsTask checks that an image that needs more memory than
// --limite-memoria fails its task alone, with 422, and that the worker is
// replaced.
func TestMemoryLimitFailsTask(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "1", "--limite-memoria", "128MiB", "--max-cuerpo", "100MiB")
	base := s.base()
	// A 6000×4000 colour PNG written back as colour PNG: two images of
	// some 96 MiB each on top of the 75 MiB the runtime maps before any.
	var big bytes.Buffer
	m := image.NewNRGBA(image.Rect(0, 0, 6000, 4000))
	for i := range m.Pix {
		m.Pix[i] = byte(i)
	}
	(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&big, m)
	r := do(t, "POST", base+"/procesar?esperar=1&gris=0&formato=png", bytes.NewReader(big.Bytes()))
	if r.status != 422 {
		t.Fatalf("imagen que no cabe en 128MiB: %d; se esperaba 422", r.status)
	}
	// The next image is processed by a replacement worker.
	small := image.NewGray(image.Rect(0, 0, 64, 48))
	small.Set(1, 1, color.Gray{200})
	var sb bytes.Buffer
	png.Encode(&sb, small)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r = do(t, "POST", base+"/procesar?esperar=1", bytes.NewReader(sb.Bytes()))
		if r.status == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.status != 200 {
		t.Errorf("imagen pequeña tras el fallo: %d", r.status)
	}
	if !strings.Contains(string(get(t, base+"/metricas").body), "procesa_reinicios_procesos_total 1") {
		t.Errorf("/metricas no cuenta el reemplazo del proceso de trabajo")
	}
}

// TestDiskFull runs the server on a small tmpfs and fills it: an upload
// gets 507 with Retry-After and a Spanish message (the raw mode the same
// ERROR line), /salud says the disk is full and /metricas counts it; a
// result that does not fit fails its task with that reason, and the task's
// record stays readable; once space is freed, uploads work again.
func TestDiskFull(t *testing.T) {
	data := mountTmpfs(t, 4<<20)
	s := startServer(t, "--datos", data)
	base := s.base()
	img, err := os.ReadFile(photo(t))
	if err != nil {
		t.Fatal(err)
	}

	filler := fill(t, data, 4<<10)
	r := do(t, "POST", base+"/procesar", bytes.NewReader(img))
	if r.status != 507 || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "no tiene espacio en disco") {
		t.Errorf("subida con el disco lleno: %v, Retry-After %q; se esperaba 507 con Retry-After y el motivo", r, r.header.Get("Retry-After"))
	}
	if resp := rawExchange(t, s.hostPort(), string(img)); !strings.HasPrefix(resp, "ERROR el servidor no tiene espacio en disco") {
		t.Errorf("modo crudo con el disco lleno: %q", resp)
	}
	if h := getHealth(t, base); h.Disco != "lleno" {
		t.Errorf("/salud con el disco lleno: disco %q; se esperaba \"lleno\"", h.Disco)
	}
	m := string(get(t, base+"/metricas").body)
	if !strings.Contains(m, "procesa_disco_lleno_total 2") || !strings.Contains(m, "procesa_disco_lleno 1") {
		t.Errorf("/metricas no cuenta el disco lleno:\n%s", m)
	}
	if !strings.Contains(m, `codigo="507"`) {
		t.Errorf("/metricas no cuenta las respuestas 507:\n%s", m)
	}

	// Room for the upload and its record, not for its result: a colour PNG
	// eight times as big as the photo.
	os.Remove(filler)
	filler = fill(t, data, int64(len(img))+64<<10)
	r = do(t, "POST", base+"/procesar?escala=8&gris=0&formato=png", bytes.NewReader(img))
	id := checkAccepted(t, r)
	st := waitState(t, base, id, 30*time.Second, finished)
	if st.State != "Error" || !strings.Contains(st.Error, "no tiene espacio en disco") {
		t.Errorf("tarea cuyo resultado no cabe: %+v; se esperaba Error por falta de espacio", st)
	}
	os.Remove(filler)
	// The record of the failed task is whole, and says so after a restart.
	s.stop()
	s = startServer(t, "--datos", data)
	base = s.base()
	if st2, ok := getStatus(t, base, id); !ok || st2.State != "Error" || st2.Error != st.Error {
		t.Errorf("tras reiniciar, la tarea es %+v; se esperaba %+v", st2, st)
	}
	id = upload(t, base, photo(t), "")
	if st := waitDone(t, base, id); st.State != "Completada" {
		t.Errorf("con espacio otra vez: %+v", st)
	}
	if h := getHealth(t, base); h.Disco != "ok" {
		t.Errorf("/salud con espacio: disco %q", h.Disco)
	}
	// A sync upload whose result does not fit answers 507 too.
	filler = fill(t, data, int64(len(img))+64<<10)
	defer os.Remove(filler)
	r = do(t, "POST", base+"/procesar?esperar=1&escala=8&gris=0&formato=png", bytes.NewReader(img))
	if r.status != 507 || r.header.Get("Retry-After") == "" {
		t.Errorf("subida síncrona cuyo resultado no cabe: %v; se esperaba 507 con Retry-After", r)
	}
}
