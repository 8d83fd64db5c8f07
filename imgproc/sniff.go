package imgproc

import "bytes"

// sniffLen is the number of leading bytes Sniff may look at.
const sniffLen = 16

// Sniff reports the format of an encoded image from its leading bytes:
// "jpeg", "png", "gif", "bmp", "tiff", "webp", or "" when none matches. It
// looks at no more than the first 16 bytes; a shorter slice matches only
// when it holds the whole signature.
func Sniff(b []byte) string {
	if len(b) > sniffLen {
		b = b[:sniffLen]
	}
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 10 && b[0] == 'B' && b[1] == 'M' && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0:
		// "BM", file size, two reserved words that must be zero: the same
		// pattern golang.org/x/image/bmp registers.
		return "bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}
