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
	src, err := os.ReadFile(job.Input)
	if err != nil {
		slog.Error("leyendo la imagen subida", "tarea", job.ID, "error", err)
		return fail(500, msgReadInput)
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
	info, err := Process(src, bw, opts)
	if err == nil {
		err = bw.Flush()
	}
	if cw.err != nil {
		slog.Error("escribiendo el resultado", "tarea", job.ID, "error", cw.err)
		return fail(500, msgWrite)
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
