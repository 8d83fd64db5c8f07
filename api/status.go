package api

import (
	"context"
	"io"
	"strconv"
	"strings"

	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

var textType = proto.Field{Name: "Content-Type", Value: "text/plain; charset=utf-8"}

// status serves GET /estado/<id>: the task's status as JSON, or as one line
// for a client that accepts text/plain (netcat users).
func (h *Handler) status(w *netio.ResponseWriter, r *proto.Request, id string) int {
	bp := h.buffer()
	defer h.bufs.Put(bp)
	text := wantsText(r.Header.Get("Accept"))
	b, st, ok := h.cfg.Store.AppendStatus((*bp)[:0], id)
	code := 200
	if !ok {
		code, st = 404, "No encontrado"
		b = appendNotFound(b[:0], id)
	}
	if text {
		b = append(append(b[:0], st...), '\n')
		w.Send(code, proto.Header{textType}, b)
	} else {
		w.Send(code, proto.Header{jsonType}, b)
	}
	*bp = b
	return code
}

func (h *Handler) buffer() *[]byte {
	if bp, ok := h.bufs.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, 512)
	return &b
}

// wantsText reports whether an Accept value prefers text/plain to JSON:
// it lists text/plain with a weight above 0 and above that of
// application/json, if listed (RFC 9110 §12.5.1). Media types compare
// case-insensitively; anything else in the list does not count.
func wantsText(accept string) bool {
	text, json := -1.0, -1.0
	for accept != "" {
		var elem string
		elem, accept, _ = strings.Cut(accept, ",")
		media, params, _ := strings.Cut(elem, ";")
		q := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch media = strings.TrimSpace(media); {
		case strings.EqualFold(media, "text/plain"):
			text = max(text, q)
		case strings.EqualFold(media, "application/json"):
			json = max(json, q)
		}
	}
	return text > 0 && text > json
}

func appendNotFound(b []byte, id string) []byte {
	b = append(b, `{"id_tarea":`...)
	b = netio.AppendJSONString(b, id)
	return append(b, `,"estado":"No encontrado"}`+"\n"...)
}

// result serves GET /resultado/<id>: the image once the task is done, 409
// with the status while it is not (or when it failed), 404 when unknown.
// With esperar=1 it first waits for the task to finish.
func (h *Handler) result(w *netio.ResponseWriter, r *proto.Request, id string) int {
	q, err := parseQuery(r.RawQuery)
	if err != nil {
		return replyError(w, err)
	}
	wait, err := parseWait(q)
	if err != nil {
		return replyError(w, err)
	}
	if wait {
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WaitLimit)
		h.cfg.Store.Wait(ctx, id)
		cancel()
	}
	return h.sendResult(w, id)
}

func (h *Handler) sendResult(w *netio.ResponseWriter, id string) int {
	f, t, err := h.cfg.Store.OpenResult(id)
	if err != nil {
		b, _, ok := h.cfg.Store.AppendStatus(nil, id)
		if !ok {
			w.Send(404, proto.Header{jsonType}, appendNotFound(nil, id))
			return 404
		}
		w.Send(409, proto.Header{jsonType}, b)
		return 409
	}
	defer f.Close()
	hdr := proto.Header{{Name: "Content-Type", Value: t.Type}, {Name: "X-Id-Tarea", Value: t.ID}}
	if err := w.SendReader(200, hdr, t.Bytes, f); err != nil {
		return 200 // the client went away mid-image
	}
	return 200
}

// health serves GET /salud.
func (h *Handler) health(w *netio.ResponseWriter) int {
	alive := h.cfg.Workers.Alive()
	code, state := 200, "ok"
	if alive == 0 {
		code, state = 503, "sin procesos de trabajo"
	}
	b := netio.AppendJSONString([]byte(`{"estado":`), state)
	b = append(b, `,"procesos":`...)
	b = strconv.AppendInt(b, int64(alive), 10)
	b = append(b, `,"en_cola":`...)
	b = strconv.AppendInt(b, int64(h.cfg.Store.Queued()), 10)
	b = h.appendHealthExtras(b)
	b = append(b, "}\n"...)
	w.Send(code, proto.Header{jsonType}, b)
	return code
}

// directory serves GET /<nombre> under --directorio: the file is read
// through an os.Root, so no name escapes the directory, and processed like
// an upload.
func (h *Handler) directory(w *netio.ResponseWriter, r *proto.Request) int {
	name := strings.TrimPrefix(r.Path, "/")
	f, err := h.cfg.Dir.Open(name)
	if err != nil {
		return notFound(w, "no existe esa imagen en el directorio")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return notFound(w, "no existe esa imagen en el directorio")
	}
	if info.Size() > h.cfg.MaxBody {
		return replyError(w, &apiError{413, "la imagen del directorio supera el tamaño máximo"})
	}
	if r.Method == "HEAD" {
		return h.headDirectory(w, r, f, info.Size())
	}
	return h.upload(w, r, io.LimitReader(f, h.cfg.MaxBody))
}

// headDirectory answers HEAD /<nombre>. HEAD must not change anything, so
// it creates no task: it tells from the image's header what GET would
// answer. That is the same 400, 413, 415, 422 or 503, or else GET's status
// and type (202 and JSON; with esperar=1, 200 and the output's type), with
// no Content-Length: that content would exist only once made.
func (h *Handler) headDirectory(w *netio.ResponseWriter, r *proto.Request, f io.Reader, size int64) int {
	q, err := parseQuery(r.RawQuery)
	if err != nil {
		return replyError(w, err)
	}
	opts, wait, err := parseOptions(q, h.cfg.Defaults)
	if err != nil {
		return replyError(w, err)
	}
	if h.cfg.Store.Full() {
		w.ErrorStatus(503, errQueueFull.msg, proto.Header{retryAfter})
		return 503
	}
	head, err := io.ReadAll(io.LimitReader(f, tasks.HeadSize)) // as much as an upload gives checkImage
	if err != nil {
		return replyError(w, errStore)
	}
	whole := func() ([]byte, error) {
		rest, err := io.ReadAll(f)
		return append(head, rest...), err
	}
	if err := checkImage(head, size, opts, whole); err != nil {
		return replyError(w, err)
	}
	if wait {
		w.SendReader(200, proto.Header{{Name: "Content-Type", Value: opts.ContentType()}}, -1, nil)
		return 200
	}
	w.SendReader(202, proto.Header{jsonType}, -1, nil)
	return 202
}
