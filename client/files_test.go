package client

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOImageIsRefusedWithoutOpening gives a FIFO with no writer as the
// image: opening it would block for ever (and beyond Ctrl-C), so the client
// must refuse it from its metadata alone.
func TestFIFOImageIsRefusedWithoutOpening(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "f.png")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no se puede crear una FIFO aquí: %v", err)
	}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{}).handle)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"argumento", "", []string{"-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), fifo}},
		{"respuesta", fifo + "\n", []string{"-i", "127.0.0.1", "-p", strconv.Itoa(srv.port)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan runResult, 1)
			go func() { done <- runClient(t, t.Context(), tc.stdin, tc.args...) }()
			var r runResult
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				// Give the blocked open() its writer, so the goroutine ends.
				if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
					defer w.Close()
				}
				<-done
				t.Fatal("el cliente quedó bloqueado abriendo la FIFO")
			}
			if r.code != exitFailure || !strings.Contains(r.stderr, "«"+fifo+"» no es un archivo común") {
				t.Errorf("estado %d, stderr %q; quería 1 y «no es un archivo común»", r.code, r.stderr)
			}
		})
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("el cliente se conectó %d veces con una FIFO como imagen", n)
	}
}
