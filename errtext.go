//go:build unix

package main

// The Spanish words for the errors of the system that reach a user: on the
// server's stderr at start, and from a worker.

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"procesa/internal/errtext"
	"procesa/proto"
)

// serverHungUp reports whether err says that the server closed its end of
// the worker's socket.
func serverHungUp(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// workerErrText is the Spanish text of a worker's error: our own Spanish
// context ("enviando el resultado") and, for the error underneath, which
// comes in English from Go, a Spanish phrase instead.
func workerErrText(err error) string {
	var fe *proto.FrameError
	if errors.As(err, &fe) {
		return err.Error() // Spanish throughout
	}
	cause := "error de comunicación con el servidor"
	var errno syscall.Errno
	if errors.As(err, &errno) {
		cause = errtext.FS(errno)
	}
	if u := errors.Unwrap(err); u != nil {
		if context, ok := strings.CutSuffix(err.Error(), ": "+u.Error()); ok {
			return context + ": " + cause
		}
	}
	return cause
}

// errCause says in Spanish what went wrong with a socket, without Go's
// operation prefixes.
func errCause(err error) string {
	if s := errtext.Known(err); s != "" {
		return s
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no se pudo resolver el nombre"
	}
	return err.Error()
}

// fsCause says in Spanish, in a few words, why a file-system operation
// failed: "no existe", "no es un directorio", "permiso denegado"...
func fsCause(err error) string { return errtext.FS(err) }
