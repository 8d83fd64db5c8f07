package e2e

import (
	"context"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// These tests drive the pages in a real headless Chromium (Debian package
// chromium) through chromedp, as a user would: pick files, submit, watch
// the tasks, download the results. Without Chromium they skip, unless
// PROCESA_REQUIRE_TOOLS is set.

// browser is one headless Chromium tab for a test.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex // guards requests and dialogs
	requests []string   // every URL the page asked for
	dialogs  []string   // the message of every alert, confirm or prompt
}

// newBrowser starts Chromium for t, with JavaScript on or off, and a
// window of width×height CSS pixels.
func newBrowser(t *testing.T, script bool, width, height int64) *browser {
	t.Helper()
	exe := needTool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // tests may run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}

	// Subscribe before the first navigation, which starts the browser.
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	if err := chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.EmulateViewport(width, height),
	); err != nil {
		t.Fatalf("no se pudo iniciar Chromium: %v", err)
	}
	if !script {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.requests = append(b.requests, ev.Request.URL)
			b.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// do runs actions, failing the test after timeout.
func (b *browser) do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("Chromium: %v", err)
	}
}

// eval evaluates a JavaScript expression in the page into a T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("Chromium, %s: %v", expr, err)
	}
	return v
}

// checkOnlyServer checks that the page asked nothing of any other host,
// and opened no dialog (a sign of injected script).
func (b *browser) checkOnlyServer(base string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if u != "about:blank" && !strings.HasPrefix(u, base+"/") {
			b.t.Errorf("la página pidió %s, fuera del servidor %s", u, base)
		}
	}
	if len(b.requests) == 0 {
		b.t.Error("no se registró ninguna petición de la página")
	}
	if len(b.dialogs) > 0 {
		b.t.Errorf("la página abrió diálogos: %q", b.dialogs)
	}
}

// checkAccessible checks what a keyboard or screen-reader user needs: a
// label for every field, an alt text for every image, nothing wider than
// the window.
func (b *browser) checkAccessible(where string) {
	b.t.Helper()
	unlabeled := eval[[]string](b, `[...document.querySelectorAll('input, select, textarea, progress')]
		.filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id || e.name || e.tagName)`)
	if len(unlabeled) > 0 {
		b.t.Errorf("%s: campos sin etiqueta: %q", where, unlabeled)
	}
	noAlt := eval[[]string](b, `[...document.images].filter(i => !i.alt).map(i => i.src)`)
	if len(noAlt) > 0 {
		b.t.Errorf("%s: imágenes sin texto alternativo: %q", where, noAlt)
	}
	if wide := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		b.t.Errorf("%s: la página es más ancha que la ventana (%d px)", where, eval[int](b, `window.innerWidth`))
	}
}

// drop drags the files at paths over the element with id and drops them
// there, through the browser's own input (Input.dispatchDragEvent), as a
// file manager would.
func (b *browser) drop(id string, paths ...string) {
	b.t.Helper()
	type point struct{ X, Y float64 }
	p := eval[point](b, `(() => { const r = document.getElementById('`+id+`').getBoundingClientRect();
		return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`)
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{
		input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
	} {
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		_, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: p.X, Y: p.Y, Data: data})
		cancel()
		if err != nil {
			b.t.Fatalf("Chromium, %s: %v", typ, err)
		}
	}
}

// copyAs copies the file src into dir under name and returns its path.
func copyAs(t *testing.T, src, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// download fetches a result link as the browser offered it and checks
// the image and the name it is offered under.
func download(t *testing.T, base, href, format, wantName string, w, h int, gray bool) {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || (u.Host != "" && base != "http://"+u.Host) {
		t.Fatalf("enlace de descarga %q fuera del servidor %s", href, base)
	}
	r := get(t, base+u.RequestURI())
	if r.status != 200 {
		t.Fatalf("descarga %s: %v", href, r)
	}
	checkImage(t, decodeImage(t, r.body), format, w, h, gray)
	cd := r.header.Get("Content-Disposition")
	if _, params, err := mime.ParseMediaType(cd); err != nil || params["filename"] != wantName {
		t.Errorf("descarga %s: Content-Disposition %q no nombra %q (%v)", href, cd, wantName, err)
	}
}

// TestBrowserUploadWithScript uploads three images at once through the
// page with JavaScript on, one of them named with a <script> element, then
// drops a fourth on the page together with a text file. Each image gets its
// progress bar, its task id, its states as they change, and its result
// next to the original with a download link; the text file its error.
func TestBrowserUploadWithScript(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, true, 1000, 900)
	s := startServer(t)
	base := s.base()
	dir := t.TempDir()
	files := []string{
		copyAs(t, photo(t), dir, "foto.jpeg"),
		copyAs(t, goldenImage(t, "video-001.png"), dir, "captura.png"),
		copyAs(t, photo(t), dir, `<script>alert("hola")<script>.jpeg`),
	}

	b.do(30*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("zona-ayuda")), // app.js ran
	)
	if !eval[bool](b, `document.getElementById('imagen').multiple`) {
		t.Error("con JavaScript el campo de imagen no admite varios archivos")
	}
	b.checkAccessible("página de subida")
	b.do(30*time.Second,
		chromedp.SendKeys(chromedp.ID("escala"), "0.5"),
		chromedp.SetUploadFiles(chromedp.ID("imagen"), files),
		chromedp.Click(chromedp.ID("enviar")),
	)
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('li.tarea').length === 3 &&
		[...document.querySelectorAll('li.tarea')].every(li => li.dataset.estado === 'Completada' &&
			li.querySelector('figure.procesada img') && li.querySelector('figure.procesada img').complete &&
			li.querySelector('figure.procesada img').naturalWidth > 0)`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("las tres tareas no terminaron en la página: %v\n%s", err,
			eval[string](b, `document.getElementById('lista').innerText`))
	}

	// Drop one more image on the box, as from a file manager, with a file
	// that is no image: that one fails on its own, with the reason shown.
	dropped := copyAs(t, goldenImage(t, "video-001.png"), dir, "soltada.png")
	files = append(files, dropped)
	note := filepath.Join(dir, "nota.txt")
	if err := os.WriteFile(note, []byte("esto no es una imagen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.drop("zona", dropped, note)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('li.tarea').length === 5 &&
		[...document.querySelectorAll('li.tarea')].every(li => li.querySelector('h3').textContent === 'nota.txt' ||
			li.dataset.estado === 'Completada' &&
			li.querySelector('figure.procesada img') && li.querySelector('figure.procesada img').complete &&
			li.querySelector('figure.procesada img').naturalWidth > 0)`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("la imagen soltada no terminó en la página: %v\n%s", err,
			eval[string](b, `document.getElementById('lista').innerText`))
	}

	failure := eval[string](b, `[...document.querySelectorAll('li.tarea')].filter(li => li.querySelector('h3').textContent === 'nota.txt')
		.map(li => li.dataset.estado + ': ' + li.querySelector('.estado').textContent).join()`)
	if !strings.HasPrefix(failure, "Error: ") || !strings.Contains(failure, "no es una imagen en un formato admitido") {
		t.Errorf("nota.txt en la página: %q; se esperaba el error 415 con su motivo", failure)
	}

	type item struct {
		Name, States, ID, Download, Alt string
		Width, Height                   int
		Progress                        float64
		Canvas                          bool
	}
	items := eval[[]item](b, `[...document.querySelectorAll('li.tarea')].filter(li => li.dataset.estado === 'Completada').map(li => {
		const img = li.querySelector('figure.procesada img');
		return {
			Name: li.querySelector('h3').textContent,
			States: li.dataset.estados,
			ID: li.querySelector('.id code').textContent,
			Download: li.querySelector('a.descargar').href,
			Alt: img.alt,
			Width: img.naturalWidth, Height: img.naturalHeight,
			Progress: li.querySelector('progress').value,
			Canvas: li.querySelector('figure.original canvas').width > 1,
		};
	})`)
	seen := map[string]bool{}
	for _, it := range items {
		seen[it.Name] = true
		if !uuidRE.MatchString(it.ID) {
			t.Errorf("%s: id de tarea %q", it.Name, it.ID)
		}
		// The page saw the task change: "En cola" from the upload's answer,
		// then, polling, up to "Completada".
		if !strings.HasPrefix(it.States, "En cola|") || !strings.HasSuffix(it.States, "|Completada") {
			t.Errorf("%s: estados vistos %q; se esperaba de «En cola» a «Completada»", it.Name, it.States)
		}
		if it.Progress != 100 || !it.Canvas || !strings.Contains(it.Alt, it.Name) {
			t.Errorf("%s: progreso %v, vista previa del original %v, alt %q", it.Name, it.Progress, it.Canvas, it.Alt)
		}
		format, stem := "jpeg", strings.TrimSuffix(it.Name, filepath.Ext(it.Name))
		if it.Width != 75 || it.Height != 51 {
			t.Errorf("%s: el resultado se ve de %dx%d; escala 0.5 de 150x103 da 75x51", it.Name, it.Width, it.Height)
		}
		download(t, base, it.Download, format, stem+"_procesada.jpg", 75, 51, true)
		if st, _ := getStatus(t, base, it.ID); st.State != "Completada" {
			t.Errorf("%s: estado en el servidor %q", it.Name, st.State)
		}
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("la página no muestra %q tal cual (muestra %v)", filepath.Base(f), seen)
		}
	}
	if n := eval[int](b, `document.scripts.length`); n != 1 {
		t.Errorf("la página tiene %d elementos script; solo debe estar app.js", n)
	}
	b.checkAccessible("página con resultados")
	b.checkOnlyServer(base)
}

// TestBrowserUploadWithoutScript uses the plain form with JavaScript off,
// at a phone's width: the browser posts it, follows the 303 to the task
// page, and that page refreshes itself from «En cola» to «Completada».
// The one worker is held on another task first, so the form's task must
// wait in the queue.
func TestBrowserUploadWithoutScript(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, false, 360, 740)
	s := startServer(t, "-w", "1")
	base := s.base()
	img := copyAs(t, goldenImage(t, "video-001.png"), t.TempDir(), "mi captura.png")

	b.do(30*time.Second, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("enviar")))
	if eval[bool](b, `document.getElementById('imagen').multiple || !document.getElementById('zona-ayuda').hidden`) {
		t.Fatal("app.js corrió con JavaScript desactivado")
	}
	b.checkAccessible("página de subida sin JavaScript")

	// Hold the only worker on a task (SIGSTOP), so that the form's task
	// waits in the queue until the test lets the worker go on.
	pids := workerPIDs(t, s.cmd.Process.Pid)
	if len(pids) != 1 {
		t.Fatalf("con -w 1 el servidor tiene los hijos %v", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() {
		if !released {
			released = true
			syscall.Kill(pids[0], syscall.SIGCONT)
		}
	}
	defer release()
	busy := upload(t, base, photo(t), "")
	waitState(t, base, busy, 10*time.Second, func(st status) bool { return st.State != "En cola" })
	b.do(30*time.Second,
		chromedp.SendKeys(chromedp.ID("escala"), "0.5"),
		chromedp.SendKeys(chromedp.ID("formato"), "PNG"), // typing selects the option, as a keyboard user does
		chromedp.SetUploadFiles(chromedp.ID("imagen"), []string{img}),
		chromedp.Click(chromedp.ID("enviar")),
		chromedp.WaitVisible(chromedp.ID("estado")),
	)
	loc := eval[string](b, `location.pathname`)
	id, ok := strings.CutPrefix(loc, "/estado/")
	if !ok || !uuidRE.MatchString(id) {
		t.Fatalf("tras enviar el formulario la página es %q; se esperaba /estado/<id>", loc)
	}
	var states []string
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.getElementById('estado') || {}).textContent || ''`))
		if err == nil && st != "" && (len(states) == 0 || states[len(states)-1] != st) {
			states = append(states, st)
		}
		if st == "Completada" || st == "Error" {
			break
		}
		if st == "En cola" {
			release() // seen queued: let the worker go on
		}
		if time.Now().After(deadline) {
			t.Fatalf("la página de la tarea no llegó a «Completada»: %q", states)
		}
	}
	t.Logf("estados vistos en la página de la tarea: %q", states)
	if states[0] != "En cola" || states[len(states)-1] != "Completada" {
		t.Errorf("estados vistos en la página: %q; se esperaba de «En cola» a «Completada»", states)
	}
	b.do(30*time.Second, chromedp.WaitVisible(chromedp.ID("descargar")))
	type shown struct {
		Href, Name, Caption, Alt string
		Width                    int
	}
	got := eval[shown](b, `(() => {
		const a = document.getElementById('descargar'), img = document.querySelector('figure.resultado img');
		return {Href: a.href, Name: a.getAttribute('download'), Caption: document.querySelector('figcaption').textContent,
			Alt: img.alt, Width: img.naturalWidth};
	})()`)
	if got.Name != "mi captura_procesada.png" || got.Width != 75 || !strings.Contains(got.Caption, "75 × 51 píxeles") ||
		!strings.Contains(got.Alt, "mi captura.png") {
		t.Errorf("página de la tarea: %+v", got)
	}
	download(t, base, got.Href, "png", "mi captura_procesada.png", 75, 51, true)
	b.checkAccessible("página de la tarea")

	// An unknown id is a 404 page.
	resp := get(t, base+"/estado/6f1c1e8a-0000-4000-8000-000000000000", "Accept", "text/html")
	if resp.status != 404 || !strings.Contains(string(resp.body), "Tarea no encontrada") {
		t.Errorf("id desconocido: %d %q", resp.status, resp.body)
	}
	b.checkOnlyServer(base)
}
