package tasks

import (
	"encoding/json"
	"strconv"
	"time"
)

// State is where a task is in its life. The values are the Spanish words
// the API shows.
type State string

const (
	Queued  State = "En cola"
	Running State = "En progreso"
	Done    State = "Completada"
	Failed  State = "Error"
)

// Finished reports whether the task has ended, well or not.
func (s State) Finished() bool { return s == Done || s == Failed }

// Task is a task's record, as stored in tareas/<id>.json.
type Task struct {
	ID       string          `json:"id_tarea"`
	State    State           `json:"estado"`
	Options  json.RawMessage `json:"opciones,omitempty"` // imgproc.Options, opaque here
	Ext      string          `json:"extension"`          // of the result: "jpg", "png"
	Type     string          `json:"tipo"`               // Content-Type of the result
	Sync     bool            `json:"sincrona,omitempty"`
	Attempts int             `json:"intentos"` // times handed to a worker
	Created  time.Time       `json:"creada"`
	Started  time.Time       `json:"iniciada,omitzero"`
	Finished time.Time       `json:"terminada,omitzero"`
	Width    int             `json:"ancho,omitempty"`
	Height   int             `json:"alto,omitempty"`
	Bytes    int64           `json:"bytes,omitempty"`
	Error    string          `json:"error,omitempty"`
	// ErrStatus is the HTTP status a failure maps to for a synchronous
	// request: 422 for an image that cannot be processed, 503 when no worker
	// could take it.
	ErrStatus int `json:"estado_http,omitempty"`
}

// Duration is how long the task took in a worker.
func (t *Task) Duration() time.Duration {
	if t.Started.IsZero() || t.Finished.IsZero() {
		return 0
	}
	return t.Finished.Sub(t.Started)
}

// AppendStatus appends the task's public status as JSON (GET /estado/<id>):
// id_tarea and estado, plus error, resultado_url, ancho, alto, bytes and
// duracion_ms where they apply.
func (t *Task) AppendStatus(dst []byte) []byte {
	dst = append(dst, `{"id_tarea":"`...)
	dst = append(dst, t.ID...) // a UUID: nothing to escape
	dst = append(dst, `","estado":`...)
	dst = appendJSONString(dst, string(t.State))
	switch t.State {
	case Done:
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
	case Failed:
		dst = append(dst, `,"error":`...)
		dst = appendJSONString(dst, t.Error)
		if !t.Started.IsZero() {
			dst = append(dst, `,"duracion_ms":`...)
			dst = strconv.AppendInt(dst, t.Duration().Milliseconds(), 10)
		}
	}
	return append(dst, "}\n"...)
}

func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // never fails for a string
	return append(dst, b...)
}
