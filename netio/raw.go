package netio

import (
	"bufio"
	"bytes"
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
		sig = [][]byte{[]byte("BM")}
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
			if s[0] == 'B' {
				// "BM" then the file size: a method would go on with a letter.
				p, _ := br.Peek(3)
				return len(p) == 3 && !('A' <= p[2] && p[2] <= 'Z')
			}
			return true
		}
	}
	return false
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
