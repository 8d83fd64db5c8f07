//go:build unix

package main

// The Spanish words for the errors of the system that reach a user: on the
// server's stderr at start, and from a worker.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

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
		cause = fsCause(errno)
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
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.EADDRINUSE:
			return "la dirección ya está en uso"
		case syscall.EADDRNOTAVAIL:
			return "la dirección no pertenece a este equipo"
		}
		if s := errnoPhrase(errno); s != "" {
			return s
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no se pudo resolver el nombre"
	}
	return err.Error()
}

// fsCause says in Spanish, in a few words, why a file-system operation
// failed: "no existe", "no es un directorio", "permiso denegado"... It never
// returns Go's English text; an error it does not know gets a generic
// phrase.
func fsCause(err error) string {
	phrase := "error inesperado del sistema de archivos"
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		phrase = errnoPhrase(errno)
		if phrase == "" {
			phrase = fmt.Sprintf("error del sistema (errno %d)", int(errno))
		}
	case errors.Is(err, fs.ErrNotExist):
		phrase = "no existe"
	case errors.Is(err, fs.ErrPermission):
		phrase = "permiso denegado"
	case errors.Is(err, fs.ErrExist):
		phrase = "ya existe"
	}
	return phrase
}

// errnoPhrase names the common file-system (and descriptor) errnos in
// Spanish; "" for others.
func errnoPhrase(errno syscall.Errno) string {
	switch errno {
	case syscall.ENOENT:
		return "no existe"
	case syscall.ENOTDIR:
		return "no es un directorio"
	case syscall.EACCES, syscall.EPERM:
		return "permiso denegado"
	case syscall.EROFS:
		return "el sistema de archivos es de solo lectura"
	case syscall.ENOSPC:
		return "no queda espacio en el disco"
	case syscall.EDQUOT:
		return "se agotó la cuota de disco"
	case syscall.EEXIST:
		return "ya existe"
	case syscall.ELOOP:
		return "demasiados enlaces simbólicos (¿un enlace que apunta a sí mismo?)"
	case syscall.ENAMETOOLONG:
		return "el nombre es demasiado largo"
	case syscall.EISDIR:
		return "es un directorio"
	case syscall.EIO:
		return "error de entrada/salida del disco"
	case syscall.EMFILE, syscall.ENFILE:
		return "demasiados archivos abiertos"
	case syscall.ENOTSOCK:
		return "no es un socket"
	case syscall.EBADF:
		return "descriptor de archivo no válido"
	}
	return ""
}
