package api

import (
	"path"
	"strings"
	"unicode/utf8"
)

// maxNameBytes bounds the file name kept with a task.
const maxNameBytes = 255

// cleanName returns the file name a client gave (a multipart filename or
// the last segment of PUT /<nombre>) as it is kept with the task: its last
// path element, as valid UTF-8 without control characters, at most
// maxNameBytes long; "" when nothing usable is left. The name is only ever
// shown (escaped) and used in Content-Disposition, never as a path.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if len(name) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// downloadName is the name a result is offered under, as the client names
// its output: the original's name without its extension, "_procesada" and
// the result's extension ("foto.png" gives "foto_procesada.jpg").
func downloadName(name, ext string) string {
	stem := strings.TrimSuffix(name, path.Ext(name))
	if stem == "" {
		stem = name
	}
	return stem + "_procesada." + ext
}

// contentDisposition returns the value of a Content-Disposition field that
// shows the result inline and names it name, readable by every client:
// filename="…" holds an ASCII fallback (other bytes, quotes and
// backslashes become "_"), and filename* the exact name, as UTF-8
// percent-encoded (RFC 6266, RFC 8187). The value holds no control
// characters, whatever name holds.
func contentDisposition(name string) string {
	const hex = "0123456789ABCDEF"
	name = strings.ToValidUTF8(name, "\uFFFD")
	b := make([]byte, 0, 32+4*len(name))
	b = append(b, `inline; filename="`...)
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' {
			b = append(b, '_')
		} else {
			b = append(b, byte(r))
		}
		i += size
	}
	b = append(b, `"; filename*=UTF-8''`...)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isAttrChar(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&0xf])
		}
	}
	return string(b)
}

// isAttrChar reports whether c may appear unencoded in an RFC 8187
// ext-value (attr-char).
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
