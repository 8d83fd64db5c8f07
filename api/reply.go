package api

import (
	"errors"
	"strconv"

	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// This file renders the bodies of the replies: the status JSON, the error
// JSON and the one-line text status. Every body a route sends is made here
// or in the page templates (page.go); netio only frames them. The JSON
// strings go through proto.AppendJSONString, the one escaper of procesa.

var (
	jsonType = proto.Field{Name: "Content-Type", Value: proto.JSONType}
	textType = proto.Field{Name: "Content-Type", Value: "text/plain; charset=utf-8"}
	// retryAfter goes with a 503 for a full queue.
	retryAfter = proto.Field{Name: "Retry-After", Value: "5"}
	// retryAfterDisk goes with every 507: space may come back when the
	// sweep removes expired tasks, or when someone frees it.
	retryAfterDisk = proto.Field{Name: "Retry-After", Value: "60"}
	// varyAccept goes with every reply whose form depends on Accept: a
	// page for a browser, JSON or text for other clients.
	varyAccept = proto.Field{Name: "Vary", Value: "Accept"}
)

// The fixed error replies of the routes.
var (
	errEmptyBody  = &proto.Error{Status: 400, Msg: "falta la imagen: el cuerpo está vacío"}
	errNoFilePart = &proto.Error{Status: 400, Msg: "el formulario no trae ningún archivo"}
	errBadForm    = &proto.Error{Status: 400, Msg: "formulario multipart mal formado"}
	errFormHeads  = &proto.Error{Status: 400, Msg: "las cabeceras de las partes del formulario son demasiado grandes"}
	errNotImage   = &proto.Error{Status: 415, Msg: "el contenido no es una imagen en un formato admitido (JPEG, PNG, GIF, BMP, TIFF, WebP)"}
	errDirTooBig  = &proto.Error{Status: 413, Msg: "la imagen del directorio supera el tamaño máximo"}
	errStore      = &proto.Error{Status: 500, Msg: "no se pudo guardar la imagen"}
	errTimeout    = &proto.Error{Status: 504, Msg: "la tarea no terminó a tiempo"}
	errStopping   = &proto.Error{Status: 503, Msg: "el servidor se está deteniendo; la tarea no terminó"}
)

// badParam is the 400 for a query parameter with a bad value.
func badParam(name, want string) error {
	return &proto.Error{Status: 400, Msg: "parámetro «" + name + "» inválido: " + want}
}

// sendError replies {"error": msg} with status and the extra fields h, and
// returns status.
func sendError(w *netio.ResponseWriter, status int, msg string, h ...proto.Field) int {
	w.Send(status, append(proto.Header{jsonType}, h...), proto.AppendErrorBody(nil, msg))
	return status
}

// replyError replies err, with the extra header fields extra, with the
// status and message netio.ReplyFor gives it, and returns the status.
func (h *Handler) replyError(w *netio.ResponseWriter, err error, extra ...proto.Field) int {
	status, msg := h.errorReply(err)
	switch {
	case errors.Is(err, tasks.ErrQueueFull):
		extra = append(extra, retryAfter)
	case status == 507:
		extra = append(extra, retryAfterDisk)
	}
	return sendError(w, status, msg, extra...)
}

// errorReply returns the status and message of the reply for err (see
// netio.ReplyFor). A 500 hides its cause from the client and logs it.
func (h *Handler) errorReply(err error) (int, string) {
	status, msg := netio.ReplyFor(err)
	if status == 500 {
		h.cfg.Logger.Error("error interno", "error", err)
	}
	return status, msg
}

func methodNotAllowed(w *netio.ResponseWriter, allow string) int {
	return sendError(w, 405, "método no permitido en esta ruta", proto.Field{Name: "Allow", Value: allow})
}

func notFound(w *netio.ResponseWriter, msg string) int {
	return sendError(w, 404, msg)
}

// appendStatus appends the public status of t as JSON: id_tarea and
// estado, plus error, resultado_url, ancho, alto, bytes and duracion_ms
// where they apply.
func appendStatus(dst []byte, t *tasks.Task) []byte {
	dst = append(dst, `{"id_tarea":"`...)
	dst = append(dst, t.ID...) // a UUID: nothing to escape
	dst = append(dst, `","estado":`...)
	dst = appendState(dst, t.State)
	switch t.State {
	case tasks.Done:
		dst = append(dst, `,"resultado_url":"/resultado/`...)
		dst = append(dst, t.ID...)
		dst = append(dst, `","ancho":`...)
		dst = strconv.AppendInt(dst, int64(t.Width), 10)
		dst = append(dst, `,"alto":`...)
		dst = strconv.AppendInt(dst, int64(t.Height), 10)
		dst = append(dst, `,"bytes":`...)
		dst = strconv.AppendInt(dst, t.Bytes, 10)
		dst = append(dst, `,"duracion_ms":`...)
		dst = strconv.AppendInt(dst, t.Duration().Milliseconds(), 10)
	case tasks.Failed:
		dst = append(dst, `,"error":`...)
		dst = proto.AppendJSONString(dst, t.Error)
		if !t.Started.IsZero() {
			dst = append(dst, `,"duracion_ms":`...)
			dst = strconv.AppendInt(dst, t.Duration().Milliseconds(), 10)
		}
	}
	return append(dst, "}\n"...)
}

// appendState appends st as a JSON string; the four states are literals.
func appendState(dst []byte, st tasks.State) []byte {
	switch st {
	case tasks.Queued:
		return append(dst, `"`+tasks.Queued+`"`...)
	case tasks.Running:
		return append(dst, `"`+tasks.Running+`"`...)
	case tasks.Done:
		return append(dst, `"`+tasks.Done+`"`...)
	case tasks.Failed:
		return append(dst, `"`+tasks.Failed+`"`...)
	}
	return proto.AppendJSONString(dst, string(st))
}

// stateNotFound is the state an unknown task id shows.
const stateNotFound = "No encontrado"

// appendNotFound appends the status JSON of an unknown task id.
func appendNotFound(dst []byte, id string) []byte {
	dst = append(dst, `{"id_tarea":`...)
	dst = proto.AppendJSONString(dst, id)
	return append(dst, `,"estado":"`+stateNotFound+`"}`+"\n"...)
}

// appendAccepted appends the body of the 202 for a new task.
func appendAccepted(dst []byte, id string) []byte {
	dst = append(dst, `{"id_tarea":"`...)
	dst = append(dst, id...)
	dst = append(dst, `","estado":"En cola","estado_url":"/estado/`...)
	dst = append(dst, id...)
	dst = append(dst, `","resultado_url":"/resultado/`...)
	dst = append(dst, id...)
	return append(dst, "\"}\n"...)
}

// appendHealth appends the body of GET /salud; extras appends the fields
// that follow en_cola (the disk, the workers' protections).
func appendHealth(dst []byte, state string, alive, queued int, extras func([]byte) []byte) []byte {
	dst = append(dst, `{"estado":`...)
	dst = proto.AppendJSONString(dst, state)
	dst = append(dst, `,"procesos":`...)
	dst = strconv.AppendInt(dst, int64(alive), 10)
	dst = append(dst, `,"en_cola":`...)
	dst = strconv.AppendInt(dst, int64(queued), 10)
	dst = extras(dst)
	return append(dst, "}\n"...)
}
