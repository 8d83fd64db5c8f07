package tasks

import (
	"encoding/json"
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
	ID      string          `json:"id_tarea"`
	State   State           `json:"estado"`
	Options json.RawMessage `json:"opciones,omitempty"` // imgproc.Options, opaque here
	// Name is the file name the client gave the image (a multipart part's
	// filename, PUT /<nombre>), "" if none; the result is offered for
	// download under a name made from it.
	Name string `json:"nombre,omitempty"`
	Ext  string `json:"extension"` // of the result: "jpg", "png"
	Type string `json:"tipo"`      // Content-Type of the result
	// ClientWaits marks a synchronous request (esperar=1, raw mode): its
	// client waits on the connection for the result, so nothing of the
	// task is synced to disk and a restart forgets it.
	ClientWaits bool      `json:"sincrona,omitempty"`
	Attempts    int       `json:"intentos"` // times handed to a worker
	Created     time.Time `json:"creada"`
	Started     time.Time `json:"iniciada,omitzero"`
	Finished    time.Time `json:"terminada,omitzero"`
	Width       int       `json:"ancho,omitempty"`
	Height      int       `json:"alto,omitempty"`
	Bytes       int64     `json:"bytes,omitempty"`
	Error       string    `json:"error,omitempty"`
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
