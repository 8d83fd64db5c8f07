package netio

import (
	"bufio"
	"bytes"
	"strings"
)

// isRawUpload reports whether the connection starts with the signature of
// an image we read (JPEG, PNG, GIF, BMP, TIFF, WebP) rather than an HTTP
// method. It peeks only as far as it must: most first bytes decide alone,
// and an HTTP method is made of letters only.
func isRawUpload(br *bufio.Reader) bool {
	b, _ := br.Peek(1)
	if len(b) == 0 {
		return false
	}
	var sig [][]byte
	switch b[0] {
	case 0xFF:
		sig = [][]byte{{0xFF, 0xD8, 0xFF}}
	case 0x89:
		sig = [][]byte{[]byte("\x89PNG\r\n\x1a\n")}
	case 'G':
		sig = [][]byte{[]byte("GIF87a"), []byte("GIF89a")}
	case 'B':
		return peekBMP(br)
	case 'I':
		sig = [][]byte{[]byte("II*\x00")}
	case 'M':
		sig = [][]byte{[]byte("MM\x00*")}
	case 'R':
		return peekWebP(br)
	default:
		return false
	}
	for _, s := range sig {
		if peekPrefix(br, s) {
			return true
		}
	}
	return false
}

// peekBMP tells a BMP file header ("BM", then the file size, two reserved
// fields and the pixel offset as little-endian binary numbers: 14 bytes)
// from a request whose method starts with "BM" ("BMOVE / HTTP/1.1"). A
// method is a token followed by a space and the start of a target; a BMP
// header has a byte that is not a token character (the size's high bytes,
// the reserved zeros) well before 14 bytes, whatever its size's low bytes.
func peekBMP(br *bufio.Reader) bool {
	if !peekPrefix(br, []byte("BM")) {
		return false
	}
	const bmpHeader = 14
	for n := 3; n <= bmpHeader; n++ {
		p, _ := br.Peek(n)
		if len(p) < n {
			return false // the input ended: let the request parser answer
		}
		switch c := p[n-1]; {
		case c == ' ':
			p, _ = br.Peek(n + 1)
			if len(p) <= n {
				return false
			}
			t := p[n]
			return !(t == '/' || t == '*' || t == 'h' || t == 'H')
		case !isTokenByte(c):
			return true
		}
	}
	return false
}

// isTokenByte reports whether c may appear in a method (RFC 9110 tchar).
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c < 0x80 && strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// peekPrefix reports whether the input starts with s, peeking byte by byte
// so that a short request that differs early is never waited on.
func peekPrefix(br *bufio.Reader, s []byte) bool {
	for n := 1; n <= len(s); n++ {
		p, _ := br.Peek(n)
		if len(p) < n || p[n-1] != s[n-1] {
			return false
		}
	}
	return true
}

func peekWebP(br *bufio.Reader) bool {
	if !peekPrefix(br, []byte("RIFF")) {
		return false
	}
	p, _ := br.Peek(12)
	return len(p) == 12 && bytes.Equal(p[8:12], []byte("WEBP"))
}
