package proto

// Server ⇄ worker frames. Their layout and the conversation are documented
// in the package comment (doc.go, "Worker frames"), where go doc shows them.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// FrameVersion is the version of the frame format this package speaks: byte
// 4 of every frame header (see the package comment for the whole layout).
const FrameVersion = 2

// FrameHeaderLen is the size of a frame header in bytes.
const FrameHeaderLen = 12

// MaxFramePayload bounds a frame's payload (1 MiB). Jobs and results are small
// JSON objects; image bytes travel through files, never through frames.
const MaxFramePayload = 1 << 20

// frameMagic opens every frame.
const frameMagic = "PRCW"

// FrameType says what a frame's payload holds.
type FrameType uint8

const (
	// FrameHello is sent once by a worker when it starts; payload Hello.
	FrameHello FrameType = 1
	// FrameJob is sent by the server to give a worker a task; payload Job.
	FrameJob FrameType = 2
	// FrameResult is the worker's answer to a Job; payload Result.
	FrameResult FrameType = 3
	// FrameReady is sent once by a worker after its Hello, when it has
	// dropped its rights; payload Ready.
	FrameReady FrameType = 4
)

// String returns the type's name, for logs and errors.
func (t FrameType) String() string {
	switch t {
	case FrameHello:
		return "hello"
	case FrameJob:
		return "job"
	case FrameResult:
		return "result"
	case FrameReady:
		return "ready"
	}
	return fmt.Sprintf("tipo %d", uint8(t))
}

func (t FrameType) valid() bool { return t >= FrameHello && t <= FrameReady }

// Hello is the payload of the first frame a worker sends.
type Hello struct {
	// Version is the FrameVersion the worker speaks.
	Version int `json:"version"`
	// PID is the worker's process id.
	PID int `json:"pid"`
}

// Ready is the payload of the frame a worker sends once it has dropped the
// rights it does not need, before its first job.
type Ready struct {
	// Active names the protections in force, in the order they were
	// applied: "no_new_privs", "landlock", "seccomp", "rlimits",
	// "capsicum", "pledge".
	Active []string `json:"activas"`
	// Missing says, in Spanish, each protection that could not be applied
	// and why ("landlock: el núcleo no lo admite"); empty when none failed.
	Missing []string `json:"no_aplicadas,omitempty"`
}

// Job is one task for a worker: process the image read from Input into
// Output. Only ID and Options are in the frame's JSON; Input and Output
// travel beside it as descriptors (see the top of this file).
type Job struct {
	// ID identifies the task; the Result carries it back.
	ID string `json:"id"`
	// Options are imgproc.Options as JSON (proto does not import imgproc).
	Options json.RawMessage `json:"opciones,omitempty"`

	// Input is the uploaded image, open for reading. On the server the
	// caller that builds the Job owns it; in the worker, whoever received
	// it (pool.Serve) closes it after the job.
	Input *os.File `json:"-"`
	// Output is the file the result is written to, open for writing and
	// empty: a temporary file the server syncs and renames once the worker
	// has answered. Ownership as for Input.
	Output *os.File `json:"-"`
}

// Result is a worker's answer to one Job. Error is empty on success.
type Result struct {
	// ID is the Job's ID.
	ID string `json:"id"`
	// Format is the format sniffed from the input ("jpeg", "png"...).
	Format string `json:"formato,omitempty"`
	// Width and Height are the size of the output image.
	Width  int `json:"ancho,omitempty"`
	Height int `json:"alto,omitempty"`
	// Bytes is the size of the output file.
	Bytes int64 `json:"bytes,omitempty"`
	// Status is, on failure, the HTTP status the error maps to
	// (400/413/415/422/500).
	Status int `json:"estado_http,omitempty"`
	// Error is the Spanish reason of a failure; empty on success.
	Error string `json:"error,omitempty"`
	// WorkMicros is how long the worker spent on the job, from taking it
	// to answering, in microseconds. The server logs it beside its own
	// count, which adds the disk and the trip through the socket.
	WorkMicros int64 `json:"trabajo_us,omitempty"`
}

// FrameError reports a frame that breaks the format. Its message is Spanish
// and never echoes the peer's bytes.
type FrameError struct {
	Msg string
}

// Error returns the message.
func (e *FrameError) Error() string { return "trama no válida: " + e.Msg }

// AppendFrame appends one frame holding payload to dst and returns the
// extended slice. It fails only if the payload is over MaxFramePayload or the
// type is unknown.
func AppendFrame(dst []byte, typ FrameType, payload []byte) ([]byte, error) {
	if !typ.valid() {
		return dst, &FrameError{Msg: "tipo desconocido"}
	}
	if len(payload) > MaxFramePayload {
		return dst, &FrameError{Msg: "contenido demasiado grande"}
	}
	dst = append(dst, frameMagic...)
	dst = append(dst, FrameVersion, byte(typ), 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...), nil
}

// WriteFrame writes one frame holding payload to w with a single Write call,
// so frames written by one goroutine at a time never interleave.
func WriteFrame(w io.Writer, typ FrameType, payload []byte) error {
	buf, err := AppendFrame(make([]byte, 0, FrameHeaderLen+len(payload)), typ, payload)
	if err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}

// ReadFrame reads one frame from r. The payload is read into buf when it is
// large enough (it then aliases buf and stays valid until buf is reused) and
// into a new slice otherwise; with a large enough buf it does not allocate.
//
// At a clean end of stream, before any byte of a frame, it returns io.EOF; a
// frame cut short returns io.ErrUnexpectedEOF; a frame that breaks the format
// returns a *FrameError without reading its payload.
func ReadFrame(r io.Reader, buf []byte) (FrameType, []byte, error) {
	var h []byte
	if cap(buf) >= FrameHeaderLen {
		h = buf[:FrameHeaderLen] // parsed before the payload overwrites it
	} else {
		h = make([]byte, FrameHeaderLen)
	}
	if _, err := io.ReadFull(r, h); err != nil {
		return 0, nil, err
	}
	typ, n, err := parseFrameHeader(h)
	if err != nil {
		return 0, nil, err
	}
	var p []byte
	if int(n) <= cap(buf) {
		p = buf[:n]
	} else {
		p = make([]byte, n)
	}
	if _, err := io.ReadFull(r, p); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return typ, p, nil
}

// parseFrameHeader checks a frame header and returns its type and payload
// length.
func parseFrameHeader(h []byte) (FrameType, uint32, error) {
	if string(h[0:4]) != frameMagic {
		return 0, 0, &FrameError{Msg: "firma incorrecta"}
	}
	if h[4] != FrameVersion {
		return 0, 0, &FrameError{Msg: fmt.Sprintf("versión %d no admitida (se esperaba %d)", h[4], FrameVersion)}
	}
	typ := FrameType(h[5])
	if !typ.valid() {
		return 0, 0, &FrameError{Msg: "tipo desconocido"}
	}
	if h[6] != 0 || h[7] != 0 {
		return 0, 0, &FrameError{Msg: "bytes reservados distintos de cero"}
	}
	n := binary.BigEndian.Uint32(h[8:12])
	if n > MaxFramePayload {
		return 0, 0, &FrameError{Msg: "contenido demasiado grande"}
	}
	return typ, n, nil
}

// WriteMessage encodes v as JSON and writes it as one frame of type typ.
func WriteMessage(w io.Writer, typ FrameType, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("codificando trama %s: %w", typ, err)
	}
	return WriteFrame(w, typ, payload)
}

// DecodeMessage decodes a frame payload into v, checking that the frame is
// of type want. Unknown JSON fields are ignored so that optional fields can
// be added without a version bump.
func DecodeMessage(typ FrameType, payload []byte, want FrameType, v any) error {
	if typ != want {
		return &FrameError{Msg: fmt.Sprintf("se esperaba una trama %s y llegó %s", want, typ)}
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return &FrameError{Msg: fmt.Sprintf("contenido JSON de la trama %s no válido", typ)}
	}
	return nil
}

// ReadMessage reads one frame of type want from r and decodes its JSON
// payload into v. Errors are those of ReadFrame and DecodeMessage.
func ReadMessage(r io.Reader, want FrameType, v any) error {
	typ, payload, err := ReadFrame(r, nil)
	if err != nil {
		return err
	}
	return DecodeMessage(typ, payload, want, v)
}
