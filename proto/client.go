package proto

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxInterim bounds how many 1xx responses ReadResponseHead skips.
const maxInterim = 16

// ErrBadResponse wraps every protocol error found while reading a response.
var ErrBadResponse = errors.New("respuesta HTTP no válida")

// WriteRequestHead writes "METHOD target HTTP/1.1", Host, the fields of h
// and the empty line to w, in one Write. It refuses (without writing) a
// method that is not a token, a target with spaces or control characters, an
// invalid host, and fields whose name is not a token or whose value holds a
// control character.
func WriteRequestHead(w io.Writer, method, target, host string, h Header) error {
	if !isToken(method) {
		return errors.New("método HTTP no válido")
	}
	if target == "" || strings.IndexFunc(target, func(c rune) bool { return c <= ' ' || c >= 0x7f }) >= 0 {
		return errors.New("destino de la solicitud no válido")
	}
	if !validHost(host) {
		return errors.New("nombre de servidor no válido")
	}
	n := len(method) + len(target) + len(host) + 40
	for _, f := range h {
		if !isToken(f.Name) {
			return errors.New("nombre de cabecera no válido")
		}
		for i := 0; i < len(f.Value); i++ {
			if !validValueByte(f.Value[i]) {
				return errors.New("valor de cabecera no válido")
			}
		}
		n += len(f.Name) + len(f.Value) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	for _, f := range h {
		b = append(b, f.Name...)
		b = append(b, ": "...)
		b = append(b, f.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	_, err := w.Write(b)
	return err
}

// ResponseHead is a parsed response head.
type ResponseHead struct {
	Major, Minor  int
	Status        int
	Reason        string
	Header        Header
	ContentLength int64 // -1 when unknown (no Content-Length, or chunked)
	Chunked       bool  // Transfer-Encoding ends in chunked
	Close         bool  // the connection cannot carry another request afterwards
}

// ReadResponseHead reads the final response head to a request with the
// given method. Interim 1xx responses other than 101 are read and discarded
// (at most 16); use ReadAnyResponseHead to see them, e.g. to wait for
// "100 Continue". Malformed responses return an error wrapping
// ErrBadResponse; an end of input before any byte is io.EOF, inside the head
// io.ErrUnexpectedEOF.
func ReadResponseHead(br *bufio.Reader, method string) (*ResponseHead, error) {
	for i := 0; ; i++ {
		h, err := ReadAnyResponseHead(br, method)
		if err != nil {
			return nil, err
		}
		if h.Status >= 200 || h.Status == 101 {
			return h, nil
		}
		if i == maxInterim {
			return nil, fmt.Errorf("%w: demasiadas respuestas provisionales", ErrBadResponse)
		}
	}
}

// ReadAnyResponseHead reads the next response head, interim (1xx) or final,
// to a request with the given method. Errors are those of ReadResponseHead.
func ReadAnyResponseHead(br *bufio.Reader, method string) (*ResponseHead, error) {
	var hr headReader
	var err error
	hr.buf, err = appendLine(br, nil, MaxRequestLine+2)
	switch {
	case err == errLineTooLong:
		return nil, fmt.Errorf("%w: línea de estado demasiado larga", ErrBadResponse)
	case err == io.EOF && len(hr.buf) == 0:
		return nil, io.EOF
	case err == io.EOF:
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, err
	}
	h := &ResponseHead{ContentLength: -1}
	n := lineEnd(hr.buf)
	if err := h.parseStatusLine(hr.buf[:n]); err != nil {
		return nil, err
	}
	if err := hr.readFields(br); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: %s", ErrBadResponse, pe.Msg)
		}
		return nil, err
	}
	s := string(hr.buf)
	h.Reason = s[min(n, 13):n]
	h.Header = hr.fields(nil, s)
	if err := h.applyFields(method); err != nil {
		return nil, err
	}
	return h, nil
}

// parseStatusLine parses "HTTP/d.d SP 3DIGIT [SP reason]"; the caller sets
// Reason, line[13:].
func (h *ResponseHead) parseStatusLine(line []byte) error {
	bad := fmt.Errorf("%w: línea de estado mal formada", ErrBadResponse)
	if len(line) < 12 || string(line[:5]) != "HTTP/" || !isDigit(line[5]) || line[6] != '.' || !isDigit(line[7]) ||
		line[8] != ' ' || !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11]) {
		return bad
	}
	h.Major, h.Minor = int(line[5]-'0'), int(line[7]-'0')
	if h.Major != 1 {
		return fmt.Errorf("%w: versión de HTTP no admitida", ErrBadResponse)
	}
	h.Status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	if h.Status < 100 {
		return bad
	}
	rest := line[12:]
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return bad
		}
		rest = rest[1:]
	}
	for _, c := range rest {
		if !validValueByte(c) {
			return bad
		}
	}
	return nil
}

// applyFields works out the body framing (RFC 9112 §6.3) and persistence.
func (h *ResponseHead) applyFields(method string) error {
	var te string
	var hasTE, closeTok, keepAlive bool
	for _, f := range h.Header {
		switch {
		case equalFold(f.Name, "content-length"):
			n, err := parseContentLength(f.Value, h.ContentLength)
			if err != nil {
				return fmt.Errorf("%w: Content-Length no válido", ErrBadResponse)
			}
			h.ContentLength = n
		case equalFold(f.Name, "transfer-encoding"):
			if hasTE {
				te += ","
			}
			te += f.Value
			hasTE = true
		case equalFold(f.Name, "connection"):
			closeTok = closeTok || hasToken(f.Value, "close")
			keepAlive = keepAlive || hasToken(f.Value, "keep-alive")
		}
	}
	if h.Minor == 0 {
		h.Close = closeTok || !keepAlive
	} else {
		h.Close = closeTok
	}
	if !h.hasBody(method) {
		return nil
	}
	if hasTE {
		// Transfer-Encoding overrides Content-Length (RFC 9112 §6.3).
		h.ContentLength = -1
		last := ""
		for v := te; v != ""; {
			var e string
			e, v = nextElem(v)
			if e != "" {
				last = e
			}
		}
		if equalFold(last, "chunked") && h.Minor == 1 {
			h.Chunked = true
		} else {
			h.Close = true // read until the connection closes
		}
		return nil
	}
	if h.ContentLength < 0 {
		h.Close = true
	}
	return nil
}

// hasBody reports whether a response with this status, to method, has a
// body at all.
func (h *ResponseHead) hasBody(method string) bool {
	return method != "HEAD" && h.Status >= 200 && h.Status != 204 && h.Status != 304
}

// ResponseBody returns a reader for the body of the response h to method:
// empty for HEAD, 1xx, 204 and 304; chunked; Content-Length bytes (a shorter
// body is io.ErrUnexpectedEOF); or everything until the connection closes.
func ResponseBody(br *bufio.Reader, h *ResponseHead, method string) io.Reader {
	switch {
	case !h.hasBody(method):
		return errReader{io.EOF}
	case h.Chunked:
		return NewChunkedReader(br)
	case h.ContentLength >= 0:
		if h.ContentLength == 0 {
			return errReader{io.EOF}
		}
		return &lengthReader{br: br, n: h.ContentLength}
	}
	return br
}
