package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"procesa/proto"
)

// Polling of the task's status: the first wait is pollMin, each next one
// pollGrowth times longer, up to pollMax.
const (
	pollMin    = 100 * time.Millisecond
	pollMax    = time.Second
	pollGrowth = 1.5
	// syncTimeout is how long the synchronous mode waits for the processed
	// image once the upload is complete.
	syncTimeout = 10 * time.Minute
	// maxUploadRetries is how many times an upload is tried again while the
	// server answers 503 with Retry-After (queue full): up to 1+3 tries in
	// all. maxRetryWait is the longest wait between two tries.
	maxUploadRetries = 3
	maxRetryWait     = 30 * time.Second
	// Once the task is accepted, a status poll or the download that fails
	// because the server cannot be reached (it may be restarting, and its
	// tasks survive a restart) is tried again after reconnectMin, then
	// after waits doubling up to reconnectMax, for at most reconnectFor since
	// the first failure in a row.
	reconnectMin = 500 * time.Millisecond
	reconnectMax = 5 * time.Second
	reconnectFor = 30 * time.Second
)

// Task states reported by GET /estado/<id>.
const (
	stateQueued  = "En cola"
	stateRunning = "En progreso"
	stateDone    = "Completada"
	stateFailed  = "Error"
)

// session is one run of the client: upload, follow, download, save.
type session struct {
	opts   Options
	stdout io.Writer // the task id and the saved file's name, one Write a line
	disp   progress
	c      *conn

	// resultName, if not empty, is the saved file's name without its
	// extension, in the directory the output options give: a batch sets it so
	// that two images never get the same result name.
	resultName string

	taskID string // set once the server has accepted the upload

	expectWait   time.Duration // for tests: see conn.expectWait
	reconnectFor time.Duration // for tests: the constant reconnectFor if zero
}

// taskStatus is the JSON of the 202 answer and of GET /estado/<id>.
type taskStatus struct {
	ID           string `json:"id_tarea"`
	State        string `json:"estado"`
	Error        string `json:"error"`
	StatusURL    string `json:"estado_url"`
	ResultURL    string `json:"resultado_url"`
	Width        int    `json:"ancho"`
	Height       int    `json:"alto"`
	Bytes        int64  `json:"bytes"`
	DurationMsec int64  `json:"duracion_ms"`
}

// run is the whole session: upload the image, then either save the answer
// (synchronous mode) or follow the task and download its result.
func (s *session) run(ctx context.Context) error {
	f, size, err := openImage(s.opts.Image)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkOutput(s.opts.Output, s.opts.Image); err != nil {
		return err
	}
	s.c = newConn(s.opts.Host, s.opts.Port)
	s.c.expectWait = s.expectWait
	defer s.c.close()
	// Connect first, so that a server that is down is reported before any
	// upload is announced.
	if _, err := s.c.open(ctx); err != nil {
		return err
	}
	head, body, err := s.uploadRetrying(ctx, f, size)
	if err != nil {
		return err
	}
	if s.opts.Wait {
		return s.saveImageAnswer(head, body)
	}
	st, err := s.acceptedTask(head, body)
	if err != nil {
		return err
	}
	return s.followAndDownload(ctx, st)
}

// uploadHeader is the header of every upload.
var uploadHeader = header{
	{Name: "User-Agent", Value: "procesa-cliente"},
	{Name: "Content-Type", Value: "application/octet-stream"},
}

// uploadTarget returns the request target of the upload, the options as its
// query parameters, and how long the server may take to start answering once
// the upload is complete.
func (s *session) uploadTarget() (target string, answerTimeout time.Duration) {
	q := url.Values{}
	if s.opts.Scale > 0 {
		q.Set("escala", strconv.FormatFloat(s.opts.Scale, 'g', -1, 64))
	}
	if f := outputFormat(s.opts.Output); f != "" {
		q.Set("formato", f)
	}
	answerTimeout = ioTimeout
	if s.opts.Wait {
		q.Set("esperar", "1")
		answerTimeout = syncTimeout
	}
	target = "/procesar"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	return target, answerTimeout
}

// uploadRetrying uploads the image f of size bytes, showing its progress, and
// returns the server's answer. While the server answers that its queue is full
// (503 with Retry-After), the upload is tried again after the wait it asks
// for, up to maxUploadRetries times.
func (s *session) uploadRetrying(ctx context.Context, f *os.File, size int64) (*proto.ResponseHead, io.Reader, error) {
	target, answerTimeout := s.uploadTarget()
	sent := func(n int64) {
		s.disp.uploaded(n)
		if n == size && s.opts.Wait {
			s.disp.message("Procesando en el servidor...")
		}
	}
	for attempt := 1; ; attempt++ {
		s.disp.startUpload(filepath.Base(s.opts.Image), size)
		head, body, err := s.c.upload(ctx, target, uploadHeader.clone(), f, size, sent, answerTimeout)
		if err != nil {
			s.disp.endLine()
			return nil, nil, err
		}
		s.disp.endUpload()
		wait, ok := retryAfter(head)
		if !ok || attempt > maxUploadRetries {
			return head, body, nil
		}
		// The queue is full: the upload was not kept. Try again later.
		reason, msg := s.serverMessage(head, body)
		s.disp.message(fmt.Sprintf("el servidor está ocupado (%s); se reintenta en %s",
			statusText(head.Status, reason, msg), seconds(wait)))
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, nil, fail(err, "no se pudo volver a leer «%s»", s.opts.Image)
		}
	}
}

// saveImageAnswer saves the answer to a synchronous upload, which is the
// processed image itself when its status is 200.
func (s *session) saveImageAnswer(head *proto.ResponseHead, body io.Reader) error {
	if head.Status != 200 {
		return s.serverError(head, body)
	}
	return s.save(head, body, nil)
}

// acceptedTask reads the answer to an asynchronous upload, 202 with the new
// task's status, and prints the task's id.
func (s *session) acceptedTask(head *proto.ResponseHead, body io.Reader) (taskStatus, error) {
	var st taskStatus
	if head.Status != 202 {
		return st, s.serverError(head, body)
	}
	if err := s.readJSON(body, &st); err != nil {
		return st, err
	}
	if st.ID == "" {
		return st, errors.New("la respuesta del servidor no trae el id de la tarea")
	}
	s.taskID = st.ID
	fmt.Fprintf(s.stdout, "ID de la tarea: %s\n", st.ID)
	return st, nil
}

// followAndDownload follows the accepted task st until it ends and downloads
// its result. A failure that leaves the task on the server says where its
// result can be fetched later.
func (s *session) followAndDownload(ctx context.Context, st taskStatus) error {
	resultURL := pathOr(st.ResultURL, "/resultado/"+url.PathEscape(st.ID))
	final, err := s.follow(ctx, st)
	if err == nil {
		resultURL = pathOr(final.ResultURL, resultURL)
		err = s.download(ctx, resultURL, &final)
	}
	if err != nil && ctx.Err() == nil && stillThere(err) {
		return &taskError{err: err, id: st.ID, url: "http://" + s.c.host + resultURL}
	}
	return err
}

// download fetches the task's result from resultURL and saves it; st is the
// task's final status.
func (s *session) download(ctx context.Context, resultURL string, st *taskStatus) error {
	rc := s.reconnector()
	for {
		head, body, err := s.c.get(ctx, resultURL, proto.Header{{Name: "User-Agent", Value: "procesa-cliente"}})
		if err == nil {
			switch head.Status {
			case 200:
				err = s.save(head, body, st)
			case 404:
				s.c.close()
				return fmt.Errorf("el resultado de la tarea %s ya no está en el servidor (venció o se borró)", st.ID)
			default:
				return s.serverError(head, body)
			}
		}
		if err == nil {
			return nil
		}
		if err := rc.again(ctx, err); err != nil {
			return err
		}
	}
}

// stillThere reports whether err, a failure to follow or fetch an accepted
// task, leaves the task on the server: the server could not be reached or
// failed, or the result could not be saved.
func stillThere(err error) bool {
	var ce *Error
	var se *ServerError
	return errors.As(err, &ce) || errors.As(err, &se) && se.Status >= 500
}

// reconnector returns a new reconnector for s.
func (s *session) reconnector() *reconnector {
	limit := s.reconnectFor
	if limit == 0 {
		limit = reconnectFor
	}
	return &reconnector{disp: s.disp, limit: limit}
}

// reconnector spaces out the retries of a request that failed because the
// server could not be reached, for at most limit since the first failure in a
// row.
type reconnector struct {
	disp  progress
	limit time.Duration

	since time.Time     // first failure in a row; zero after a success
	wait  time.Duration // next wait
}

// again decides about a request that failed with err: if err means the server
// could not be reached and time remains, it says so, waits and returns nil (try
// again); otherwise it returns the error to report.
func (r *reconnector) again(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !connectionLost(err) {
		return err
	}
	now := time.Now()
	if r.since.IsZero() {
		r.since, r.wait = now, reconnectMin
	}
	if now.Add(r.wait).Sub(r.since) > r.limit {
		return &Error{Msg: fmt.Sprintf("%s; se reintentó durante %s", describe(err), seconds(now.Sub(r.since)))}
	}
	r.disp.message(fmt.Sprintf("sin conexión con el servidor: %s; se reintenta en %s", describe(rootCause(err)), seconds(r.wait)))
	if err := sleep(ctx, r.wait); err != nil {
		return err
	}
	r.wait = min(2*r.wait, reconnectMax)
	return nil
}

// ok records a successful request: the next failure starts a new count.
func (r *reconnector) ok() { r.since = time.Time{} }

// connectionLost reports whether err means that the server could not be
// reached or dropped the connection, as it does while restarting. A timeout is
// not: it has already cost a long wait.
func connectionLost(err error) bool {
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// rootCause returns the cause at the bottom of a chain of *Error.
func rootCause(err error) error {
	for {
		var ce *Error
		if !errors.As(err, &ce) || ce.Err == nil {
			return err
		}
		err = ce.Err
	}
}

// header is a request header template, cloned for each use because requests
// add to it.
type header proto.Header

func (h header) clone() proto.Header { return append(proto.Header(nil), h...) }

// retryAfter reports whether head is a "try again later" answer (503 with a
// Retry-After in seconds) and how long to wait, at most maxRetryWait.
func retryAfter(head *proto.ResponseHead) (time.Duration, bool) {
	if head.Status != 503 {
		return 0, false
	}
	secs, err := strconv.Atoi(head.Header.Get("Retry-After"))
	if err != nil || secs < 0 {
		return 0, false
	}
	return min(time.Duration(secs)*time.Second, maxRetryWait), true
}

// follow polls the task's status until it ends, with a growing interval, and
// returns the final status. A task that ends in Error is an error.
func (s *session) follow(ctx context.Context, st taskStatus) (taskStatus, error) {
	statusURL := pathOr(st.StatusURL, "/estado/"+url.PathEscape(st.ID))
	h := proto.Header{{Name: "User-Agent", Value: "procesa-cliente"}, {Name: "Accept", Value: "application/json"}}
	start := time.Now()
	wait := pollMin
	if st.State == "" {
		st.State = stateQueued
	}
	s.disp.status(st.State, 0)
	rc := s.reconnector()
	for {
		if err := sleep(ctx, wait); err != nil {
			return st, err
		}
		wait = min(time.Duration(float64(wait)*pollGrowth), pollMax)
		head, body, err := s.c.get(ctx, statusURL, h)
		var now taskStatus
		if err == nil {
			switch head.Status {
			case 200:
				err = s.readJSON(body, &now)
			case 404:
				s.c.close()
				s.disp.endLine()
				return st, fmt.Errorf("la tarea %s no existe en el servidor (venció o se borró)", st.ID)
			default:
				s.disp.endLine()
				return st, s.serverError(head, body)
			}
		}
		if err != nil {
			s.disp.endLine()
			if err := rc.again(ctx, err); err != nil {
				return st, err
			}
			continue
		}
		rc.ok()
		s.disp.status(now.State, time.Since(start))
		switch now.State {
		case stateQueued, stateRunning:
			// Keep polling; so for a state this client does not know.
		case stateDone:
			s.disp.endLine()
			return now, nil
		case stateFailed:
			s.disp.endLine()
			msg := now.Error
			if msg == "" {
				msg = "sin detalle"
			}
			return now, fmt.Errorf("la tarea %s terminó con error: %s", st.ID, msg)
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pathOr returns p if it is an origin-form path ("/..."), def otherwise.
func pathOr(p, def string) string {
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
		return p
	}
	return def
}

// readJSON reads a small JSON body into v.
func (s *session) readJSON(body io.Reader, v any) error {
	b, err := s.readSmall(body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("el servidor respondió con un JSON no válido: %q", clip(string(b)))
	}
	return nil
}

// readSmall reads a whole body of at most maxSmallBody bytes and releases the
// connection for the next request.
func (s *session) readSmall(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxSmallBody+1))
	if err != nil {
		s.c.close()
		return nil, fail(err, "no se pudo leer la respuesta del servidor")
	}
	if len(b) > maxSmallBody {
		s.c.close()
		return nil, errors.New("la respuesta del servidor es demasiado grande")
	}
	s.c.done()
	return b, nil
}

// serverError reads an error answer and returns it as a *ServerError carrying
// the server's own message (see serverMessage).
func (s *session) serverError(head *proto.ResponseHead, body io.Reader) error {
	reason, msg := s.serverMessage(head, body)
	if ra := head.Header.Get("Retry-After"); ra != "" && head.Status == 503 {
		if _, err := strconv.Atoi(ra); err == nil {
			msg += fmt.Sprintf(" (reintente en %s s)", ra)
		}
	}
	return &ServerError{Status: head.Status, Reason: reason, Msg: msg}
}

// serverMessage reads an error answer and returns what to show of it. A
// procesa server answers with JSON: its "error" field, or its "estado" field,
// is the message and reason is empty. Any other answer is shown by its reason
// phrase and, for a text that is not HTML, the start of its first line: a web
// page is never repeated.
func (s *session) serverMessage(head *proto.ResponseHead, body io.Reader) (reason, msg string) {
	b, err := s.readSmall(body)
	if err != nil {
		b = nil
	}
	var j struct {
		Error string `json:"error"`
		State string `json:"estado"`
	}
	if json.Unmarshal(b, &j) == nil && (j.Error != "" || j.State != "") {
		msg = j.Error
		if msg == "" {
			msg = "la tarea está " + strings.ToLower(j.State)
		}
		return "", clip(msg)
	}
	return clipTo(strings.TrimSpace(head.Reason), maxLineShown), firstLine(head, b)
}

// maxLineShown bounds what is shown of a reason phrase or of the first line of
// a body that is not procesa's JSON.
const maxLineShown = 80

// firstLine returns the start of the first non-empty line of body, or "" for
// an HTML page.
func firstLine(head *proto.ResponseHead, body []byte) string {
	text := strings.TrimSpace(string(body))
	mt, _, _ := mime.ParseMediaType(head.Header.Get("Content-Type"))
	if mt == "text/html" || mt == "application/xhtml+xml" || strings.HasPrefix(text, "<") {
		return ""
	}
	line, _, _ := strings.Cut(text, "\n")
	return clipTo(strings.TrimSpace(line), maxLineShown)
}

// clip makes text from the server safe to print: control characters become
// spaces and it is cut at 300 characters.
func clip(s string) string { return clipTo(s, 300) }

// clipTo is clip cutting at n characters.
func clipTo(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "..."
	}
	return s
}

// extensions maps the image types the server may send to file extensions.
var extensions = map[string]string{
	"image/jpeg": ".jpg",
	"image/png":  ".png",
	"image/gif":  ".gif",
	"image/bmp":  ".bmp",
	"image/tiff": ".tiff",
	"image/webp": ".webp",
}

// resultExt returns the file extension for a result's Content-Type.
func resultExt(contentType string) (string, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "image/") {
		return "", fmt.Errorf("el servidor no devolvió una imagen (Content-Type %q)", clip(contentType))
	}
	if ext, ok := extensions[mt]; ok {
		return ext, nil
	}
	sub := strings.TrimPrefix(mt, "image/")
	if sub == "" || strings.ContainsAny(sub, `/\.`) {
		return ".img", nil
	}
	return "." + sub, nil
}

// save writes the result image in body to its output file: a temporary file
// in the same directory renamed into place once complete, so that an
// interrupted download leaves nothing behind. st, if not nil, is the task's
// final status.
func (s *session) save(head *proto.ResponseHead, body io.Reader, st *taskStatus) error {
	ext, err := resultExt(head.Header.Get("Content-Type"))
	if err != nil {
		s.c.close()
		return err
	}
	out := outputPath(s.opts.Output, s.opts.Image, ext)
	if s.resultName != "" {
		out = filepath.Join(filepath.Dir(out), s.resultName+ext)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".procesa-*"+ext)
	if err != nil {
		s.c.close()
		return fail(err, "no se pudo crear el archivo de salida en «%s»", filepath.Dir(out))
	}
	n, err := io.Copy(tmp, body)
	if err != nil {
		s.c.close()
		tmp.Close()
		os.Remove(tmp.Name())
		var fe *os.PathError
		if errors.As(err, &fe) {
			return fail(err, "no se pudo escribir «%s»", out)
		}
		return fail(err, "no se pudo descargar el resultado")
	}
	s.c.done()
	if err := tmp.Chmod(0o644); err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fail(err, "no se pudo escribir «%s»", out)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		os.Remove(tmp.Name())
		return fail(err, "no se pudo guardar «%s»", out)
	}
	info := humanBytes(n)
	if st != nil && st.Width > 0 && st.Height > 0 {
		info = fmt.Sprintf("%dx%d, %s", st.Width, st.Height, info)
	}
	fmt.Fprintf(s.stdout, "Resultado guardado en %s (%s)\n", out, info)
	return nil
}
