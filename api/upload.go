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
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"procesa/imgproc"
	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// syncWaitLimit bounds how long a synchronous request waits for its task:
// the queue, then at most the worker's time limit.
const syncWaitLimit = 10 * time.Minute

// upload serves POST /procesar, POST /, PUT /<nombre> and, with body set,
// GET /<nombre> under --directorio: it stores the image as a new task and
// answers 202 with the task id, or with the result itself for esperar=1.
// A browser (its Accept prefers HTML) gets 303 See Other to the task's
// page instead of the 202, and its errors as a page.
func (h *Handler) upload(w *netio.ResponseWriter, r *proto.Request, body io.Reader) int {
	browser := wantsHTML(r.Header.Get("Accept"))
	fail := func(err error) int {
		if browser {
			return h.errorPage(w, err)
		}
		return h.replyError(w, err, varyAccept)
	}
	q, err := parseQuery(r.RawQuery)
	if err != nil {
		return fail(err)
	}
	opts, wait, err := parseOptions(q, h.cfg.Defaults)
	if err != nil {
		return fail(err)
	}
	if h.cfg.Store.Full() {
		// Refused before reading a byte, so curl's Expect: 100-continue
		// gets the answer at once (step 3 in proto's Request.applyFields).
		return fail(tasks.ErrQueueFull)
	}
	var name string // the client's name for the image
	if p := r.Path; p != "/" && p != "/procesar" {
		name = cleanName(p) // PUT /<nombre>, GET /<nombre> under --directorio
	}
	src := &sourceReader{r: body}
	if body == nil {
		src.r = r.Body
		form, err := requestImage(r.Header.Get("Content-Type"), src)
		if err != nil {
			return fail(err)
		}
		body = form.image
		if form.name != "" {
			name = form.name
		}
		if len(form.fields) > 0 {
			// The parameters of an HTML form come as fields before the
			// file; the query string, read first, wins over them.
			for k, v := range form.fields {
				q[k] = append(q[k], v...)
			}
			if opts, wait, err = parseOptions(q, h.cfg.Defaults); err != nil {
				return fail(err)
			}
		}
	} else {
		body = src // a --directorio file: its read errors are ours, not a form's
	}
	t, err := h.accept(body, src, opts, name, wait)
	if err != nil {
		return fail(err)
	}
	switch {
	case wait:
		return h.sendWhenDone(w, t.ID)
	case browser:
		// Post/Redirect/Get: reloading the task page does not upload again.
		return h.seeOther(w, "/estado/"+t.ID)
	}
	// X-Id-Tarea, as on a synchronous answer, lets a load balancer learn
	// which node holds the task (deploy/haproxy.cfg).
	b := appendAccepted(make([]byte, 0, 192), t.ID)
	w.Send(202, proto.Header{jsonType, varyAccept, {Name: "Location", Value: "/estado/" + t.ID}, {Name: "X-Id-Tarea", Value: t.ID}}, b)
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

// copyBufs holds the buffers an upload is copied through to its file:
// 256 KiB, eight times io.Copy's own, so that a large upload takes an
// eighth of the read and write calls (a 4.4 MB photo: about 40 of each
// instead of 150, each of which costs microseconds in a virtual machine).
var copyBufs = sync.Pool{New: func() any {
	b := make([]byte, 256<<10)
	return &b
}}

// maxFormHeads bounds what a form may send as part heads before its
// image: mime/multipart keeps a part's head in memory, up to 10 MiB each.
const maxFormHeads = 64 << 10

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

// maxFieldBytes bounds the value of a form field read as a parameter.
const maxFieldBytes = 1 << 10

// form is what requestImage found in a request body.
type form struct {
	image  io.Reader  // the image's bytes
	name   string     // the file name the form gave it, cleaned; or ""
	fields url.Values // the parameter fields before the image, if any
}

// formFileName undoes what browsers do to a file name in a form
// (WHATWG HTML, multipart/form-data encoding): they send '"' as %22 and
// CR and LF as %0D and %0A, the only bytes they escape.
var formFileName = strings.NewReplacer("%22", `"`, "%0D", "\r", "%0A", "\n", "%0d", "\r", "%0a", "\n")

// requestImage returns the image in a body of Content-Type ct: the body
// itself, or the first file part of a multipart/form-data body, with its
// file name and the non-empty parameter fields (escala, formato, …) sent
// before it, as an HTML form sends them.
func requestImage(ct string, body *sourceReader) (form, error) {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/form-data") {
		return form{image: body}, nil
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil || params["boundary"] == "" {
		return form{}, errBadForm
	}
	heads := &headBudget{r: body, left: maxFormHeads}
	mr := multipart.NewReader(heads, params["boundary"])
	var fields url.Values
	for {
		heads.on = true
		part, err := mr.NextPart()
		heads.on = false
		switch {
		case body.err != nil:
			return form{}, body.err
		case errors.Is(err, errFormHeads):
			return form{}, errFormHeads
		case err == io.EOF:
			return form{}, errNoFilePart
		case err != nil:
			return form{}, errBadForm
		}
		if fn := part.FileName(); fn != "" {
			return form{image: part, name: cleanName(formFileName.Replace(fn)), fields: fields}, nil
		}
		// A plain field, unless it holds an image all the same (curl -F
		// 'imagen=<foto.jpg' sends the file as a field).
		pr := bufio.NewReaderSize(part, 64)
		if sig, _ := pr.Peek(16); imgproc.Sniff(sig) != "" {
			return form{image: pr, fields: fields}, nil
		}
		if body.err != nil {
			return form{}, body.err
		}
		key := part.FormName()
		if !slices.Contains(queryParams[:], key) {
			key = "" // not ours: skipped
		}
		// A parameter's value is short; the rest of any field is skipped,
		// not kept.
		val, err := io.ReadAll(io.LimitReader(pr, maxFieldBytes+1))
		if err == nil {
			_, err = io.Copy(io.Discard, pr)
		}
		if err != nil {
			if body.err != nil {
				return form{}, body.err
			}
			return form{}, errBadForm
		}
		switch {
		case key == "" || len(val) == 0:
		case len(val) > maxFieldBytes:
			return form{}, badParam(key, "el valor es demasiado largo")
		default:
			if fields == nil {
				fields = url.Values{}
			}
			fields[key] = append(fields[key], string(val))
		}
	}
}

// accept streams body to disk, checks that it is an image within the
// limits, and commits it as a task. src is the client's body under body
// (they are one reader unless body is a multipart part); name is the
// client's name for the image, or "". clientWaits marks a synchronous
// request (see tasks.Task.ClientWaits).
func (h *Handler) accept(body io.Reader, src *sourceReader, opts imgproc.Options, name string, clientWaits bool) (tasks.Task, error) {
	up, err := h.cfg.Store.NewUpload()
	if err != nil {
		h.cfg.Logger.Error("no se pudo crear el archivo de subida", "error", err)
		return tasks.Task{}, storeFailed(err)
	}
	committed := false
	defer func() {
		if !committed {
			up.Abort()
		}
	}()
	buf := copyBufs.Get().(*[]byte)
	_, err = io.CopyBuffer(up, body, *buf)
	copyBufs.Put(buf)
	if err != nil {
		var fileErr *fs.PathError
		switch {
		case errors.Is(err, tasks.ErrDiskFull):
			return tasks.Task{}, err
		case errors.As(err, &fileErr):
			h.cfg.Logger.Error("no se pudo guardar la subida", "error", err)
			return tasks.Task{}, errStore
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
	t, err := up.Commit(tasks.Spec{Options: o, Name: name, Ext: opts.Ext(), Type: opts.ContentType(), ClientWaits: clientWaits})
	if err != nil && !errors.Is(err, tasks.ErrQueueFull) {
		h.cfg.Logger.Error("no se pudo guardar la tarea", "error", err)
		return t, storeFailed(err)
	}
	committed = err == nil
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
		return h.replyError(w, err)
	}
	switch t.State {
	case tasks.Done:
		return h.sendResult(w, id)
	case tasks.Failed:
		if t.ErrStatus == 507 {
			return sendError(w, t.ErrStatus, t.Error, retryAfterDisk)
		}
		return sendError(w, t.ErrStatus, t.Error)
	}
	if ctx.Err() == nil {
		return h.replyError(w, errStopping)
	}
	return h.replyError(w, errTimeout)
}
