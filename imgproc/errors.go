package imgproc

// Kind classifies an *Error by what went wrong, which also fixes its HTTP
// status.
type Kind int

const (
	// KindParam is a bad option value (400).
	KindParam Kind = iota + 1
	// KindFormat is input that is not an image format we read (415).
	KindFormat
	// KindTooLarge is a source or output image over the pixel limit (413).
	KindTooLarge
	// KindDecode is a corrupt or unprocessable image (422).
	KindDecode
	// KindIO is a failure of the server rather than of the image: a file
	// that could not be read or written, or a bug (500).
	KindIO
	// KindNoSpace is a result that could not be written because the disk
	// is full (507).
	KindNoSpace
)

// String returns the kind's name, for logs.
func (k Kind) String() string {
	switch k {
	case KindParam:
		return "param"
	case KindFormat:
		return "format"
	case KindTooLarge:
		return "too-large"
	case KindDecode:
		return "decode"
	case KindIO:
		return "io"
	case KindNoSpace:
		return "no-space"
	}
	return "unknown"
}

// Error is the only error type this package returns. Msg is a fixed Spanish
// sentence that never echoes input bytes; Param names the offending
// parameter ("escala", "calidad"...) when Kind is KindParam. Err is the
// underlying cause of a KindIO error, for the log only.
type Error struct {
	Kind  Kind
	Msg   string
	Param string
	Err   error
}

// Error returns Msg.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Status returns the HTTP status code for the error's Kind: 400, 415, 413 or
// 422 (500 for KindIO, 507 for KindNoSpace).
func (e *Error) Status() int {
	switch e.Kind {
	case KindParam:
		return 400
	case KindFormat:
		return 415
	case KindTooLarge:
		return 413
	case KindDecode:
		return 422
	case KindNoSpace:
		return 507
	}
	return 500
}

func paramError(param, msg string) *Error {
	return &Error{Kind: KindParam, Param: param, Msg: msg}
}

var (
	errFormat   = &Error{Kind: KindFormat, Msg: "el contenido no es una imagen en un formato admitido (JPEG, PNG, GIF, BMP, TIFF, WebP)"}
	errSource   = &Error{Kind: KindTooLarge, Msg: "la imagen de origen supera el límite de píxeles"}
	errOutput   = &Error{Kind: KindTooLarge, Msg: "la imagen resultante supera el límite de píxeles"}
	errHeader   = &Error{Kind: KindDecode, Msg: "la cabecera de la imagen está dañada o no se puede leer"}
	errDecode   = &Error{Kind: KindDecode, Msg: "la imagen está dañada o no se puede decodificar"}
	errEncode   = &Error{Kind: KindDecode, Msg: "no se pudo codificar la imagen resultante"}
	errBadSizes = &Error{Kind: KindDecode, Msg: "la imagen declara un tamaño inválido"}
)
