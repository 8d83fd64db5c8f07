package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"

	"procesa/internal/errtext"
)

// Exit statuses returned by Main.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// Error is a failure reported to the user: Msg is a Spanish sentence saying what
// the client was doing; Err, if not nil, is the cause, described in Spanish by
// Error.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + describe(e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// fail returns an *Error with the given Spanish message and cause.
func fail(err error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: err}
}

// ServerError is an error answer from the server. Msg is the server's own
// message (the "error" field of its JSON body), relayed as is; an answer that
// is not procesa's JSON has its reason phrase in Reason and, in Msg, at most
// the start of the first line of its text.
type ServerError struct {
	Status int
	Reason string
	Msg    string
}

func (e *ServerError) Error() string {
	return "el servidor respondió con el estado " + statusText(e.Status, e.Reason, e.Msg)
}

// statusText writes a status, its reason phrase and a message, each part
// present only when not empty: "501 Unsupported method: texto".
func statusText(status int, reason, msg string) string {
	s := strconv.Itoa(status)
	if reason != "" {
		s += " " + reason
	}
	if msg != "" {
		s += ": " + msg
	}
	return s
}

// taskError is a failure to follow or fetch a task that the server accepted
// and still has: it adds where the result can be fetched later.
type taskError struct {
	err error
	id  string // the task's id
	url string // the absolute URL of its result
}

func (e *taskError) Error() string {
	return fmt.Sprintf("%s. La tarea %s queda en el servidor; su resultado se podrá descargar más tarde de %s",
		describe(e.err), e.id, e.url)
}

func (e *taskError) Unwrap() error { return e.err }

// describe turns common causes (system call errors, EOF, DNS failures) into a
// Spanish phrase; anything else keeps its own text.
func describe(err error) string {
	var dnsErr *net.DNSError
	var se *ServerError
	var ce *Error
	var te *taskError
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.As(err, &se):
		return se.Error()
	case errors.As(err, &ce):
		return ce.Error()
	case errors.Is(err, context.Canceled):
		return "interrumpido"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("no se encontró el nombre «%s»", dnsErr.Name)
		}
		return fmt.Sprintf("no se pudo resolver el nombre «%s»", dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "conexión rechazada (¿está el servidor en marcha?)"
	case errors.Is(err, syscall.ECONNRESET):
		return "el servidor cortó la conexión"
	case errors.Is(err, syscall.EPIPE):
		return "el servidor cerró la conexión"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no hay ruta hasta el servidor"
	case errtext.Known(err) != "":
		return errtext.Known(err)
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "se agotó el tiempo de espera"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "el servidor cerró la conexión antes de terminar la respuesta"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "se agotó el tiempo de espera"
	}
	return err.Error()
}
