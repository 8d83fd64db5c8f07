package jpeg

import (
	"bytes"
	"io"

	"procesa/imgproc/internal/bufpool"
)

// sourceBufSize is the size of the read buffer. The entropy decoder refills
// its bit buffer straight from it, so it is large enough to make refills rare.
const sourceBufSize = 32 << 10

// source is a buffered byte reader over the input stream. Unlike bufio.Reader
// it exposes its buffer, so the entropy decoder can read from it directly.
//
// It reads r, or, when ra is set, ra with ReadAt from offset off on: several
// sources can then read different parts of one input at the same time
// without any of them holding all of it.
type source struct {
	r        io.Reader
	ra       io.ReaderAt
	off      int64 // ra only: offset of the byte after buf[end-1]
	buf      []byte
	pos, end int   // buf[pos:end] holds the unread bytes
	err      error // sticky error from r, returned once the buffer is drained
}

func (s *source) init(r io.Reader) {
	s.r = r
	s.buf = bufpool.Get(sourceBufSize)
}

// initAt makes s read ra from offset off on, with a buffer of size bytes.
func (s *source) initAt(ra io.ReaderAt, off int64, size int) {
	s.ra, s.off = ra, off
	s.buf = bufpool.Get(size)
}

// readMore reads into the free end of the buffer from the underlying
// reader and returns how many bytes came. A read error is kept in s.err, the
// end of the input as io.ErrUnexpectedEOF (a JPEG stream ends with a marker,
// never with the input).
func (s *source) readMore() int {
	var (
		n   int
		err error
	)
	if s.ra == nil {
		n, err = s.r.Read(s.buf[s.end:])
	} else {
		n, err = s.ra.ReadAt(s.buf[s.end:], s.off)
		s.off += int64(n)
	}
	s.end += n
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		s.err = err
	}
	return n
}

// offset returns the input offset of buf[i] (ra only).
func (s *source) offset(i int) int64 {
	return s.off - int64(s.end-i)
}

// fill moves the unread bytes to the front of the buffer and reads more. It
// reports whether at least one new byte arrived.
func (s *source) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	for s.end < len(s.buf) {
		n := s.readMore()
		if s.err != nil || n > 0 {
			return n > 0
		}
	}
	return true
}

// ensure tries to have at least n unread bytes buffered (n <= len(buf)). It
// reports whether it succeeded.
func (s *source) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// readErr is the error to report when the input ends too early.
func (s *source) readErr() error {
	if s.err != nil {
		return s.err
	}
	return io.ErrUnexpectedEOF
}

func (s *source) readByte() (byte, error) {
	if s.pos == s.end && !s.fill() {
		return 0, s.readErr()
	}
	b := s.buf[s.pos]
	s.pos++
	return b, nil
}

// readFull reads exactly len(p) bytes into p.
func (s *source) readFull(p []byte) error {
	for len(p) > 0 {
		if s.pos == s.end && !s.fill() {
			return s.readErr()
		}
		n := copy(p, s.buf[s.pos:s.end])
		s.pos += n
		p = p[n:]
	}
	return nil
}

// skip discards the next n bytes.
func (s *source) skip(n int) error {
	for n > 0 {
		if s.pos == s.end && !s.fill() {
			return s.readErr()
		}
		m := min(n, s.end-s.pos)
		s.pos += m
		n -= m
	}
	return nil
}

// readAll reads the rest of the input into the buffer, growing it, unless
// that is more than limit bytes. It reports whether the whole input is now
// buffered; either way the source keeps working.
func (s *source) readAll(limit int) bool {
	grow := 2 * len(s.buf)
	if s.ra != nil {
		if l, ok := s.ra.(interface{ Size() int64 }); ok && l.Size() >= s.off {
			// A bytes.Reader or io.SectionReader tells its size.
			grow = s.end - s.pos + int(min(l.Size()-s.off, int64(limit))) + 1
		}
	} else if l, ok := s.r.(interface{ Len() int }); ok {
		// A bytes.Reader or bytes.Buffer tells how much is left.
		grow = s.end - s.pos + l.Len() + 1
	}
	for s.err == nil {
		if s.end == len(s.buf) {
			if len(s.buf) >= limit {
				return false
			}
			nb := make([]byte, min(max(grow, 2*len(s.buf)), limit+1))
			s.end = copy(nb, s.buf[s.pos:s.end])
			s.pos = 0
			s.buf = nb
		}
		s.readMore()
	}
	return true
}

// skipToMarker moves past entropy-coded data, stuffed bytes and restart
// markers to the next other marker (its first 0xFF byte), or to the end of
// the input: where markerIndex(buf[pos:], true) points for a wholly
// buffered input.
func (s *source) skipToMarker() {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], 0xff)
		if i < 0 {
			s.pos = s.end
			if !s.fill() {
				return
			}
			continue
		}
		s.pos += i
		if !s.ensure(2) {
			s.pos = s.end // 0xFF is the last byte of the input
			return
		}
		if c := s.buf[s.pos+1]; c != 0 && !(markerRST0 <= c && c <= markerRST7) {
			return
		}
		s.pos += 2
	}
}
