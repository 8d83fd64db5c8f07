package api

import (
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"procesa/imgproc"
	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// Workers is what the API needs to know of the worker pool.
type Workers interface {
	Alive() int
	Procs() int
	Restarts() int64
}

// Config configures a Handler. Store and Workers are required; each other
// field says what zero means.
type Config struct {
	Store   *tasks.Store
	Workers Workers
	// Defaults are the processing options of a request that sets none
	// (the server's -e and --max-pixeles). If zero, imgproc.DefaultOptions.
	Defaults imgproc.Options
	// Dir, if set, is the --directorio root that GET /<nombre> reads from.
	Dir *os.Root
	// MaxBody caps files read from Dir. If zero, 32 MiB.
	MaxBody int64
	// WaitLimit is how long GET /resultado/<id>?esperar=1 waits. If zero, 60 s.
	WaitLimit time.Duration
	// Logger; if nil, slog.Default().
	Logger *slog.Logger
}

// Handler serves the routes of SPEC §4 (as a netio.Handler) and raw mode
// (as a netio.RawHandler). Its methods are safe for concurrent use.
type Handler struct {
	cfg     Config
	metrics *metrics
	bufs    sync.Pool // *[]byte scratch for status replies
	disk    diskState
}

// New returns a Handler for cfg.
func New(cfg Config) *Handler {
	if cfg.Defaults == (imgproc.Options{}) {
		cfg.Defaults = imgproc.DefaultOptions()
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 32 << 20
	}
	if cfg.WaitLimit <= 0 {
		cfg.WaitLimit = 60 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg, metrics: newMetrics()}
}

// Route labels, as /metricas shows them.
const (
	routeUpload    = "procesar"
	routeStatus    = "estado"
	routeResult    = "resultado"
	routeHealth    = "salud"
	routeMetrics   = "metricas"
	routeDirectory = "directorio"
	routeRoot      = "raiz"
	routeOther     = "otra"
	routeRaw       = "crudo"
	routeProtocol  = "protocolo"
)

// ServeHTTP routes one request.
func (h *Handler) ServeHTTP(w *netio.ResponseWriter, r *proto.Request) {
	route, status := h.route(w, r)
	h.metrics.request(route, status)
}

// route serves r and returns its route label and reply status.
func (h *Handler) route(w *netio.ResponseWriter, r *proto.Request) (string, int) {
	p := r.Path
	get := r.Method == "GET" || r.Method == "HEAD"
	switch {
	case p == "/procesar" || p == "/":
		if r.Method == "POST" || r.Method == "PUT" {
			return routeUpload, h.upload(w, r, nil)
		}
		if p == "/" && get {
			return routeRoot, h.help(w)
		}
		return routeUpload, methodNotAllowed(w, "POST, PUT")
	case strings.HasPrefix(p, "/estado/"):
		if !get {
			return routeStatus, methodNotAllowed(w, "GET, HEAD")
		}
		return routeStatus, h.status(w, r, taskID(p[len("/estado/"):]))
	case strings.HasPrefix(p, "/resultado/"):
		if !get {
			return routeResult, methodNotAllowed(w, "GET, HEAD")
		}
		return routeResult, h.result(w, r, taskID(p[len("/resultado/"):]))
	case p == "/salud":
		if !get {
			return routeHealth, methodNotAllowed(w, "GET, HEAD")
		}
		return routeHealth, h.health(w)
	case p == "/metricas":
		if !get {
			return routeMetrics, methodNotAllowed(w, "GET, HEAD")
		}
		return routeMetrics, h.serveMetrics(w)
	case p == "/estado" || p == "/resultado" || strings.HasSuffix(p, "/"):
		return routeOther, notFound(w, "ruta no encontrada")
	}
	// Any other path is /<nombre>: PUT uploads (curl -T), GET reads it from
	// --directorio when that is on.
	switch {
	case r.Method == "PUT":
		return routeUpload, h.upload(w, r, nil)
	case get && h.cfg.Dir != nil:
		return routeDirectory, h.directory(w, r)
	case get:
		return routeOther, notFound(w, "ruta no encontrada")
	case h.cfg.Dir != nil:
		return routeOther, methodNotAllowed(w, "GET, HEAD, PUT")
	}
	return routeOther, methodNotAllowed(w, "PUT")
}

// taskID returns the id in a status or result path in the lower case the
// store uses: UUIDs are case-insensitive (RFC 9562), so an id typed in
// capitals finds its task. It allocates only for such an id.
func taskID(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// CountReply counts a reply netio made itself (a protocol error); it is
// netio.Server.OnReply.
func (h *Handler) CountReply(status int) { h.metrics.request(routeProtocol, status) }

var jsonType = proto.Field{Name: "Content-Type", Value: "application/json; charset=utf-8"}

func methodNotAllowed(w *netio.ResponseWriter, allow string) int {
	w.ErrorStatus(405, "método no permitido en esta ruta", proto.Header{{Name: "Allow", Value: allow}})
	return 405
}

func notFound(w *netio.ResponseWriter, msg string) int {
	w.ErrorStatus(404, msg, nil)
	return 404
}

// replyError replies err (see netio.ResponseWriter.Error) and returns the
// status it chose.
func replyError(w *netio.ResponseWriter, err error) int {
	w.Error(err)
	return w.Status()
}

const helpText = `procesa: servidor de procesamiento de imágenes

  POST /procesar          sube una imagen (cuerpo crudo o multipart/form-data)
  PUT  /<nombre>          lo mismo, para curl -T
  GET  /estado/<id>       estado de una tarea (JSON; texto con Accept: text/plain)
  GET  /resultado/<id>    imagen procesada
  GET  /salud             estado del servidor
  GET  /metricas          métricas en formato Prometheus

Parámetros: escala, ancho, alto, gris, formato, calidad, filtro, esperar.
Ejemplo: curl -F imagen=@foto.jpg 'http://localhost:8090/procesar?escala=0.5'
`

func (h *Handler) help(w *netio.ResponseWriter) int {
	w.Send(200, proto.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}, []byte(helpText))
	return 200
}
