package proto

import (
	"bufio"
	"io"
	"path"
	"strings"
)

// Limits on a request head.
const (
	MaxRequestLine  = 8 << 10  // longer request line: 414
	MaxHeaderBytes  = 32 << 10 // bigger header section: 431
	MaxHeaderFields = 100      // more fields: 431
)

// maxBlankLines is how many empty lines before a request line are skipped.
const maxBlankLines = 16

// Request is one parsed request head. A Request may be reused for the next
// request on the same connection; see ReadRequest.
type Request struct {
	Method        string // as sent (case-sensitive token)
	Target        string // request-target as sent
	Path          string // percent-decoded once and cleaned; always starts with "/"
	RawQuery      string // after '?', not decoded
	Major, Minor  int    // 1.0 or 1.1
	Header        Header
	Host          string    // from the Host field, or the authority of an absolute-form target
	ContentLength int64     // -1 when no Content-Length
	Chunked       bool      // Transfer-Encoding: chunked
	Close         bool      // connection must close after the response
	Expect100     bool      // "Expect: 100-continue" was sent in an HTTP/1.1 request
	Body          io.Reader // not set by ReadRequest; the server sets it

	head headReader
}

// ReadRequest reads one request head from br into r, reusing r's storage.
//
// It returns io.EOF if the input ended cleanly before any byte of a request
// (empty lines aside), io.ErrUnexpectedEOF if it ended inside the head, an
// *Error for a protocol violation, and br's error for other I/O failures
// (such as a deadline). After an error r's fields are unspecified.
//
// The strings in r are slices of one string made per call and stay valid
// for good, but the next ReadRequest on r reuses the backing array of
// r.Header: copy the slice, not only the Request, to keep the fields. The
// body is not read.
func ReadRequest(br *bufio.Reader, r *Request) error {
	h := &r.head
	h.buf = h.buf[:0]
	h.spans = h.spans[:0]
	*r = Request{Header: r.Header[:0], ContentLength: -1, head: *h}
	h = &r.head

	// Request line, after skipping a few empty lines.
	var lineLen int
	for blank := 0; ; blank++ {
		// A request line starts with a method, a token: anything else (a
		// TLS handshake, say) is refused at once, not after a line end
		// that may never come.
		if b, err := br.Peek(1); err == nil && !tchar[b[0]] && b[0] != '\r' && b[0] != '\n' {
			return errBadRequestLine
		}
		var err error
		h.buf, err = appendLine(br, h.buf[:0], MaxRequestLine+2)
		if err != nil {
			switch {
			case err == errLineTooLong:
				return errRequestLineLong
			case err == io.EOF && len(h.buf) == 0:
				return io.EOF
			case err == io.EOF:
				return io.ErrUnexpectedEOF
			}
			return err
		}
		lineLen = lineEnd(h.buf)
		if lineLen > MaxRequestLine {
			return errRequestLineLong
		}
		if lineLen > 0 {
			break
		}
		if blank == maxBlankLines {
			return errTooManyBlank
		}
	}
	ms, ts, vs, err := splitRequestLine(h.buf[:lineLen])
	if err != nil {
		return err
	}
	if err := h.readFields(br); err != nil {
		return err
	}

	s := string(h.buf)
	r.Method = s[:ms]
	r.Target = s[ms+1 : ts]
	r.Major, r.Minor = int(s[vs+5]-'0'), int(s[vs+7]-'0')
	r.Header = h.fields(r.Header, s)
	// An unknown method is 501 once the head is known to be well formed,
	// before the meaning of its target and fields is checked: a client
	// sending DELETE without Host learns that DELETE is not implemented.
	switch r.Method {
	case "GET", "HEAD", "POST", "PUT":
	default:
		return errNotImplemented
	}
	if err := r.parseTarget(); err != nil {
		return err
	}
	if err := r.applyFields(); err != nil {
		return err
	}
	return nil
}

// splitRequestLine checks "METHOD SP target SP HTTP/d.d" and returns the end
// of the method, the end of the target and the start of the version.
func splitRequestLine(line []byte) (ms, ts, vs int, err error) {
	ms = -1
	for i, c := range line {
		if c == ' ' {
			ms = i
			break
		}
		if !tchar[c] {
			return 0, 0, 0, badLine(c)
		}
	}
	if ms <= 0 {
		return 0, 0, 0, errBadRequestLine
	}
	ts = -1
	for i := ms + 1; i < len(line); i++ {
		c := line[i]
		if c == ' ' {
			ts = i
			break
		}
		if c <= 0x20 || c >= 0x7f {
			return 0, 0, 0, badLine(c)
		}
	}
	if ts <= ms+1 {
		return 0, 0, 0, errBadRequestLine
	}
	vs = ts + 1
	v := line[vs:]
	if len(v) != 8 || string(v[:5]) != "HTTP/" || !isDigit(v[5]) || v[6] != '.' || !isDigit(v[7]) {
		for _, c := range v {
			if c == '\r' {
				return 0, 0, 0, errBareCR
			}
		}
		return 0, 0, 0, errBadRequestLine
	}
	if v[5] != '1' || (v[7] != '0' && v[7] != '1') {
		return 0, 0, 0, errVersion
	}
	return ms, ts, vs, nil
}

func badLine(c byte) error {
	if c == '\r' {
		return errBareCR
	}
	return errBadRequestLine
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseTarget sets Path, RawQuery and, for absolute-form, Host.
func (r *Request) parseTarget() error {
	t := r.Target
	if t[0] != '/' {
		// absolute-form: http://authority/path?query
		i := strings.Index(t, "://")
		if i <= 0 || !(equalFold(t[:i], "http") || equalFold(t[:i], "https")) {
			return errBadTarget
		}
		t = t[i+3:]
		end := len(t)
		for j := 0; j < len(t); j++ {
			if t[j] == '/' || t[j] == '?' {
				end = j
				break
			}
		}
		auth := t[:end]
		if auth == "" || !validHost(auth) {
			return errBadTarget
		}
		r.Host = auth
		t = t[end:]
		if t == "" || t[0] == '?' {
			t = "/" + t
		}
	}
	p := t
	if i := strings.IndexByte(t, '?'); i >= 0 {
		p, r.RawQuery = t[:i], t[i+1:]
	}
	if strings.IndexByte(t, '#') >= 0 {
		return errBadTarget
	}
	p, err := unescapePath(p)
	if err != nil {
		return err
	}
	r.Path = cleanPath(p)
	return nil
}

// unescapePath percent-decodes p once. Invalid escapes and NUL are errors.
func unescapePath(p string) (string, error) {
	n := strings.Count(p, "%")
	if n == 0 {
		return p, nil
	}
	b := make([]byte, 0, len(p)) // not len(p)-2*n: "%%" is not an escape
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", errBadPath
			}
			c = unhex(p[i+1])<<4 | unhex(p[i+2])
			if c == 0 {
				return "", errBadPath
			}
			i += 2
		}
		b = append(b, c)
	}
	return string(b), nil
}

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// cleanPath removes "." and ".." segments and repeated slashes from the
// rooted path p, as path.Clean does, but keeps a trailing slash. A ".." at
// the root stays at the root. p is returned unchanged when already clean.
func cleanPath(p string) string {
	if !needsClean(p) {
		return p
	}
	c := path.Clean(p)
	if c != "/" && (strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")) {
		c += "/"
	}
	return c
}

func needsClean(p string) bool {
	// Look at each segment after a '/'.
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		seg := p[i+1:]
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
		} else if seg == "" {
			return false // trailing slash
		}
		if seg == "" || seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// validHost reports whether h is a valid Host value: uri-host [":" port]
// (RFC 9110 §7.2, RFC 3986 §3.2.2). The empty value is valid.
func validHost(h string) bool {
	if h == "" {
		return true
	}
	host, port := h, ""
	if h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 2 {
			return false
		}
		for i := 1; i < end; i++ {
			c := h[i]
			if !(isHex(c) || c == ':' || c == '.' || c == '%' || c == '-' || c == '_' || c == '~' ||
				('g' <= c && c <= 'z') || ('G' <= c && c <= 'Z')) {
				return false
			}
		}
		host, port = "", h[end+1:]
		if port != "" {
			if port[0] != ':' {
				return false
			}
			port = port[1:]
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		host, port = h[:i], h[i+1:]
	}
	for i := 0; i < len(port); i++ {
		if !isDigit(port[i]) {
			return false
		}
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		switch {
		case isHex(c) || ('g' <= c && c <= 'z') || ('G' <= c && c <= 'Z'):
		case strings.IndexByte("-._~!$&'()*+,;=", c) >= 0:
		case c == '%':
			if i+2 >= len(host) || !isHex(host[i+1]) || !isHex(host[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

// applyFields interprets Host, Content-Length, Transfer-Encoding,
// Connection and Expect.
func (r *Request) applyFields() error {
	hosts := 0
	var te, unknownCoding bool
	var keepAlive, closeTok bool
	for _, f := range r.Header {
		switch len(f.Name) {
		case 4:
			if equalFold(f.Name, "host") {
				hosts++
				if hosts > 1 || !validHost(f.Value) {
					return errBadHost
				}
				if r.Host == "" && r.Target[0] == '/' {
					r.Host = f.Value
				}
			}
		case 6:
			// Expect: 100-continue, the whole story. A client about to
			// send a big body (curl does so above 1 MiB, or when told
			// -H "Expect: 100-continue") sends the head alone with this
			// field, and waits (curl: 1 s) for "HTTP/1.1 100 Continue"
			// before sending the body, so that a refused upload costs no
			// transfer. In procesa:
			//
			//  1. Here: only "100-continue" is known (another expectation
			//     is 417), and it counts in HTTP/1.1 only (RFC 9110
			//     §10.1.1); Request.Expect100 records it.
			//  2. netio, conn.serve: a Content-Length over MaxBody gets
			//     413 at once, without 100 Continue, and the connection
			//     closes.
			//  3. The Handler (api, Handler.upload) checks everything it
			//     can before touching the body (query parameters, a full
			//     queue) and refuses with the final status at once.
			//  4. netio, bodyReader.Read: the Handler's first read of
			//     r.Body writes "HTTP/1.1 100 Continue" (behind any reply
			//     still buffered for a pipelined request), flushes it, and
			//     only then reads the body. "procesa --traza" shows it.
			//  5. netio, ResponseWriter.start: a reply sent without the
			//     body having been asked for closes the connection
			//     (bodyReader.tooMuchLeft): the client may send the body
			//     anyway, or never, so the next request cannot be found.
			//
			// docs/protocolo.md tells it for the reader of the protocol.
			if equalFold(f.Name, "expect") {
				v := f.Value
				for v != "" {
					var e string
					e, v = nextElem(v)
					if e == "" {
						continue
					}
					if !equalFold(e, "100-continue") {
						return errExpectation
					}
					r.Expect100 = r.Minor == 1
				}
			}
		case 10:
			if equalFold(f.Name, "connection") {
				v := f.Value
				for v != "" {
					var e string
					e, v = nextElem(v)
					switch {
					case equalFold(e, "close"):
						closeTok = true
					case equalFold(e, "keep-alive"):
						keepAlive = true
					}
				}
			}
		case 14:
			if equalFold(f.Name, "content-length") {
				n, err := parseContentLength(f.Value, r.ContentLength)
				if err != nil {
					return err
				}
				r.ContentLength = n
			}
		case 17:
			if equalFold(f.Name, "transfer-encoding") {
				unknown, err := r.addTransferEncoding(f.Value)
				if err != nil {
					return err
				}
				te, unknownCoding = true, unknownCoding || unknown
			}
		}
	}
	if r.Minor == 1 && hosts == 0 {
		return errBadHost
	}
	if te {
		if r.Minor == 0 {
			return errTEinHTTP10
		}
		if r.ContentLength >= 0 {
			return errLengthAndTE // whatever the coding: the smuggling guard
		}
		if unknownCoding {
			return errUnknownCoding
		}
		if !r.Chunked {
			return errBadTE
		}
	}
	if r.Minor == 1 {
		r.Close = closeTok
	} else {
		r.Close = closeTok || !keepAlive
	}
	return nil
}

// addTransferEncoding applies one Transfer-Encoding field value. A coding
// after "chunked" (in this or an earlier field), a second "chunked" or
// something that is no coding is 400; it reports whether the value names a
// coding other than "chunked", which is 501 once the other fields have had
// their say.
func (r *Request) addTransferEncoding(v string) (unknown bool, err error) {
	for v != "" {
		var e string
		e, v = nextElem(v)
		if e == "" {
			continue
		}
		if r.Chunked {
			return false, errBadTE // chunked must be the last coding, and only once
		}
		if !equalFold(e, "chunked") {
			if !isCoding(e) {
				return false, errBadTE
			}
			unknown = true
			continue
		}
		r.Chunked = true
	}
	return unknown, nil
}

// isCoding reports whether e looks like a transfer-coding: a token, possibly
// followed by parameters.
func isCoding(e string) bool {
	if i := strings.IndexByte(e, ';'); i >= 0 {
		e = trimOWS(e[:i])
	}
	return isToken(e)
}

// parseContentLength parses one Content-Length field value (a list of equal
// decimal values, no empty element) given the value seen so far (-1 for none).
func parseContentLength(v string, prev int64) (int64, error) {
	n := prev
	for {
		e, rest, more := strings.Cut(v, ",")
		m, ok := parseDecimal(trimOWS(e))
		if !ok || (n >= 0 && m != n) {
			return 0, errBadLength
		}
		n = m
		if !more {
			return n, nil
		}
		v = rest
	}
}

// parseDecimal parses 1*DIGIT into a non-negative int64.
func parseDecimal(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// HasBody reports whether the request announces a body.
func (r *Request) HasBody() bool { return r.ContentLength > 0 || r.Chunked }
