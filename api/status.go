package api

import (
	"context"
	"io"
	"strings"

	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// status serves GET /estado/<id>: the task's status as JSON, as one line
// for a client that prefers text/plain (netcat users), or as a page for a
// browser.
func (h *Handler) status(w *netio.ResponseWriter, r *proto.Request, id string) int {
	accept := parseAccept(r.Header.Get("Accept"))
	if accept.prefersHTML() {
		return h.serveTaskPage(w, id)
	}
	bp := h.buffer()
	defer h.bufs.Put(bp)
	b, code, st := statusJSON((*bp)[:0], h.cfg.Store, id)
	if accept.prefersText() {
		b = append(append(b[:0], st...), '\n')
		w.Send(code, proto.Header{textType, varyAccept}, b)
	} else {
		w.Send(code, proto.Header{jsonType, varyAccept}, b)
	}
	*bp = b
	return code
}

// statusJSON appends to b the status JSON of the task with id in store,
// and returns it with the reply's code (200, or 404 for an unknown id)
// and the state it shows. It does not allocate when b has room.
func statusJSON(b []byte, store *tasks.Store, id string) (_ []byte, code int, state string) {
	t, ok := store.Get(id)
	if !ok {
		return appendNotFound(b, id), 404, stateNotFound
	}
	return appendStatus(b, &t), 200, string(t.State)
}

func (h *Handler) buffer() *[]byte {
	if bp, ok := h.bufs.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, 512)
	return &b
}

// result serves GET /resultado/<id>: the image once the task is done, 409
// with the status while it is not (or when it failed), 404 when unknown.
// With esperar=1 it first waits for the task to finish.
func (h *Handler) result(w *netio.ResponseWriter, r *proto.Request, id string) int {
	q, err := parseQuery(r.RawQuery)
	if err != nil {
		return h.replyError(w, err)
	}
	wait, err := parseWait(q)
	if err != nil {
		return h.replyError(w, err)
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
		if t, ok := h.cfg.Store.Get(id); ok {
			w.Send(409, proto.Header{jsonType}, appendStatus(nil, &t))
			return 409
		}
		w.Send(404, proto.Header{jsonType}, appendNotFound(nil, id))
		return 404
	}
	defer f.Close()
	hdr := proto.Header{{Name: "Content-Type", Value: t.Type}, {Name: "X-Id-Tarea", Value: t.ID}}
	if t.Name != "" {
		hdr = append(hdr, proto.Field{Name: "Content-Disposition", Value: contentDisposition(downloadName(t.Name, t.Ext))})
	}
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
	b := appendHealth(nil, state, alive, h.cfg.Store.Queued(), h.appendHealthExtras)
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
		return h.replyError(w, errDirTooBig)
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
		return h.replyError(w, err)
	}
	opts, wait, err := parseOptions(q, h.cfg.Defaults)
	if err != nil {
		return h.replyError(w, err)
	}
	if h.cfg.Store.Full() {
		return h.replyError(w, tasks.ErrQueueFull)
	}
	head, err := io.ReadAll(io.LimitReader(f, tasks.HeadSize)) // as much as an upload gives checkImage
	if err != nil {
		return h.replyError(w, errStore)
	}
	whole := func() ([]byte, error) {
		rest, err := io.ReadAll(f)
		return append(head, rest...), err
	}
	if err := checkImage(head, size, opts, whole); err != nil {
		return h.replyError(w, err)
	}
	if wait {
		w.SendReader(200, proto.Header{{Name: "Content-Type", Value: opts.ContentType()}}, -1, nil)
		return 200
	}
	w.SendReader(202, proto.Header{jsonType}, -1, nil)
	return 202
}
