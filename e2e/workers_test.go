package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowQuery makes the big test image a task of seconds: 4000×4000 →
// 9600×9600 (92 megapixels, so the server needs --max-pixeles 100M), and a
// PNG, whose compression is slow.
const slowQuery = "?escala=2.4&formato=png"

// waitHealth polls /salud until it reports procs workers.
func waitHealth(t *testing.T, base string, procs int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := get(t, base+"/salud")
		var h struct{ Procesos int }
		json.Unmarshal(r.body, &h)
		if r.status == 200 && h.Procesos == procs {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/salud sigue en %v tras %v, se esperaban %d procesos", r, timeout, procs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWorkerKilled kills the worker running a slow task with SIGKILL: that
// task ends Error with a Spanish reason, the worker is replaced, the
// restart is counted, and the next task succeeds.
func TestWorkerKilled(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "2", "--max-pixeles", "100M")
	base := s.base()
	pids := workerPIDs(t, s.cmd.Process.Pid)
	if len(pids) != 2 {
		t.Fatalf("con -w 2 el servidor tiene los hijos %v", pids)
	}
	id := upload(t, base, bigJPEG(t, 4000), slowQuery)
	waitState(t, base, id, 60*time.Second, func(st status) bool { return st.State != "En cola" })

	// The busy worker is the one using CPU.
	var busy int
	for busy == 0 {
		before := map[int]int64{}
		for _, p := range pids {
			before[p], _ = cpuTicks(p)
		}
		time.Sleep(300 * time.Millisecond)
		best := int64(0)
		for _, p := range pids {
			now, _ := cpuTicks(p)
			if d := now - before[p]; d > best {
				best, busy = d, p
			}
		}
		if st, _ := getStatus(t, base, id); st.State != "En progreso" {
			t.Fatalf("la tarea lenta terminó antes de poder matar a su proceso: %+v", st)
		}
	}
	if err := syscall.Kill(busy, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	st := waitState(t, base, id, 30*time.Second, finished)
	if st.State != "Error" || st.Error == "" || !strings.Contains(st.Error, "proceso de trabajo") {
		t.Errorf("tarea cuyo proceso murió: %+v, se esperaba Error con un motivo en español", st)
	}
	if r := get(t, base+"/resultado/"+id); r.status != 409 {
		t.Errorf("/resultado de una tarea fallida: %v, se esperaba 409", r)
	}
	t.Logf("motivo: %s", st.Error)

	waitHealth(t, base, 2, 20*time.Second)
	now := workerPIDs(t, s.cmd.Process.Pid)
	if len(now) != 2 || slices.Contains(now, busy) {
		t.Errorf("procesos antes %v, matado %d, ahora %v", pids, busy, now)
	}
	for _, p := range pids {
		if p != busy && !slices.Contains(now, p) {
			t.Errorf("el proceso %d, que no se mató, fue reemplazado también", p)
		}
	}
	m := parseMetrics(t, string(get(t, base+"/metricas").body))
	if v := m.values["procesa_reinicios_procesos_total"]; v < 1 {
		t.Errorf("procesa_reinicios_procesos_total = %v tras matar un proceso", v)
	}
	if v := m.values[`procesa_tareas{estado="Error"}`]; v != 1 {
		t.Errorf(`procesa_tareas{estado="Error"} = %v, se esperaba 1`, v)
	}
	next := upload(t, base, photo(t), "")
	waitDone(t, base, next)
	checkImage(t, result(t, base, next), "jpeg", 150, 103, true)
}

// TestTaskTimeLimit runs a slow task under --limite-tarea 500ms: it ends
// Error saying so, and the server goes on.
func TestTaskTimeLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "1", "--max-pixeles", "100M", "--limite-tarea", "500ms")
	base := s.base()
	id := upload(t, base, bigJPEG(t, 4000), slowQuery)
	start := time.Now()
	st := waitState(t, base, id, 60*time.Second, finished)
	if st.State != "Error" || !strings.Contains(st.Error, "límite") {
		t.Fatalf("tarea lenta con --limite-tarea 500ms: %+v, se esperaba Error mencionando el tiempo límite", st)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("la tarea tardó %v en fallar con --limite-tarea 500ms", d)
	}
	t.Logf("motivo: %s", st.Error)
	// esperar=1 on a task that fails gets the failure, not a hang.
	r := get(t, base+"/resultado/"+id+"?esperar=1")
	if r.status != 409 {
		t.Errorf("/resultado?esperar=1 de una tarea fallida: %v, se esperaba 409", r)
	}
	waitHealth(t, base, 1, 20*time.Second)
	next := upload(t, base, photo(t), "")
	waitDone(t, base, next)
}

// TestShutdownFinishesTask sends SIGTERM while a task runs and another
// waits: the server exits 0, the running task finished (or stayed queued on
// disk) and the queued one is on disk; the next start completes both.
func TestShutdownFinishesTask(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	s := startServer(t, "--datos", data, "-w", "1")
	base := s.base()
	running := upload(t, base, bigJPEG(t, 4000), "?escala=0.5")
	waitState(t, base, running, 60*time.Second, func(st status) bool { return st.State != "En cola" })
	queued := upload(t, base, photo(t), "")
	s.stop() // checks exit status 0
	if !strings.Contains(s.logs(), "detenido") {
		t.Errorf("sin «detenido» en el registro:\n%s", s.logs())
	}

	record := func(id string) string {
		var rec struct {
			Estado string `json:"estado"`
		}
		b, err := os.ReadFile(filepath.Join(data, "tareas", id+".json"))
		if err != nil || json.Unmarshal(b, &rec) != nil {
			t.Fatalf("sin registro de la tarea %s tras SIGTERM: %v", id, err)
		}
		return rec.Estado
	}
	exists := func(p ...string) bool {
		_, err := os.Stat(filepath.Join(append([]string{data}, p...)...))
		return err == nil
	}
	switch st := record(running); st {
	case "Completada":
		if !exists("resultados", running+".jpg") {
			t.Errorf("la tarea en curso figura Completada sin resultado en disco")
		}
	case "En cola":
		if !exists("entradas", running) {
			t.Errorf("la tarea en curso quedó en cola sin su imagen")
		}
	default:
		t.Errorf("la tarea en curso quedó en %q tras SIGTERM", st)
	}
	if st := record(queued); st != "En cola" && st != "Completada" {
		t.Errorf("la tarea en cola quedó en %q tras SIGTERM", st)
	} else if st == "En cola" && !exists("entradas", queued) {
		t.Errorf("la tarea en cola perdió su imagen")
	}

	s2 := startServer(t, "--datos", data, "-w", "1")
	checkImageHeader(t, get(t, s2.base()+"/resultado/"+running+"?esperar=1").body, "jpeg", 2000, 2000, true)
	waitDone(t, s2.base(), queued)
	checkImage(t, result(t, s2.base(), queued), "jpeg", 150, 103, true)
}

// TestInterruptIdle checks that SIGINT stops an idle server with status 0
// and its workers with it.
func TestInterruptIdle(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "2")
	pids := workerPIDs(t, s.cmd.Process.Pid)
	s.ended = true
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Fatalf("SIGINT no detuvo el servidor:\n%s", s.logs())
	}
	if s.err != nil {
		t.Errorf("tras SIGINT: %v, se esperaba estado 0", s.err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, p := range pids {
		for processExists(p) {
			if time.Now().After(deadline) {
				t.Errorf("el proceso de trabajo %d sobrevivió al servidor", p)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestShutdownSyncRequests sends SIGTERM while one synchronous request
// (esperar=1) runs and another waits in the queue: the first still gets
// its image, the second a 503 at once rather than a hang, and the server
// exits 0.
func TestShutdownSyncRequests(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "1")
	base := s.base()
	type answer struct {
		r   reply
		err error
	}
	post := func(path, query string) chan answer {
		c := make(chan answer, 1)
		body := fileBody(t, path)
		go func() {
			r, err := httpClient.Post(base+"/procesar"+query, "image/jpeg", body)
			if err != nil {
				c <- answer{err: err}
				return
			}
			defer r.Body.Close()
			b, err := io.ReadAll(r.Body)
			c <- answer{reply{r.StatusCode, r.Header, b}, err}
		}()
		return c
	}
	running := post(bigJPEG(t, 4000), "?esperar=1&escala=1.5")
	waitMetric(t, base, `procesa_tareas{estado="En progreso"}`, 1)
	queued := post(photo(t), "?esperar=1")
	waitMetric(t, base, "procesa_cola_longitud", 1)
	start := time.Now()
	s.stop() // checks exit status 0
	t.Logf("el servidor se detuvo en %v", time.Since(start).Round(time.Millisecond))

	a := <-running
	if a.err != nil || a.r.status != 200 {
		t.Errorf("la solicitud síncrona en curso: %v %v, se esperaba 200 con la imagen", a.r, a.err)
	} else {
		checkImageHeader(t, a.r.body, "jpeg", 6000, 6000, true)
	}
	b := <-queued
	var e struct{ Error string }
	if b.err != nil || b.r.status != 503 || json.Unmarshal(b.r.body, &e) != nil || e.Error == "" {
		t.Errorf("la solicitud síncrona en cola: %v %v, se esperaba 503 con {\"error\": …}", b.r, b.err)
	}
	// The queued synchronous task stays on disk until the next start, which
	// drops it: its client is gone.
	s2 := startServer(t, "--datos", s.data)
	noLeftovers(t, s2.data)
	// The finished one is kept, as any finished task (its id came in the
	// X-Id-Tarea header); the other is gone.
	recs, _ := os.ReadDir(filepath.Join(s2.data, "tareas"))
	id := a.r.header.Get("X-Id-Tarea")
	if len(recs) != 1 || recs[0].Name() != id+".json" {
		t.Errorf("registros de tareas tras reiniciar: %v, se esperaba solo el de %q", names(recs), id)
	}
}

// waitMetric polls /metricas until series has the value want.
func waitMetric(t *testing.T, base, series string, want float64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m := parseMetrics(t, string(get(t, base+"/metricas").body))
		if m.values[series] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v tras 30 s, se esperaba %v", series, m.values[series], want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoRestartDuringShutdown kills a worker during the shutdown grace: it
// must not be replaced (the server is stopping), and nothing English may
// reach stderr. A second worker, stopped with SIGSTOP on a task, holds the
// grace open until the test lets it go on.
func TestNoRestartDuringShutdown(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-w", "2")
	base := s.base()
	pids := workerPIDs(t, s.cmd.Process.Pid)
	if len(pids) != 2 {
		t.Fatalf("con -w 2 el servidor tiene los hijos %v", pids)
	}
	for _, p := range pids {
		if err := syscall.Kill(p, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		defer syscall.Kill(p, syscall.SIGCONT)
	}
	// One task per worker: each sits in a stopped worker.
	for range 2 {
		id := upload(t, base, photo(t), "")
		waitState(t, base, id, 10*time.Second, func(st status) bool { return st.State != "En cola" })
	}
	s.ended = true // stopped here, not by the cleanup's SIGTERM
	s.cmd.Process.Signal(syscall.SIGTERM)
	waitLog := func(what string) {
		t.Helper()
		deadline := time.Now().Add(8 * time.Second)
		for !strings.Contains(s.errs.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("sin %q en el registro:\n%s", what, s.logs())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitLog("deteniendo")
	if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitLog(fmt.Sprintf("pid=%d", pids[0]) + " motivo=")
	// A replacement would start after the shortest back-off, 100 ms.
	time.Sleep(time.Second)
	if n := strings.Count(s.errs.String(), "proceso de trabajo iniciado"); n != 2 {
		t.Errorf("%d procesos de trabajo iniciados, se esperaban los 2 del arranque y ningún reemplazo:\n%s", n, s.logs())
	}
	if now := workerPIDs(t, s.cmd.Process.Pid); !slices.Equal(now, pids[1:]) {
		t.Errorf("hijos del servidor durante el cierre: %v, se esperaba solo %v", now, pids[1:])
	}

	// The stopped worker finishes its task; the server then exits.
	syscall.Kill(pids[1], syscall.SIGCONT)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.kill()
		t.Fatalf("procesa no terminó tras SIGTERM:\n%s", s.logs())
	}
	if s.err != nil {
		t.Errorf("procesa terminó con %v tras SIGTERM, se esperaba estado 0:\n%s", s.err, s.logs())
	}
	for _, english := range []string{"broken pipe", "write unix", "read unix", "connection reset", "closed network connection"} {
		if strings.Contains(s.errs.String(), english) {
			t.Errorf("stderr contiene %q:\n%s", english, s.errs.String())
		}
	}
}

// TestWorkerErrorsInSpanish runs the binary as a worker by hand. A server
// that has already hung up (closed its end of the socket, as it does to
// stop a worker, possibly before the worker has said hello) is no error: no
// output, status 0. A worker started without a socket says so in Spanish.
func TestWorkerErrorsInSpanish(t *testing.T) {
	t.Parallel()
	run := func(fd3 *os.File) (string, int) {
		t.Helper()
		cmd := exec.Command(binPath)
		cmd.Env = append(os.Environ(), "PROCESA_WORKER=1")
		cmd.ExtraFiles = []*os.File{fd3}
		var errOut strings.Builder
		cmd.Stderr = &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return errOut.String(), cmd.ProcessState.ExitCode()
	}

	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(fds[0]) // the server hung up
	child := os.NewFile(uintptr(fds[1]), "trabajo")
	defer child.Close()
	if errOut, code := run(child); code != 0 || errOut != "" {
		t.Errorf("proceso de trabajo con el servidor ya cerrado: estado %d, stderr %q; se esperaba 0 y nada", code, errOut)
	}

	notSocket, err := os.Open(binPath)
	if err != nil {
		t.Fatal(err)
	}
	defer notSocket.Close()
	errOut, code := run(notSocket)
	want := "procesa (proceso de trabajo): abriendo el socket del proceso de trabajo: no es un socket\n"
	if code != 1 || errOut != want {
		t.Errorf("proceso de trabajo sin socket: estado %d, stderr %q; se esperaba 1 y %q", code, errOut, want)
	}
}
