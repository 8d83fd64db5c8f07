package imgproc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"

	"procesa/proto"
)

// Fixed failure reasons of a job, beyond the *Error of the pipeline. They
// map to 500: each means the server, not the image, is at fault.
const (
	msgBadOptions = "las opciones de la tarea no son válidas"
	msgReadInput  = "no se pudo leer la imagen subida"
	msgWrite      = "no se pudo escribir la imagen resultante"
	msgInternal   = "error interno al procesar la imagen"
)

// ServeWorker runs the worker side of the server ⇄ worker protocol (see
// package proto) on conn: it sends a Hello, then for each Job frame reads
// the file job.Input, processes it with job.Options (imgproc Options as
// JSON; absent fields keep DefaultOptions) into the file job.Output
// (created, written, synced and closed), and answers with a Result. A job
// that fails, even by a panic in the pipeline, is answered with its Error
// and HTTP Status; the loop goes on. One job at a time.
//
// It returns nil when conn reaches end of file (the server closed its end),
// and an error when conn fails or the server breaks the protocol.
func ServeWorker(conn io.ReadWriter) error {
	hello := proto.Hello{Version: proto.FrameVersion, PID: os.Getpid()}
	if err := proto.WriteMessage(conn, proto.FrameHello, hello); err != nil {
		return fmt.Errorf("enviando el saludo: %w", err)
	}
	buf := make([]byte, 0, 4096)
	for {
		typ, payload, err := proto.ReadFrame(conn, buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("leyendo una tarea: %w", err)
		}
		var job proto.Job
		if err := proto.DecodeMessage(typ, payload, proto.FrameJob, &job); err != nil {
			return err
		}
		res := RunJob(job)
		if err := proto.WriteMessage(conn, proto.FrameResult, res); err != nil {
			return fmt.Errorf("enviando el resultado: %w", err)
		}
		// An idle worker should not sit on a big image's memory: give it
		// back to the system between tasks (it matters on a small box).
		debug.FreeOSMemory()
	}
}

// RunJob processes one job as ServeWorker does and returns its Result. On
// failure no output file is left behind.
func RunJob(job proto.Job) (res proto.Result) {
	res.ID = job.ID
	fail := func(status int, msg string) proto.Result {
		return proto.Result{ID: job.ID, Status: status, Error: msg}
	}
	opts := DefaultOptions()
	if len(job.Options) > 0 {
		if err := json.Unmarshal(job.Options, &opts); err != nil {
			return fail(500, msgBadOptions)
		}
	}
	in, file, err := openInput(job.Input)
	if err != nil {
		slog.Error("leyendo la imagen subida", "tarea", job.ID, "error", err)
		return fail(500, msgReadInput)
	}
	if file != nil {
		defer file.f.Close()
	}

	f, err := os.OpenFile(job.Output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		slog.Error("creando el resultado", "tarea", job.ID, "error", err)
		return fail(500, msgWrite)
	}
	closed := false
	defer func() { // on any failure, leave no output behind
		if res.Error != "" {
			if !closed {
				f.Close()
			}
			os.Remove(job.Output)
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			slog.Error("pánico al procesar una imagen", "tarea", job.ID, "pánico", v, "pila", string(debug.Stack()))
			res = fail(500, msgInternal)
		}
	}()

	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 64<<10)
	info, err := processInput(in, bw, opts)
	if err == nil {
		err = bw.Flush()
	}
	if cw.err != nil {
		slog.Error("escribiendo el resultado", "tarea", job.ID, "error", cw.err)
		return fail(500, msgWrite)
	}
	if rerr := file.err(); rerr != nil {
		slog.Error("leyendo la imagen subida", "tarea", job.ID, "error", rerr)
		return fail(500, msgReadInput)
	}
	if err != nil {
		var ie *Error
		if errors.As(err, &ie) {
			return fail(ie.Status(), ie.Msg)
		}
		slog.Error("procesando una imagen", "tarea", job.ID, "error", err)
		return fail(500, msgInternal)
	}
	if err := f.Sync(); err != nil {
		slog.Error("sincronizando el resultado", "tarea", job.ID, "error", err)
		return fail(500, msgWrite)
	}
	err = f.Close()
	closed = true
	if err != nil {
		slog.Error("cerrando el resultado", "tarea", job.ID, "error", err)
		return fail(500, msgWrite)
	}
	return proto.Result{
		ID:     job.ID,
		Format: info.Format,
		Width:  info.OutWidth,
		Height: info.OutHeight,
		Bytes:  cw.n,
	}
}

// Inputs from fileDirect bytes on that are JPEG streams whose headers fit in
// their first jpegHeadMax bytes are decoded straight from their file.
const (
	fileDirect  = 1 << 20
	jpegHeadMax = 256 << 10
)

// openInput reads the image at path. A large JPEG is left in its file, of
// which only the headers are read: the decoder reads the rest as it needs
// it, and never holds the whole of a progressive one (the file is then
// returned, to be closed). Anything else is read whole.
func openInput(path string) (input, *inputFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return input{}, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return input{}, nil, err
	}
	size := st.Size()
	if st.Mode().IsRegular() && size >= fileDirect {
		head := make([]byte, min(size, jpegHeadMax))
		if _, err := f.ReadAt(head, 0); err != nil {
			f.Close()
			return input{}, nil, err
		}
		if n := jpegHeadersEnd(head); n > 0 {
			file := &inputFile{f: f}
			return input{data: head[:n:n], file: file, size: size}, file, nil
		}
	}
	f.Close()
	b, err := os.ReadFile(path) // into a buffer of the file's size
	return input{data: b}, nil, err
}

// inputFile reads an input file at offsets, from any goroutine, and keeps
// the first error other than io.EOF: the pipeline would report it as a
// damaged image, the worker as a failure to read the upload.
type inputFile struct {
	f     *os.File
	mu    sync.Mutex
	first error
}

func (r *inputFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.f.ReadAt(p, off)
	if err != nil && err != io.EOF {
		r.mu.Lock()
		if r.first == nil {
			r.first = err
		}
		r.mu.Unlock()
	}
	return n, err
}

// err returns the first read error; r may be nil.
func (r *inputFile) err() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first
}

// countingWriter counts the bytes written to w and keeps w's first error,
// which Process would otherwise report as an encoding error.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
