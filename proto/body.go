package proto

import (
	"bufio"
	"io"
)

// BodyReader returns a reader for r's body, framed by Content-Length or by
// the chunked coding, reading from br. A request without a body gives a
// reader that returns io.EOF at once.
//
// Reading more than max bytes of body fails with an *Error with Status 413;
// when Content-Length is over max the first Read fails before reading
// anything. A negative max means no limit. A body cut short returns
// io.ErrUnexpectedEOF; malformed chunked data returns an *Error with Status
// 400. Errors are sticky. The body must be read to io.EOF before br holds the
// next request.
func BodyReader(br *bufio.Reader, r *Request, max int64) io.Reader {
	switch {
	case r.Chunked:
		c := newChunkedReader(br)
		c.max = max
		return c
	case r.ContentLength > 0:
		if max >= 0 && r.ContentLength > max {
			return errReader{errBodyTooLarge}
		}
		return &lengthReader{br: br, n: r.ContentLength}
	}
	return errReader{io.EOF}
}

// errReader returns err from every Read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// lengthReader reads exactly n bytes; an early end is io.ErrUnexpectedEOF.
type lengthReader struct {
	br  *bufio.Reader
	n   int64
	err error
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.br.Read(p)
	l.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		l.err = err
	} else if l.n == 0 {
		err = io.EOF
		l.err = err
	}
	return n, err
}
