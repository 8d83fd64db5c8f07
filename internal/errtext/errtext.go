// Package errtext says in Spanish, in a few words, what an error of the
// operating system means: "no existe", "permiso denegado", "no queda
// espacio en el disco". Go's own texts for these are English; the server's
// start-up errors, its workers and the client all use these phrases
// instead, so that one cause reads the same wherever a user meets it.
package errtext

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// FS says why a file-system operation failed. It never returns Go's English
// text; an error it does not know gets a generic phrase.
func FS(err error) string {
	if s := Known(err); s != "" {
		return s
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("error del sistema (errno %d)", int(errno))
	}
	return "error inesperado del sistema de archivos"
}

// Known returns the phrase for err's cause when it is one of the common
// file-system, descriptor or socket errors, and "" otherwise.
func Known(err error) string {
	// The portable sentinels first: on Windows a "file not found" is not
	// syscall.ENOENT, but it is fs.ErrNotExist.
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no existe"
	case errors.Is(err, fs.ErrPermission):
		return "permiso denegado"
	case errors.Is(err, fs.ErrExist):
		return "ya existe"
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return ""
	}
	switch errno {
	case syscall.ENOTDIR:
		return "no es un directorio"
	case syscall.EROFS:
		return "el sistema de archivos es de solo lectura"
	case syscall.ENOSPC:
		return "no queda espacio en el disco"
	case syscall.EDQUOT:
		return "se agotó la cuota de disco"
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
	case syscall.EADDRINUSE:
		return "la dirección ya está en uso"
	case syscall.EADDRNOTAVAIL:
		return "la dirección no pertenece a este equipo"
	}
	return ""
}
