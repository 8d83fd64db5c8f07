package proto

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Response is a response head to write.
type Response struct {
	Status        int
	Header        Header // extra fields: Content-Type, Location, Allow, Retry-After...
	ContentLength int64  // -1: write no Content-Length (for 1xx, 204, 304)
	Close         bool   // adds "Connection: close"
	// KeepAlive adds "Connection: keep-alive", which an HTTP/1.0 client
	// needs to see to keep the connection; ignored when Close is set.
	KeepAlive bool
}

// AppendHead appends the response head to dst: the status line
// ("HTTP/1.1 <code> <reason>"), Date (the IMF-fixdate of now), the Header
// fields, Content-Length, "Connection: close" when Close, and the empty line.
//
// Date, Content-Length, Transfer-Encoding and Connection fields in Header are
// dropped: they are written from the struct. Content-Length is never written
// for 1xx and 204 (RFC 9110 §8.6). A field whose name is not a token is
// dropped and control characters in values are replaced by spaces, so a
// value can never split the head.
func (r *Response) AppendHead(dst []byte, now time.Time) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = appendStatus(dst, r.Status)
	dst = append(dst, ' ')
	dst = append(dst, StatusText(r.Status)...)
	dst = append(dst, "\r\nDate: "...)
	dst = AppendHTTPDate(dst, now)
	dst = append(dst, "\r\n"...)
	for _, f := range r.Header {
		if !isToken(f.Name) || reservedField(f.Name) {
			continue
		}
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		for i := 0; i < len(f.Value); i++ {
			c := f.Value[i]
			if !validValueByte(c) {
				c = ' '
			}
			dst = append(dst, c)
		}
		dst = append(dst, "\r\n"...)
	}
	if r.ContentLength >= 0 && r.Status >= 200 && r.Status != 204 {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, r.ContentLength, 10)
		dst = append(dst, "\r\n"...)
	}
	if r.Close {
		dst = append(dst, "Connection: close\r\n"...)
	} else if r.KeepAlive {
		dst = append(dst, "Connection: keep-alive\r\n"...)
	}
	return append(dst, "\r\n"...)
}

func appendStatus(dst []byte, code int) []byte {
	if code < 100 || code > 999 {
		code = 500
	}
	return append(dst, byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10))
}

func reservedField(name string) bool {
	switch len(name) {
	case 4:
		return equalFold(name, "date")
	case 10:
		return equalFold(name, "connection")
	case 14:
		return equalFold(name, "content-length")
	case 17:
		return equalFold(name, "transfer-encoding")
	}
	return false
}

// AppendHTTPDate appends t in the IMF-fixdate format of RFC 9110 §5.6.7,
// such as "Sun, 06 Nov 1994 08:49:37 GMT". The text of the latest second
// formatted is cached, since every response of that second carries it.
func AppendHTTPDate(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	if c := lastDate.Load(); c != nil && c.sec == sec {
		return append(dst, c.text[:]...)
	}
	c := &httpDate{sec: sec}
	t.UTC().AppendFormat(c.text[:0], "Mon, 02 Jan 2006 15:04:05 GMT")
	lastDate.Store(c)
	return append(dst, c.text[:]...)
}

// httpDate is one second's Date text; IMF-fixdate is always 29 bytes for
// years 1000 to 9999.
type httpDate struct {
	sec  int64
	text [29]byte
}

var lastDate atomic.Pointer[httpDate]

// StatusText returns the standard English reason phrase for code
// (RFC 9110 §15), or "" for an unknown code.
func StatusText(code int) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 203:
		return "Non-Authoritative Information"
	case 204:
		return "No Content"
	case 205:
		return "Reset Content"
	case 206:
		return "Partial Content"
	case 300:
		return "Multiple Choices"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 305:
		return "Use Proxy"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 402:
		return "Payment Required"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 407:
		return "Proxy Authentication Required"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 416:
		return "Range Not Satisfiable"
	case 417:
		return "Expectation Failed"
	case 421:
		return "Misdirected Request"
	case 422:
		return "Unprocessable Content"
	case 426:
		return "Upgrade Required"
	case 428:
		return "Precondition Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	case 505:
		return "HTTP Version Not Supported"
	case 507:
		return "Insufficient Storage"
	}
	return ""
}
