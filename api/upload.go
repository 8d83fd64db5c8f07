package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"strings"
	"time"

	"procesa/imgproc"
	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// syncWaitLimit bounds how long a synchronous request waits for its task:
// the queue, then at most the worker's time limit.
const syncWaitLimit = 10 * time.Minute

// retryAfter goes with a 503 for a full queue.
var retryAfter = proto.Field{Name: "Retry-After", Value: "5"}

var (
	errQueueFull  = &apiError{503, "la cola de tareas está llena; inténtelo más tarde"}
	errEmptyBody  = &apiError{400, "falta la imagen: el cuerpo está vacío"}
	errNoFilePart = &apiError{400, "el formulario no trae ningún archivo"}
	errBadForm    = &apiError{400, "formulario multipart mal formado"}
	errNotImage   = &apiError{415, "el contenido no es una imagen en un formato admitido (JPEG, PNG, GIF, BMP, TIFF, WebP)"}
	errStore      = &apiError{500, "no se pudo guardar la imagen"}
	errTimeout    = &apiError{504, "la tarea no terminó a tiempo"}
	errStopping   = &apiError{503, "el servidor se está deteniendo; la tarea no terminó"}
)

// apiError is an error reply with a fixed Spanish message.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Status() int   { return e.status }

// upload serves POST /procesar, POST /, PUT /<nombre> and, with body set,
// GET /<nombre> under --directorio: it stores the image as a new task and
// answers 202 with the task id, or with the result itself for esperar=1.
func (h *Handler) upload(w *netio.ResponseWriter, r *proto.Request, body io.Reader) int {
	q, err := parseQuery(r.RawQuery)
	if err != nil {
		return replyError(w, err)
	}
	opts, wait, err := parseOptions(q, h.cfg.Defaults)
	if err != nil {
		return replyError(w, err)
	}
	if h.cfg.Store.Full() {
		// Refused before reading a byte, so curl's Expect: 100-continue
		// gets the answer at once.
		w.ErrorStatus(503, errQueueFull.msg, proto.Header{retryAfter})
		return 503
	}
	src := &sourceReader{r: body}
	if body == nil {
		src.r = r.Body
		img, err := requestImage(r.Header.Get("Content-Type"), src)
		if err != nil {
			return replyError(w, err)
		}
		body = img
	} else {
		body = src // a --directorio file: its read errors are ours, not a form's
	}
	t, err := h.accept(body, src, opts, wait)
	switch {
	case errors.Is(err, tasks.ErrQueueFull):
		w.ErrorStatus(503, errQueueFull.msg, proto.Header{retryAfter})
		return 503
	case err != nil:
		return replyError(w, err)
	}
	if wait {
		return h.sendWhenDone(w, t.ID)
	}
	b := make([]byte, 0, 192)
	b = append(b, `{"id_tarea":"`...)
	b = append(b, t.ID...)
	b = append(b, `","estado":"En cola","estado_url":"/estado/`...)
	b = append(b, t.ID...)
	b = append(b, `","resultado_url":"/resultado/`...)
	b = append(b, t.ID...)
	b = append(b, "\"}\n"...)
	w.Send(202, proto.Header{jsonType, {Name: "Location", Value: "/estado/" + t.ID}}, b)
	return 202
}

// sourceReader remembers the first error reading the client's body, to
// tell it from a failure to store the body, and from a malformed form.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// maxFormHeads bounds what a form may send as part heads before its
// image: mime/multipart keeps a part's head in memory, up to 10 MiB each.
const maxFormHeads = 64 << 10

var errFormHeads = &apiError{400, "las cabeceras de las partes del formulario son demasiado grandes"}

// headBudget is the body as the multipart reader sees it: while on (the
// reader is looking for the next part and reading its head), it reads at
// most left bytes in all, then fails with errFormHeads. Part contents are
// read with it off: a field skipped or the image is streamed, not kept.
type headBudget struct {
	r    io.Reader
	left int
	on   bool
}

func (b *headBudget) Read(p []byte) (int, error) {
	if !b.on {
		return b.r.Read(p)
	}
	if b.left <= 0 {
		return 0, errFormHeads
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	return n, err
}

// requestImage returns the image in a body of Content-Type ct: the body
// itself, or the first file part of a multipart/form-data body.
func requestImage(ct string, body *sourceReader) (io.Reader, error) {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/form-data") {
		return body, nil
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil || params["boundary"] == "" {
		return nil, errBadForm
	}
	heads := &headBudget{r: body, left: maxFormHeads}
	mr := multipart.NewReader(heads, params["boundary"])
	for {
		heads.on = true
		part, err := mr.NextPart()
		heads.on = false
		switch {
		case body.err != nil:
			return nil, body.err
		case errors.Is(err, errFormHeads):
			return nil, errFormHeads
		case err == io.EOF:
			return nil, errNoFilePart
		case err != nil:
			return nil, errBadForm
		}
		if part.FileName() != "" {
			return part, nil
		}
		// A plain field, unless it holds an image all the same (curl -F
		// 'imagen=<foto.jpg' sends the file as a field): skip it.
		pr := bufio.NewReaderSize(part, 64)
		if sig, _ := pr.Peek(16); imgproc.Sniff(sig) != "" {
			return pr, nil
		}
		if body.err != nil {
			return nil, body.err
		}
		if _, err := io.Copy(io.Discard, pr); err != nil {
			if body.err != nil {
				return nil, body.err
			}
			return nil, errBadForm
		}
	}
}

// accept streams body to disk, checks that it is an image within the
// limits, and commits it as a task.
// src is the client's body under body (they are one reader unless body is a
// multipart part).
func (h *Handler) accept(body io.Reader, src *sourceReader, opts imgproc.Options, sync bool) (tasks.Task, error) {
	up, err := h.cfg.Store.NewUpload()
	if err != nil {
		h.cfg.Logger.Error("no se pudo crear el archivo de subida", "error", err)
		return tasks.Task{}, h.storeFailed(err)
	}
	committed := false
	defer func() {
		if !committed {
			up.Abort()
		}
	}()
	if _, err := io.Copy(up, body); err != nil {
		var fileErr *fs.PathError
		switch {
		case errors.As(err, &fileErr):
			h.cfg.Logger.Error("no se pudo guardar la subida", "error", err)
			return tasks.Task{}, h.storeFailed(err)
		case src.err != nil:
			return tasks.Task{}, src.err
		}
		return tasks.Task{}, errBadForm // the multipart part broke, not the body
	}
	if up.Size() == 0 {
		return tasks.Task{}, errEmptyBody
	}
	head, _ := up.Head(false)
	if err := checkImage(head, up.Size(), opts, func() ([]byte, error) { return up.Head(true) }); err != nil {
		return tasks.Task{}, err
	}
	o, _ := json.Marshal(opts)
	t, err := up.Commit(o, opts.Ext(), opts.ContentType(), sync)
	if err != nil && !errors.Is(err, tasks.ErrQueueFull) {
		h.cfg.Logger.Error("no se pudo guardar la tarea", "error", err)
		return t, h.storeFailed(err)
	}
	committed = err == nil
	if committed {
		h.disk.sawSpace()
	}
	return t, err
}

// checkImage checks that head, the first bytes of an image of size bytes,
// is an image we read within the limits of opts (415, 413, 422...). whole
// returns all the bytes, for a header that lies beyond head (big EXIF or
// ICC data).
func checkImage(head []byte, size int64, opts imgproc.Options, whole func() ([]byte, error)) error {
	if imgproc.Sniff(head) == "" {
		return errNotImage
	}
	_, err := imgproc.Check(head, opts)
	if err == nil || size == int64(len(head)) {
		return err
	}
	all, rerr := whole()
	if rerr != nil {
		return errStore
	}
	_, err = imgproc.Check(all, opts)
	return err
}

// sendWhenDone waits for the task and replies with its result, or with
// {"error": …} and the task's failure status.
func (h *Handler) sendWhenDone(w *netio.ResponseWriter, id string) int {
	ctx, cancel := context.WithTimeout(context.Background(), syncWaitLimit)
	defer cancel()
	t, err := h.cfg.Store.Wait(ctx, id)
	if err != nil {
		return replyError(w, err)
	}
	switch t.State {
	case tasks.Done:
		return h.sendResult(w, id)
	case tasks.Failed:
		var h proto.Header
		if t.ErrStatus == 507 {
			h = proto.Header{netio.RetryAfterDiskFull}
		}
		w.ErrorStatus(t.ErrStatus, t.Error, h)
		return t.ErrStatus
	}
	if ctx.Err() == nil {
		return replyError(w, errStopping)
	}
	return replyError(w, errTimeout)
}
