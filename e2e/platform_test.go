package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// noPdeathsigBinary builds, once, procesa with the build tag nopdeathsig:
// its workers get no parent-death signal, as on macOS, OpenBSD and NetBSD,
// and must notice their server's death by themselves.
var noPdeathsigBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(scratchDir, "procesa-sin-pdeathsig")
	cmd := exec.Command("go", "build", "-tags", "nopdeathsig", "-o", bin, "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// TestWorkersDieWithoutPdeathsig checks the fallback of the systems without
// PR_SET_PDEATHSIG, on Linux with the signal switched off: after kill -9 of
// the server, every worker, the idle one and the one in the middle of a
// 20 MP job, is gone within 1 s.
func TestWorkersDieWithoutPdeathsig(t *testing.T) {
	t.Parallel()
	bin, err := noPdeathsigBinary()
	if err != nil {
		t.Fatalf("go build -tags nopdeathsig: %v", err)
	}
	s := startServerBin(t, bin, "-w", "2", "--max-pixeles", "200M")
	base := s.base()
	pids := workerPIDs(t, s.cmd.Process.Pid)
	if len(pids) != 2 {
		t.Fatalf("con -w 2 el servidor tiene los hijos %v", pids)
	}
	id := upload(t, base, bigJPEG(t, 4500), slowQuery) // 20 MP
	st := waitState(t, base, id, 60*time.Second, func(st status) bool { return st.State != "En cola" })
	if st.State != "En progreso" {
		t.Fatalf("la tarea de 20 MP terminó antes de matar al servidor: %+v", st)
	}

	// Time from the signal itself: s.kill waits for the server's output
	// pipes to close, and a live worker holds them open too.
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	defer s.kill()
	for {
		alive := 0
		for _, p := range pids {
			if processExists(p) {
				alive++
			}
		}
		if alive == 0 {
			t.Logf("los %d procesos de trabajo terminaron %v después de matar al servidor", len(pids), time.Since(killed).Round(time.Millisecond))
			return
		}
		if time.Since(killed) > time.Second {
			t.Fatalf("%d de los procesos de trabajo %v siguen vivos 1 s después de matar al servidor", alive, pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
