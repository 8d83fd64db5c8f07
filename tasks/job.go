package tasks

import (
	"encoding/json"
	"errors"
	"os"
	"syscall"

	"procesa/proto"
)

// errNoSpace is the reason of a task whose result could not be stored
// because the disk is full (507).
const errNoSpace = "el servidor no tiene espacio en disco para la imagen resultante"

// diskFull reports whether err is the file system running out of space or
// of the user's quota.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// jobError is a task that failed before its worker saw it: its files could
// not be opened. Its message is Spanish; the cause is kept for the log.
type jobError struct {
	msg    string
	status int
	err    error
}

func (e *jobError) Error() string { return e.msg }
func (e *jobError) Unwrap() error { return e.err }

// Status is the HTTP status a synchronous request gets for the failure.
func (e *jobError) Status() int { return e.status }

// do runs task id on the Runner. The worker opens no file: the server opens
// the upload read-only and creates the output at out (under tmp/), and the
// worker gets both as descriptors. They are closed here once it answered;
// the output is synced and renamed by the caller, as before.
func (s *Store) do(id, out string, options json.RawMessage) (proto.Result, error) {
	in, err := os.Open(s.inputPath(id))
	if err != nil {
		s.cfg.Logger.Error("no se pudo abrir la imagen subida", "id", id, "error", err)
		return proto.Result{}, &jobError{"no se pudo leer la imagen subida", 500, err}
	}
	defer in.Close()
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		s.cfg.Logger.Error("no se pudo crear el archivo del resultado", "id", id, "error", err)
		if diskFull(err) {
			return proto.Result{}, &jobError{errNoSpace, 507, err}
		}
		return proto.Result{}, &jobError{"no se pudo guardar el resultado", 500, err}
	}
	defer f.Close()
	return s.cfg.Runner.Do(s.ctx, proto.Job{ID: id, Options: options, Input: in, Output: f})
}
