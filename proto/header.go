package proto

import (
	"bufio"
	"bytes"
	"io"
)

// Field is one header field line: the name as sent and the value with the
// surrounding whitespace removed.
type Field struct{ Name, Value string }

// Header is the list of a message's header fields, in the order they were
// sent. Names compare case-insensitively.
type Header []Field

// Get returns the value of the first field named name (case-insensitive), or
// "" if there is none.
func (h Header) Get(name string) string {
	for _, f := range h {
		if equalFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Has reports whether h has a field named name (case-insensitive).
func (h Header) Has(name string) bool {
	for _, f := range h {
		if equalFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Add appends a field.
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{name, value})
}

// Set replaces every field named name by one field with value, kept at the
// position of the first one (appended if there was none).
func (h *Header) Set(name, value string) {
	out := (*h)[:0]
	set := false
	for _, f := range *h {
		if equalFold(f.Name, name) {
			if set {
				continue
			}
			f, set = Field{name, value}, true
		}
		out = append(out, f)
	}
	if !set {
		out = append(out, Field{name, value})
	}
	// Clear the tail so dropped strings can be collected.
	for i := len(out); i < len(*h); i++ {
		(*h)[i] = Field{}
	}
	*h = out
}

// Del removes every field named name.
func (h *Header) Del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !equalFold(f.Name, name) {
			out = append(out, f)
		}
	}
	for i := len(out); i < len(*h); i++ {
		(*h)[i] = Field{}
	}
	*h = out
}

// equalFold reports whether a and b are equal under ASCII case folding.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// tchar marks the bytes allowed in a token (RFC 9110 §5.6.2).
var tchar = [256]bool{
	'!': true, '#': true, '$': true, '%': true, '&': true, '\'': true,
	'*': true, '+': true, '-': true, '.': true, '^': true, '_': true,
	'`': true, '|': true, '~': true,
	'0': true, '1': true, '2': true, '3': true, '4': true,
	'5': true, '6': true, '7': true, '8': true, '9': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true,
	'H': true, 'I': true, 'J': true, 'K': true, 'L': true, 'M': true, 'N': true,
	'O': true, 'P': true, 'Q': true, 'R': true, 'S': true, 'T': true, 'U': true,
	'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true,
	'h': true, 'i': true, 'j': true, 'k': true, 'l': true, 'm': true, 'n': true,
	'o': true, 'p': true, 'q': true, 'r': true, 's': true, 't': true, 'u': true,
	'v': true, 'w': true, 'x': true, 'y': true, 'z': true,
}

func isToken[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchar[s[i]] {
			return false
		}
	}
	return true
}

// validValueByte reports whether c may appear in a field value: HTAB, SP,
// visible ASCII and obs-text (RFC 9110 §5.5).
func validValueByte(c byte) bool {
	return c == '\t' || (c >= 0x20 && c != 0x7f)
}

// trimOWS removes optional whitespace (SP, HTAB) around s.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// nextElem splits a comma-separated list (RFC 9110 §5.6.1): it returns the
// first element with OWS trimmed and the rest after the comma.
func nextElem(s string) (elem, rest string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return trimOWS(s[:i]), s[i+1:]
		}
	}
	return trimOWS(s), ""
}

// hasToken reports whether the comma-separated list v holds token tok
// (case-insensitive).
func hasToken(v, tok string) bool {
	for v != "" {
		var e string
		e, v = nextElem(v)
		if equalFold(e, tok) {
			return true
		}
	}
	return false
}

// appendLine appends the bytes of br up to and including the next '\n' to dst.
// It reads at most max bytes: a longer line returns errLineTooLong with what
// was read so far, as soon as the bytes over max have arrived. At end of
// input it returns the partial line and the reader's error (io.EOF).
func appendLine(br *bufio.Reader, dst []byte, max int) ([]byte, error) {
	n := 0
	for {
		var frag []byte
		var err error
		if n+br.Size() <= max {
			// ReadSlice may wait for a whole buffer: still within max.
			frag, err = br.ReadSlice('\n')
		} else {
			frag, err = readArrived(br)
		}
		if n += len(frag); n > max {
			return dst, errLineTooLong
		}
		dst = append(dst, frag...)
		if err != bufio.ErrBufferFull {
			return dst, err
		}
	}
}

// readArrived is ReadSlice('\n') without the wait for a full buffer: it
// returns what has arrived up to and including the next '\n', or, with
// bufio.ErrBufferFull, all that has arrived when none of it is '\n'.
func readArrived(br *bufio.Reader) ([]byte, error) {
	if br.Buffered() == 0 {
		if _, err := br.Peek(1); err != nil {
			return nil, err
		}
	}
	buf, _ := br.Peek(br.Buffered())
	err := bufio.ErrBufferFull
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf, err = buf[:i+1], nil
	}
	br.Discard(len(buf)) // buf stays valid until the next read
	return buf, err
}

// lineEnd returns the length of line without its terminator (LF or CRLF).
// line must end in '\n'.
func lineEnd(line []byte) int {
	n := len(line) - 1
	if n > 0 && line[n-1] == '\r' {
		n--
	}
	return n
}

// span locates one field in a head buffer: name [ns, ne), value [vs, ve).
type span struct{ ns, ne, vs, ve int32 }

// headReader accumulates a message head in a reusable buffer. The head is
// converted to a string once, and every string handed out is a slice of it.
type headReader struct {
	buf   []byte
	spans []span
}

// readFields reads header field lines into h.buf up to and including the
// empty line that ends the section, recording each field in h.spans. It
// enforces MaxHeaderBytes and MaxHeaderFields (431) and the field syntax
// (400). End of input before the empty line is io.ErrUnexpectedEOF.
func (h *headReader) readFields(br *bufio.Reader) error {
	used := 0
	for {
		start := len(h.buf)
		var err error
		// The empty line that ends the section does not count.
		h.buf, err = appendLine(br, h.buf, MaxHeaderBytes-used+2)
		if err != nil {
			switch err {
			case errLineTooLong:
				return errHeaderTooLarge
			case io.EOF:
				return io.ErrUnexpectedEOF
			}
			return err
		}
		line := h.buf[start:]
		n := lineEnd(line)
		if n == 0 {
			return nil
		}
		used += len(line)
		if used > MaxHeaderBytes || len(h.spans) == MaxHeaderFields {
			return errHeaderTooLarge
		}
		colon, vs, ve, err := parseFieldLine(line[:n])
		if err != nil {
			return err
		}
		s := int32(start)
		h.spans = append(h.spans, span{s, s + int32(colon), s + int32(vs), s + int32(ve)})
	}
}

// parseFieldLine checks one field line, without its line end, against
// RFC 9112 §5: a token, a colon right after it, and a value of valid bytes.
// It returns where the colon is and where the value, stripped of the
// surrounding whitespace, begins and ends.
func parseFieldLine(line []byte) (colon, vs, ve int, err error) {
	if line[0] == ' ' || line[0] == '\t' {
		return 0, 0, 0, errObsFold
	}
	colon = -1
	for i, c := range line {
		if c == ':' {
			colon = i
			break
		}
		if !tchar[c] {
			if c == '\r' {
				return 0, 0, 0, errBareCR
			}
			return 0, 0, 0, errBadField
		}
	}
	if colon <= 0 {
		return 0, 0, 0, errBadField
	}
	vs, ve = colon+1, len(line)
	for vs < ve && (line[vs] == ' ' || line[vs] == '\t') {
		vs++
	}
	for ve > vs && (line[ve-1] == ' ' || line[ve-1] == '\t') {
		ve--
	}
	for _, c := range line[vs:ve] {
		if !validValueByte(c) {
			if c == '\r' {
				return 0, 0, 0, errBareCR
			}
			return 0, 0, 0, errBadField
		}
	}
	return colon, vs, ve, nil
}

// fields converts the recorded spans to h's fields, slicing them out of s
// (the string form of h.buf).
func (h *headReader) fields(dst Header, s string) Header {
	dst = dst[:0]
	for _, sp := range h.spans {
		dst = append(dst, Field{s[sp.ns:sp.ne], s[sp.vs:sp.ve]})
	}
	return dst
}
