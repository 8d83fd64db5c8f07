package api

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"procesa/netio"
	"procesa/tasks"
)

// TestTaskPages checks the task page in each state: a waiting task's page
// refreshes itself and shows no result; a finished one shows the result
// with its size, duration and download link; a failed one its reason.
func TestTaskPages(t *testing.T) {
	runner := &gatedRunner{release: make(chan struct{})}
	store, err := tasks.Open(tasks.Config{Dir: t.TempDir(), Runner: runner, Workers: 2, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	store.Start()
	h := New(Config{Store: store, Workers: idleWorkers{}, Logger: discard})
	ns := &netio.Server{Handler: h, Logger: discard}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ns.Serve(l)
	t.Cleanup(func() {
		close(runner.release)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ns.Shutdown(ctx)
		store.Shutdown(ctx)
	})
	base := "http://" + l.Addr().String()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	png := encodeTestImage(t, "png", 3, 2)
	done, err := addTask(ctx, store, png)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := addTask(ctx, store, []byte("no es una imagen"))
	if err != nil || failed.State != tasks.Failed {
		t.Fatalf("failed task: %+v, %v", failed, err)
	}
	u, err := store.NewUpload()
	if err != nil {
		t.Fatal(err)
	}
	runner.block.Store(u.ID())
	u.Write(png)
	running, err := u.Commit(tasks.Spec{Name: "en <curso>.png", Ext: "png", Type: "image/png"})
	if err != nil {
		t.Fatal(err)
	}
	for tk, _ := store.Get(running.ID); tk.State != tasks.Running; tk, _ = store.Get(running.ID) {
		if ctx.Err() != nil {
			t.Fatalf("the blocked task is %q, not running", tk.State)
		}
		time.Sleep(time.Millisecond)
	}

	for _, tc := range []struct {
		name, id  string
		want, not []string
	}{
		{"running", running.ID,
			[]string{`<meta http-equiv="refresh" content="1">`, `<strong id="estado">En progreso</strong>`,
				`<span class="nombre">en &lt;curso&gt;.png</span>`, "<code>" + running.ID + "</code>"},
			[]string{"<img", `id="descargar"`, `id="motivo"`}},
		{"done", done.ID,
			[]string{`<strong id="estado">Completada</strong>`, `<img src="/resultado/` + done.ID + `" width="3" height="2" alt="Imagen procesada">`,
				"3 × 2 píxeles, " + humanBytes(done.Bytes) + ", procesada en ",
				`<a class="boton" id="descargar" href="/resultado/` + done.ID + `" download="` + done.ID + `_procesada.png">`},
			[]string{"http-equiv", `id="motivo"`}},
		{"failed", failed.ID,
			[]string{`<strong id="estado">Error</strong>`, `<p class="error" id="motivo">Motivo: no es una imagen</p>`},
			[]string{"http-equiv", "<img", `id="descargar"`}},
	} {
		resp, page := do(t, "GET", base+"/estado/"+tc.id, chromiumAccept)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", tc.name, resp.StatusCode)
		}
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s task page lacks %q:\n%s", tc.name, w, page)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(page, n) {
				t.Errorf("%s task page has %q:\n%s", tc.name, n, page)
			}
		}
	}
}

func TestHumanSizes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0 bytes"}, {1023, "1023 bytes"}, {1024, "1,0 KiB"}, {14540, "14,2 KiB"}, {3 << 20, "3,0 MiB"}} {
		if got := humanBytes(tc.n); got != tc.want {
			t.Errorf("humanBytes(%d) = %q; want %q", tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{85 * time.Millisecond, "85 ms"}, {1250 * time.Millisecond, "1,25 s"}} {
		if got := humanDuration(tc.d); got != tc.want {
			t.Errorf("humanDuration(%v) = %q; want %q", tc.d, got, tc.want)
		}
	}
}
