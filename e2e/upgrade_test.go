package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// upgradable is a procesa server that the test upgrades with SIGHUP. Its
// processes replace one another, so the test follows them by pid, reads
// their shared log from a file (a pipe would stay open as long as any of
// them), and runs its own copy of the binary, which it may replace on disk.
type upgradable struct {
	t    *testing.T
	exe  string // the binary the server runs, the test's own copy
	log  string // stdout and stderr of every process
	base string
	pid  atomic.Int64 // the process serving now
	pids []int        // every server process started, for the cleanup
	// firstExit gets the exit error of the first process, the only one
	// that is the test's child.
	firstExit chan error
}

// startUpgradable copies the binary and starts it with args plus -p 0,
// -i 127.0.0.1 and a fresh --datos.
func startUpgradable(t *testing.T, args ...string) *upgradable {
	t.Helper()
	return startUpgradableEnv(t, nil, args...)
}

// startUpgradableEnv is startUpgradable with more environment variables.
func startUpgradableEnv(t *testing.T, env []string, args ...string) *upgradable {
	t.Helper()
	dir := t.TempDir()
	u := &upgradable{t: t, exe: filepath.Join(dir, "procesa"), log: filepath.Join(dir, "registro.txt")}
	u.install(binPath)
	logf, err := os.Create(u.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	args = append(args, "-p", "0", "-i", "127.0.0.1", "--datos", filepath.Join(dir, "datos"))
	cmd := exec.Command(u.exe, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	u.firstExit = make(chan error, 1)
	go func() { u.firstExit <- cmd.Wait() }() // its successors are not ours to wait for
	u.pid.Store(int64(cmd.Process.Pid))
	u.pids = append(u.pids, cmd.Process.Pid)
	t.Cleanup(func() {
		for _, pid := range u.pids {
			if processExists(pid) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	m := u.waitLog(regexp.MustCompile(`escuchando en (http://\S+)`), 1, 30*time.Second)
	u.base = m[1]
	return u
}

// install puts a copy of the file src where the server's binary is, the
// way an upgrade does: written beside it, then renamed over it.
func (u *upgradable) install(src string) {
	u.t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		u.t.Fatal(err)
	}
	tmp := u.exe + ".nuevo"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		u.t.Fatal(err)
	}
	if err := os.Rename(tmp, u.exe); err != nil {
		u.t.Fatal(err)
	}
}

// logs returns everything the server processes have printed.
func (u *upgradable) logs() string {
	b, _ := os.ReadFile(u.log)
	return string(b)
}

// waitLog waits until re matches n times in the log and returns the n-th
// match.
func (u *upgradable) waitLog(re *regexp.Regexp, n int, timeout time.Duration) []string {
	u.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if ms := re.FindAllStringSubmatch(u.logs(), -1); len(ms) >= n {
			return ms[n-1]
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("el registro no muestra %d veces %q en %v:\n%s", n, re, timeout, u.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var (
	newProcRE   = regexp.MustCompile(`msg="actualización: nuevo proceso iniciado; se espera que esté listo" pid=(\d+)`)
	oldExitRE   = regexp.MustCompile(`msg="actualización terminada: este proceso sale"`)
	adoptedRE   = regexp.MustCompile(`msg="traspaso terminado: el proceso anterior salió"`)
	completedRE = regexp.MustCompile(`msg="tarea completada" id=(\S+)`)
	failedUpRE  = regexp.MustCompile(`msg="la actualización falló; este proceso sigue sirviendo" error="([^"]*)"`)
)

// upgrade sends SIGHUP and waits for the n-th successful upgrade to end: the new
// process ready, the old one gone, the handover done. It returns the new pid.
func (u *upgradable) upgrade(n int) int {
	u.t.Helper()
	old := int(u.pid.Load())
	logs := u.logs()
	started := len(newProcRE.FindAllString(logs, -1))
	if err := syscall.Kill(old, syscall.SIGHUP); err != nil {
		u.t.Fatal(err)
	}
	m := u.waitLog(newProcRE, started+1, 30*time.Second)
	pid, _ := strconv.Atoi(m[1])
	u.pids = append(u.pids, pid)
	u.waitLog(oldExitRE, n, 90*time.Second)
	u.waitLog(adoptedRE, n, 30*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for processExists(old) {
		if time.Now().After(deadline) {
			u.t.Fatalf("el proceso anterior %d sigue vivo tras la actualización %d", old, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	u.pid.Store(int64(pid))
	return pid
}

// stop sends SIGTERM to the serving process and waits for its "detenido".
func (u *upgradable) stop() {
	u.t.Helper()
	pid := int(u.pid.Load())
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(25 * time.Second)
	for processExists(pid) {
		if time.Now().After(deadline) {
			u.t.Fatalf("procesa (pid %d) no terminó 25 s después de SIGTERM:\n%s", pid, u.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(u.logs(), `msg=detenido`) {
		u.t.Errorf("procesa (pid %d) terminó sin registrar «detenido»:\n%s", pid, u.logs())
	}
}

// freshClient opens a new connection for every request, so that each one
// tests the accepting side of an upgrade: a connection refused or reset is
// an error, never hidden by a retry on another connection.
var freshClient = &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// loadStats counts what the load generators saw.
type loadStats struct {
	mu      sync.Mutex
	ids     []string // every 202
	async   int
	sync    int
	polls   int
	errs    []string
	refused int
}

func (s *loadStats) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(msg, "refused") || strings.Contains(msg, "reset") {
		s.refused++
	}
	if len(s.errs) < 20 {
		s.errs = append(s.errs, msg)
	}
}

func (s *loadStats) knownID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ids) == 0 {
		return ""
	}
	return s.ids[rand.IntN(len(s.ids))]
}

// post sends an image; it returns the status and body, or records an error.
func postImage(st *loadStats, url string, img []byte) (int, []byte, bool) {
	resp, err := freshClient.Post(url, "application/octet-stream", bytes.NewReader(img))
	if err != nil {
		st.fail("POST %s: %v", url, err)
		return 0, nil, false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		st.fail("POST %s: leyendo la respuesta: %v", url, err)
		return 0, nil, false
	}
	return resp.StatusCode, b, true
}

// runLoad sends, until stop is closed: asynchronous uploads (two loops),
// synchronous ones (one loop) and status polls of the accepted tasks (two
// loops), each on a new connection, and records every failure.
func runLoad(base string, small []byte, stop <-chan struct{}) (*loadStats, *sync.WaitGroup) {
	st := &loadStats{}
	var wg sync.WaitGroup
	running := func() bool {
		select {
		case <-stop:
			return false
		default:
			return true
		}
	}
	for range 2 {
		wg.Go(func() {
			for running() {
				status, body, ok := postImage(st, base+"/procesar?escala=0.5", small)
				if !ok {
					continue
				}
				var a accepted
				if status != 202 || json.Unmarshal(body, &a) != nil || a.ID == "" {
					st.fail("subida asíncrona: %d %q", status, body)
					continue
				}
				st.mu.Lock()
				st.ids = append(st.ids, a.ID)
				st.async++
				st.mu.Unlock()
				time.Sleep(25 * time.Millisecond)
			}
		})
	}
	wg.Go(func() {
		for running() {
			status, body, ok := postImage(st, base+"/procesar?esperar=1&ancho=40", small)
			if !ok {
				continue
			}
			if status != 200 || !bytes.HasPrefix(body, []byte{0xFF, 0xD8}) {
				st.fail("subida síncrona: %d %.80q", status, body)
				continue
			}
			st.mu.Lock()
			st.sync++
			st.mu.Unlock()
		}
	})
	for range 2 {
		wg.Go(func() {
			for running() {
				id := st.knownID()
				if id == "" {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				resp, err := freshClient.Get(base + "/estado/" + id)
				if err != nil {
					st.fail("GET /estado/%s: %v", id, err)
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					st.fail("GET /estado/%s: %d %q %v", id, resp.StatusCode, b, err)
					continue
				}
				st.mu.Lock()
				st.polls++
				st.mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	return st, &wg
}

// TestUpgradeUnderLoad upgrades the server three times in a row (SIGHUP,
// with the binary replaced on disk each time) while asynchronous and
// synchronous uploads and status polls go on, each on a new connection.
// No connection may be refused or reset, no synchronous upload may fail,
// no status poll may miss a task, and every task answered with 202 must end
// Completada with its result served by the last process. Before each
// upgrade a burst of bigger uploads fills the queue, so that queued tasks
// are handed over to the new process.
func TestUpgradeUnderLoad(t *testing.T) {
	t.Parallel()
	u := startUpgradable(t, "-w", "2", "--max-cola", "1000")
	small, err := os.ReadFile(photo(t))
	if err != nil {
		t.Fatal(err)
	}
	big, err := os.ReadFile(bigJPEG(t, 1500))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	st, wg := runLoad(u.base, small, stop)
	var burst []string
	pids := []int{int(u.pid.Load())}
	for n := 1; n <= 3; n++ {
		time.Sleep(700 * time.Millisecond)
		for range 6 {
			status, body, ok := postImage(st, u.base+"/procesar?formato=png", big)
			var a accepted
			if ok && (status != 202 || json.Unmarshal(body, &a) != nil) {
				t.Fatalf("subida grande: %d %q", status, body)
			}
			burst = append(burst, a.ID)
		}
		u.install(binPath) // "a new version", replacing the running file
		pids = append(pids, u.upgrade(n))
		if n == 1 {
			if err := <-u.firstExit; err != nil {
				t.Errorf("el primer proceso terminó con %v tras la actualización, se esperaba estado 0", err)
			}
		}
	}
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()

	st.ids = append(st.ids, burst...)
	for _, id := range st.ids {
		if id == "" {
			continue
		}
		waitDone(t, u.base, id)
		result(t, u.base, id)
	}
	logs := u.logs()
	handed, received := strings.Count(logs, `msg="tarea traspasada al nuevo proceso"`), strings.Count(logs, `msg="tarea recibida del proceso anterior"`)
	t.Logf("procesos %v; %d subidas asíncronas y %d grandes completadas, %d síncronas correctas, %d consultas de estado; %d tareas traspasadas en cola, %d recibidas",
		pids, st.async, len(burst), st.sync, st.polls, handed, received)
	if len(st.errs) > 0 {
		t.Errorf("%d errores durante las actualizaciones (%d conexiones rechazadas o reiniciadas); los primeros:\n%s",
			len(st.errs), st.refused, strings.Join(st.errs, "\n"))
	}
	if st.async == 0 || st.sync == 0 || st.polls == 0 {
		t.Errorf("la carga no llegó a hacer de todo: %d asíncronas, %d síncronas, %d consultas", st.async, st.sync, st.polls)
	}
	if handed == 0 || received < handed {
		t.Errorf("se traspasaron %d tareas en cola y se recibieron %d: se esperaba alguna, y todas recibidas", handed, received)
	}
	// No task ran twice: each id is completed once, by one process.
	done := make(map[string]int)
	for _, m := range completedRE.FindAllStringSubmatch(logs, -1) {
		done[m[1]]++
	}
	for id, n := range done {
		if n > 1 {
			t.Errorf("la tarea %s se completó %d veces", id, n)
		}
	}
	if n := len(done); n < len(st.ids)+st.sync {
		t.Errorf("el registro muestra %d tareas completadas para %d subidas", n, len(st.ids)+st.sync)
	}
	u.stop()
}

// TestUpgradeFailedStart replaces the binary with a program that exits at
// once and sends SIGHUP: the upgrade fails with a Spanish log line, and the
// old process goes on serving (same pid, uploads complete). So it does with
// a program that closes the ready pipe and hangs, which the old process
// kills. A good binary put back then upgrades normally.
func TestUpgradeFailedStart(t *testing.T) {
	t.Parallel()
	u := startUpgradable(t, "-w", "1")
	first := upload(t, u.base, photo(t), "")
	waitDone(t, u.base, first)
	pid := int(u.pid.Load())

	broken := filepath.Join(t.TempDir(), "roto")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho 'versión rota' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	u.install(broken)
	syscall.Kill(pid, syscall.SIGHUP)
	m := u.waitLog(failedUpRE, 1, 30*time.Second)
	if !strings.Contains(m[1], "terminó antes de estar listo") {
		t.Errorf("la línea de la actualización fallida dice %q, se esperaba que el nuevo proceso terminó antes de estar listo", m[1])
	}
	if !processExists(pid) {
		t.Fatalf("el servidor %d terminó tras una actualización fallida:\n%s", pid, u.logs())
	}
	for range 3 {
		id := upload(t, u.base, photo(t), "?escala=0.5")
		waitDone(t, u.base, id)
		checkImage(t, result(t, u.base, id), "jpeg", 75, 51, true)
	}
	waitDone(t, u.base, first)

	// A binary that closes the ready pipe (descriptor 4, after the one
	// socket) without a word and hangs: the old process kills it.
	if err := os.WriteFile(broken, []byte("#!/bin/sh\nexec 4>&-\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	u.install(broken)
	syscall.Kill(pid, syscall.SIGHUP)
	m = u.waitLog(failedUpRE, 2, 30*time.Second)
	if !strings.Contains(m[1], "cerró el aviso de listo sin avisar") {
		t.Errorf("la segunda actualización fallida dice %q", m[1])
	}
	hung, _ := strconv.Atoi(u.waitLog(newProcRE, 2, time.Second)[1])
	deadline := time.Now().Add(10 * time.Second)
	for processExists(hung) {
		if time.Now().After(deadline) {
			t.Fatalf("el proceso nuevo colgado (%d) sigue vivo", hung)
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := upload(t, u.base, photo(t), "")
	waitDone(t, u.base, id)
	if strings.Contains(u.logs(), "actualización terminada") {
		t.Errorf("el servidor dice haber terminado una actualización que falló:\n%s", u.logs())
	}

	u.install(binPath)
	u.upgrade(1)
	id = upload(t, u.base, photo(t), "")
	waitDone(t, u.base, id)
	waitDone(t, u.base, first)
	u.stop()
}

// TestUpgradeNotifiesSystemd plays systemd's side of Type=notify: it
// listens on a datagram socket named by NOTIFY_SOCKET and checks that
// procesa says READY=1 once it serves, and that after an upgrade the new
// process says MAINPID=<its pid> and READY=1, so that systemd follows it
// (and ExecReload's next SIGHUP reaches it).
func TestUpgradeNotifiesSystemd(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msgs := make(chan string, 10)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case m := <-msgs:
			return m
		case <-time.After(30 * time.Second):
			t.Fatal("procesa no avisó por NOTIFY_SOCKET en 30 s")
			return ""
		}
	}
	u := startUpgradableEnv(t, []string{"NOTIFY_SOCKET=" + sock}, "-w", "1")
	if m := next(); m != "READY=1" {
		t.Fatalf("primer aviso %q, se esperaba READY=1", m)
	}
	pid := u.upgrade(1)
	if m, want := next(), fmt.Sprintf("MAINPID=%d\nREADY=1", pid); m != want {
		t.Fatalf("aviso tras la actualización %q, se esperaba %q", m, want)
	}
	id := upload(t, u.base, photo(t), "")
	waitDone(t, u.base, id)
	u.stop()
	if m := next(); m != "STOPPING=1" {
		t.Errorf("aviso al detenerse %q, se esperaba STOPPING=1", m)
	}
}
