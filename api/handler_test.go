package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"procesa/netio"
	"procesa/tasks"
)

// countedWorkers is a pool whose number of live workers a test sets.
type countedWorkers struct{ alive atomic.Int32 }

func (w *countedWorkers) Alive() int      { return int(w.alive.Load()) }
func (w *countedWorkers) Procs() int      { return 2 }
func (w *countedWorkers) Restarts() int64 { return 3 }

// serveAPI starts the real Handler behind netio on 127.0.0.1 and returns
// its base URL.
func serveAPI(t *testing.T, workers Workers) string {
	t.Helper()
	store, err := tasks.Open(tasks.Config{Dir: t.TempDir(), Runner: copyRunner{}, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	store.Start()
	h := New(Config{Store: store, Workers: workers, Logger: discard})
	ns := &netio.Server{Handler: h, Raw: h, Logger: discard, OnReply: h.CountReply}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ns.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ns.Shutdown(ctx)
		store.Shutdown(ctx)
	})
	return "http://" + l.Addr().String()
}

func do(t *testing.T, method, url, accept string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealth(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(2)
	base := serveAPI(t, w)
	resp, body := do(t, "GET", base+"/salud", "")
	if resp.StatusCode != 200 || body != `{"estado":"ok","procesos":2,"en_cola":0,"disco":"ok"}`+"\n" {
		t.Errorf("with workers: %d %q", resp.StatusCode, body)
	}
	w.alive.Store(0)
	resp, body = do(t, "GET", base+"/salud", "")
	if resp.StatusCode != 503 || !strings.Contains(body, `"procesos":0`) {
		t.Errorf("without workers: %d %q; want 503", resp.StatusCode, body)
	}
}

func TestRoutesRefuse(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(1)
	base := serveAPI(t, w)
	id := "6f1c1e8a-0000-4000-8000-000000000000"
	for _, tc := range []struct {
		method, path, accept string
		status               int
		allow, body          string
	}{
		{"POST", "/estado/" + id, "", 405, "GET, HEAD", "método no permitido"},
		{"PUT", "/resultado/" + id, "", 405, "GET, HEAD", "método no permitido"},
		{"GET", "/procesar", "", 405, "POST, PUT", "método no permitido"},
		{"POST", "/salud", "", 405, "GET, HEAD", ""},
		{"POST", "/foto.jpg", "", 405, "PUT", ""},
		{"GET", "/foto.jpg", "", 404, "", "ruta no encontrada"},
		{"GET", "/estado/" + id, "", 404, "", `{"id_tarea":"` + id + `","estado":"No encontrado"}`},
		{"GET", "/estado/" + id, "text/plain", 404, "", "No encontrado\n"},
		{"GET", "/estado/no-es-un-id", "", 404, "", `"estado":"No encontrado"`},
		{"GET", "/resultado/" + id, "", 404, "", `"estado":"No encontrado"`},
		{"GET", "/", "", 200, "", "POST /procesar"},
		{"GET", "/estado/" + strings.ToUpper(id), "", 404, "", `{"id_tarea":"` + id + `","estado":"No encontrado"}`},
		{"GET", "/estado/" + id, "TEXT/PLAIN", 404, "", "No encontrado\n"},
		{"GET", "/resultado/" + id + "?esperar=2", "", 400, "", "«esperar»"},
		{"GET", "/resultado/" + id + "?esperar=%zz", "", 400, "", "«esperar»"},
		{"POST", "/procesar?escala=%zz", "", 400, "", "«escala»"},
		{"POST", "/procesar?escala=0.5%", "", 400, "", "«escala»"},
	} {
		resp, body := do(t, tc.method, base+tc.path, tc.accept)
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d Allow=%q %q; want %d Allow=%q and %q", tc.method, tc.path,
				resp.StatusCode, resp.Header.Get("Allow"), body, tc.status, tc.allow, tc.body)
		}
	}
	_, metrics := do(t, "GET", base+"/metricas", "")
	for _, want := range []string{
		`procesa_solicitudes_total{ruta="estado",codigo="405"} 1`,
		`procesa_solicitudes_total{ruta="estado",codigo="404"} 5`,
		`procesa_reinicios_procesos_total 3`,
		`procesa_procesos_vivos 1`,
		`procesa_procesamiento_segundos_bucket{le="+Inf"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metricas lacks %q:\n%s", want, metrics)
		}
	}
}
