package api

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"procesa/imgproc"
	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// The browser pages: templates and static files embedded in the binary
// (web/), rendered with html/template, so a file name, a parameter or an
// error message is always text, never markup. The pages load only files
// of this server (/estaticos/…), and say so to the browser with a
// Content-Security-Policy: no inline script or style, no other host.

//go:embed web
var webFiles embed.FS

var pages = template.Must(template.New("").ParseFS(webFiles, "web/*.html"))

// staticFiles are the files under /estaticos/.
var staticFiles = func() fs.FS {
	sub, err := fs.Sub(webFiles, "web/estaticos")
	if err != nil {
		panic(err)
	}
	return sub
}()

var (
	htmlType  = proto.Field{Name: "Content-Type", Value: "text/html; charset=utf-8"}
	cspField  = proto.Field{Name: "Content-Security-Policy", Value: "default-src 'self'"}
	nosniff   = proto.Field{Name: "X-Content-Type-Options", Value: "nosniff"}
	noCache   = proto.Field{Name: "Cache-Control", Value: "no-cache"}
	pageHeads = proto.Header{htmlType, cspField, nosniff, varyAccept, noCache}
)

// sendPage renders the template name with data and sends it with status.
func (h *Handler) sendPage(w *netio.ResponseWriter, status int, name string, data any, extra ...proto.Field) int {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		h.cfg.Logger.Error("no se pudo generar la página", "plantilla", name, "error", err)
		return sendError(w, 500, "error interno del servidor")
	}
	w.Send(status, append(pageHeads[:len(pageHeads):len(pageHeads)], extra...), b.Bytes())
	return status
}

// head is what every page's head shows: its title and, for a page that
// refreshes itself, the seconds between refreshes.
type head struct {
	Title   string
	Refresh int
}

// notice is the data of aviso.html: a page with one message.
type notice struct {
	head
	Message  string
	Link     string
	LinkText string
}

// errorPage replies err as a page, with the status of replyError.
func (h *Handler) errorPage(w *netio.ResponseWriter, err error) int {
	status, msg := h.errorReply(err)
	var extra []proto.Field
	if status == 503 {
		extra = append(extra, retryAfter)
	}
	return h.sendPage(w, status, "aviso.html", notice{
		head: head{Title: "No se pudo procesar"}, Message: msg, Link: "/", LinkText: "Volver a intentarlo",
	}, extra...)
}

// seeOther answers a browser's form upload: 303 See Other to its task page.
func (h *Handler) seeOther(w *netio.ResponseWriter, to string) int {
	return h.sendPage(w, 303, "aviso.html", notice{
		head: head{Title: "Imagen recibida"}, Message: "La tarea está en cola.", Link: to, LinkText: "Ver la tarea",
	}, proto.Field{Name: "Location", Value: to})
}

// uploadPage is the data of inicio.html: the form, with the server's
// defaults selected, so that a form sent unchanged asks for them.
type uploadPage struct {
	head
	Scale   string
	Quality int
	Gray    bool
	PNG     bool
	Filter  string
	Filters []filterChoice
}

type filterChoice struct{ Value, Label string }

// servePage serves GET / for a browser.
func (h *Handler) servePage(w *netio.ResponseWriter) int {
	d := h.cfg.Defaults
	return h.sendPage(w, 200, "inicio.html", uploadPage{
		head:    head{Title: "Procesar imágenes"},
		Scale:   strconv.FormatFloat(d.Scale, 'g', -1, 64),
		Quality: d.Quality,
		Gray:    d.Gray,
		PNG:     d.Format == imgproc.FormatPNG,
		Filter:  d.Filter,
		Filters: []filterChoice{
			{imgproc.FilterBicubic, "Bicúbico (el más suave)"},
			{imgproc.FilterBilinear, "Bilineal"},
			{imgproc.FilterNearest, "Vecino más cercano (píxeles nítidos)"},
		},
	})
}

// taskPage is the data of tarea.html.
type taskPage struct {
	head
	ID, Name, State, StateText, Class string
	Finished, Done, Failed            bool
	ResultURL, DownloadName           string
	Width, Height                     int
	Size, Duration, Error             string
}

// stateText says what each state means, for the task page.
var stateText = map[tasks.State]string{
	tasks.Queued:  "esperando un proceso de trabajo libre.",
	tasks.Running: "un proceso de trabajo la está procesando.",
	tasks.Done:    "el resultado está listo.",
	tasks.Failed:  "no se pudo procesar.",
}

// serveTaskPage serves GET /estado/<id> for a browser: the task's state in
// words, refreshed (a meta refresh, no script needed) until it ends; then
// the result with its size, duration and a download link, or the reason it
// failed. An unknown id gets a 404 page.
func (h *Handler) serveTaskPage(w *netio.ResponseWriter, id string) int {
	t, ok := h.cfg.Store.Get(id)
	if !ok {
		return h.sendPage(w, 404, "aviso.html", notice{
			head:     head{Title: "Tarea no encontrada"},
			Message:  "No hay ninguna tarea con ese id: quizá caducó, o el enlace está mal copiado.",
			Link:     "/",
			LinkText: "Procesar una imagen",
		})
	}
	p := taskPage{
		head: head{Title: "Tarea " + string(t.State)},
		ID:   t.ID, Name: t.Name, State: string(t.State), StateText: stateText[t.State],
		Finished: t.State.Finished(), Done: t.State == tasks.Done, Failed: t.State == tasks.Failed,
	}
	switch t.State {
	case tasks.Queued, tasks.Running:
		p.Refresh, p.Class = 1, "pendiente"
	case tasks.Done:
		p.Class = "completada"
		p.ResultURL = "/resultado/" + t.ID
		p.DownloadName = downloadName(nameOr(t.Name, t.ID), t.Ext)
		p.Width, p.Height = t.Width, t.Height
		p.Size = humanBytes(t.Bytes)
		p.Duration = humanDuration(t.Duration())
	case tasks.Failed:
		p.Class, p.Error = "error", t.Error
	}
	return h.sendPage(w, 200, "tarea.html", p)
}

func nameOr(name, def string) string {
	if name == "" {
		return def
	}
	return name
}

// humanBytes writes a size the Spanish way: "812 bytes", "14,2 KiB".
func humanBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	f, unit := float64(n)/1024, "KiB"
	if f >= 1024 {
		f, unit = f/1024, "MiB"
	}
	return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1) + " " + unit
}

// humanDuration writes a processing time: "85 ms", "1,25 s".
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 2, 64), ".", ",", 1) + " s"
}

// staticTypes are the Content-Types of the files under /estaticos/.
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// serveStatic serves GET /estaticos/<archivo>: the page's script, style
// sheet and icon, from the binary.
func (h *Handler) serveStatic(w *netio.ResponseWriter, name string) int {
	ct, known := staticTypes[path.Ext(name)]
	if !known || !fs.ValidPath(name) {
		return notFound(w, "ruta no encontrada")
	}
	b, err := fs.ReadFile(staticFiles, name)
	if err != nil {
		return notFound(w, "ruta no encontrada")
	}
	w.Send(200, proto.Header{{Name: "Content-Type", Value: ct}, nosniff, noCache}, b)
	return 200
}
