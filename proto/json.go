package proto

import "unicode/utf8"

// AppendJSONString appends s to dst as a JSON string literal and returns
// the extended slice. It escapes what encoding/json escapes: quotes,
// backslashes, control characters, and <, >, & and U+2028/U+2029 (so the
// text is safe inside a page as well); invalid UTF-8 becomes U+FFFD. The
// result is always valid JSON, byte for byte what json.Marshal gives.
// It is the only JSON string escaper of procesa: every reply body that
// carries text (an error message, a state) goes through it.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0 // s[start:i] needs no escaping and is not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// JSONType is the Content-Type of every JSON reply body.
const JSONType = "application/json; charset=utf-8"

// AppendErrorBody appends the body of an error reply, {"error":"<msg>"}
// and a newline, to dst. Both the routes (package api) and the protocol
// errors the connection layer answers itself (package netio) write their
// error bodies with it, so they look the same to a client.
func AppendErrorBody(dst []byte, msg string) []byte {
	dst = append(dst, `{"error":`...)
	dst = AppendJSONString(dst, msg)
	return append(dst, "}\n"...)
}
