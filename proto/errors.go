package proto

import "errors"

// Error is an error that becomes one HTTP reply: Status is the reply's
// status code and Msg a fixed Spanish sentence for the user; Msg never
// contains bytes sent by the peer. It is procesa's one error type that
// carries a status: this package's protocol errors, and the routes' errors
// (a bad parameter, a full queue). After an *Error from ReadRequest or from
// a body reader the connection must be closed after replying.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// The protocol errors returned by this package. They are shared values:
// callers must not modify them.
var (
	errBadRequestLine  = &Error{400, "línea de solicitud mal formada"}
	errBadTarget       = &Error{400, "destino de la solicitud no válido"}
	errBadPath         = &Error{400, "ruta mal codificada"}
	errBareCR          = &Error{400, "retorno de carro sin salto de línea"}
	errTooManyBlank    = &Error{400, "demasiadas líneas vacías antes de la solicitud"}
	errBadField        = &Error{400, "campo de cabecera mal formado"}
	errObsFold         = &Error{400, "cabecera plegada en varias líneas"}
	errBadHost         = &Error{400, "la cabecera Host falta, está repetida o no es válida"}
	errBadLength       = &Error{400, "Content-Length no válido"}
	errLengthAndTE     = &Error{400, "Content-Length y Transfer-Encoding a la vez"}
	errBadTE           = &Error{400, "Transfer-Encoding no válido"}
	errTEinHTTP10      = &Error{400, "Transfer-Encoding no se admite en HTTP/1.0"}
	errBadChunked      = &Error{400, "cuerpo fragmentado mal formado"}
	errRequestLineLong = &Error{414, "la línea de solicitud es demasiado larga"}
	errHeaderTooLarge  = &Error{431, "las cabeceras son demasiado grandes"}
	errBodyTooLarge    = &Error{413, "el cuerpo de la solicitud es demasiado grande"}
	errExpectation     = &Error{417, "expectativa no admitida"}
	errNotImplemented  = &Error{501, "método no implementado"}
	errUnknownCoding   = &Error{501, "codificación de transferencia no implementada"}
	errVersion         = &Error{505, "versión de HTTP no admitida"}
	errLineTooLong     = errors.New("proto: line too long") // internal, never returned
)

// statusError is an error of another package that knows the HTTP status it
// stands for, such as a rejected image (415, 413, 422) or a worker that
// crashed (422). Its Error method is the Spanish message for the user.
type statusError interface {
	error
	Status() int
}

// StatusOf returns the HTTP status and the Spanish message err stands for,
// if it knows them: err is (or wraps) an *Error, or an error with a
// Status() int method. ok is false for any other error.
func StatusOf(err error) (status int, msg string, ok bool) {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Status, pe.Msg, true
	}
	var se statusError
	if errors.As(err, &se) {
		return se.Status(), se.Error(), true
	}
	return 0, "", false
}
