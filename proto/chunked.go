package proto

import (
	"bufio"
	"io"
)

// Limits on the chunked coding.
const (
	maxChunkLine = 4 << 10 // chunk-size line, extensions included
)

// NewChunkedReader returns a reader that decodes the chunked transfer coding
// (RFC 9112 §7.1) from br and returns io.EOF after the last chunk and its
// trailer section. Chunk extensions and trailer fields are read and ignored,
// within limits: a chunk-size line is at most 4 KiB, the trailer section at
// most MaxHeaderBytes and MaxHeaderFields lines. Lines may end in CRLF or LF.
// Malformed input returns an *Error with Status 400, an early end
// io.ErrUnexpectedEOF. Errors are sticky.
func NewChunkedReader(br *bufio.Reader) io.Reader {
	c := newChunkedReader(br)
	return c
}

func newChunkedReader(br *bufio.Reader) *chunkedReader {
	return &chunkedReader{br: br, max: -1}
}

type chunkedReader struct {
	br       *bufio.Reader
	n        int64 // data bytes left in the current chunk
	needCRLF bool  // the current chunk's data is followed by a line end
	total    int64 // sum of the chunk sizes so far
	max      int64 // limit on total; negative for none
	err      error
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.n == 0 {
		if err := c.nextChunk(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.br.Read(p)
	c.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// nextChunk reads the line end after the previous chunk's data and the next
// chunk-size line; at the last chunk it reads the trailers and returns io.EOF.
func (c *chunkedReader) nextChunk() error {
	if c.needCRLF {
		if err := c.readCRLF(); err != nil {
			return err
		}
		c.needCRLF = false
	}
	line, err := c.readLine(maxChunkLine)
	if err != nil {
		return err
	}
	size, err := parseChunkSize(line)
	if err != nil {
		return err
	}
	if size == 0 {
		if err := c.skipTrailers(); err != nil {
			return err
		}
		return io.EOF
	}
	if c.max >= 0 && size > c.max-c.total {
		return errBodyTooLarge
	}
	c.total += size
	c.n = size
	c.needCRLF = true
	return nil
}

// readCRLF reads the CRLF or LF that ends a chunk's data.
func (c *chunkedReader) readCRLF() error {
	b, err := c.br.ReadByte()
	if err == nil && b == '\r' {
		b, err = c.br.ReadByte()
	}
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	if b != '\n' {
		return errBadChunked
	}
	return nil
}

// readLine returns the next line without its terminator. The returned slice
// is valid until the next read from c.br. Lines over max bytes are 400.
func (c *chunkedReader) readLine(max int) ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// The line is longer than br's buffer; it is either too long for us
		// or br's buffer is tiny. Copy and continue, bounded.
		buf := append([]byte(nil), line...)
		buf, err = appendLine(c.br, buf, max-len(buf))
		line = buf
	}
	if err == errLineTooLong || len(line) > max {
		return nil, errBadChunked
	}
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	return line[:lineEnd(line)], nil
}

// parseChunkSize parses "1*HEXDIG [BWS ; extensions]".
func parseChunkSize(line []byte) (int64, error) {
	var n int64
	i := 0
	for ; i < len(line) && isHex(line[i]); i++ {
		if n > (1<<63-1)>>4 {
			return 0, errBadChunked
		}
		n = n<<4 | int64(unhex(line[i]))
	}
	if i == 0 {
		return 0, errBadChunked
	}
	if !validChunkExt(line[i:]) {
		return 0, errBadChunked
	}
	return n, nil
}

// validChunkExt reports whether ext is a well-formed chunk-ext (RFC 9112
// §7.1.1): any number of BWS ";" BWS name [BWS "=" BWS value], the name a
// token and the value a token or a quoted string (checked only for valid
// bytes). Whitespace not followed by ";" is not.
func validChunkExt(ext []byte) bool {
	skipBWS := func() {
		for len(ext) > 0 && (ext[0] == ' ' || ext[0] == '\t') {
			ext = ext[1:]
		}
	}
	for {
		skipBWS()
		if len(ext) == 0 {
			return true
		}
		if ext[0] != ';' {
			return false
		}
		ext = ext[1:]
		skipBWS()
		n := 0
		for n < len(ext) && tchar[ext[n]] {
			n++
		}
		if n == 0 {
			return false
		}
		ext = ext[n:]
		skipBWS()
		if len(ext) == 0 || ext[0] == ';' {
			continue
		}
		if ext[0] != '=' {
			return false
		}
		ext = ext[1:]
		skipBWS()
		if n = chunkExtValue(ext); n == 0 {
			return false
		}
		ext = ext[n:]
	}
}

// chunkExtValue returns the length of the token or quoted string that ext
// starts with, or 0 if it starts with neither.
func chunkExtValue(ext []byte) int {
	if len(ext) > 0 && ext[0] == '"' {
		for i := 1; i < len(ext); i++ {
			switch c := ext[i]; {
			case c == '"':
				return i + 1
			case c == '\\':
				if i++; i == len(ext) || !validValueByte(ext[i]) {
					return 0
				}
			case !validValueByte(c):
				return 0
			}
		}
		return 0 // unterminated
	}
	n := 0
	for n < len(ext) && tchar[ext[n]] {
		n++
	}
	return n
}

// skipTrailers reads and discards the trailer section, up to its empty line.
func (c *chunkedReader) skipTrailers() error {
	used := 0
	for fields := 0; ; fields++ {
		line, err := c.readLine(MaxHeaderBytes - used + 2)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		used += len(line) + 2
		if used > MaxHeaderBytes || fields == MaxHeaderFields {
			return errBadChunked
		}
		// Trailers are field lines: what is not one (a request that
		// came too early, say) is an error, not a trailer.
		if _, _, _, err := parseFieldLine(line); err != nil {
			return errBadChunked
		}
	}
}
