package tasks

import (
	"encoding/json"
	"os"

	"procesa/proto"
)

// do runs task id on the Runner. The worker opens no file: the server opens
// the upload read-only and creates the output at out (under tmp/), and the
// worker gets both as descriptors. They are closed here once it answered;
// the output is synced and renamed by the caller, as before. A failure to
// open them is a *proto.Error with the status a synchronous request gets.
func (s *Store) do(id, out string, options json.RawMessage) (proto.Result, error) {
	in, err := os.Open(s.inputPath(id))
	if err != nil {
		s.cfg.Logger.Error("no se pudo abrir la imagen subida", "id", id, "error", err)
		return proto.Result{}, &proto.Error{Status: 500, Msg: "no se pudo leer la imagen subida"}
	}
	defer in.Close()
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		s.cfg.Logger.Error("no se pudo crear el archivo del resultado", "id", id, "error", err)
		if s.disk.note(err) == ErrDiskFull {
			return proto.Result{}, &proto.Error{Status: 507, Msg: errNoSpace}
		}
		return proto.Result{}, &proto.Error{Status: 500, Msg: "no se pudo guardar el resultado"}
	}
	defer f.Close()
	return s.cfg.Runner.Do(s.ctx, proto.Job{ID: id, Options: options, Input: in, Output: f})
}
