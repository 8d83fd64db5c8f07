package proto

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readReq parses in with a default-sized and with a tiny bufio.Reader and
// checks both agree.
func readReq(t *testing.T, in string) (*Request, error) {
	t.Helper()
	var r Request
	err := ReadRequest(bufio.NewReader(strings.NewReader(in)), &r)
	var r2 Request
	err2 := ReadRequest(bufio.NewReaderSize(strings.NewReader(in), 16), &r2)
	if !sameErr(err, err2) {
		t.Errorf("ReadRequest(%.60q): %v with a 4 KiB buffer, %v with a 16-byte buffer", in, err, err2)
	}
	return &r, err
}

func sameErr(a, b error) bool {
	var ea, eb *Error
	if errors.As(a, &ea) && errors.As(b, &eb) {
		return ea.Status == eb.Status
	}
	return a == b
}

func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	if err != nil {
		return -1
	}
	return 0
}

const host = "Host: a\r\n"

func TestReadRequestStatus(t *testing.T) {
	long := strings.Repeat("a", MaxRequestLine-len("GET / HTTP/1.1"))
	field := func(n int) string { return strings.Repeat("X-A: b\r\n", n) }
	bigField := "X-Big: " + strings.Repeat("b", MaxHeaderBytes-len("X-Big: \r\n")-len(host)) + "\r\n"
	tests := []struct {
		name, in string
		want     int // 0: accepted
	}{
		{"simple", "GET / HTTP/1.1\r\n" + host + "\r\n", 0},
		{"bare LF", "GET / HTTP/1.1\nHost: a\n\n", 0},
		{"mixed endings", "GET / HTTP/1.1\r\nHost: a\n\r\n", 0},
		{"leading empty lines", "\r\n\n\r\nGET / HTTP/1.1\r\n" + host + "\r\n", 0},
		{"too many empty lines", strings.Repeat("\r\n", 17) + "GET / HTTP/1.1\r\n" + host + "\r\n", 400},
		{"16 empty lines", strings.Repeat("\r\n", 16) + "GET / HTTP/1.1\r\n" + host + "\r\n", 0},
		{"HEAD", "HEAD / HTTP/1.1\r\n" + host + "\r\n", 0},
		{"POST", "POST /procesar HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", 0},
		{"PUT", "PUT /x HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\n", 0},
		{"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0},
		{"empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0},
		{"IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:8090\r\n\r\n", 0},
		{"Host with port", "GET / HTTP/1.1\r\nHost: example.com:80\r\n\r\n", 0},
		{"absolute-form", "GET http://example.com/x HTTP/1.1\r\n" + host + "\r\n", 0},
		{"percent signs only", "GET /%% HTTP/1.0\r\n\r\n", 400},
		{"lone percent", "GET /% HTTP/1.0\r\n\r\n", 400},
		{"percents", "GET /%%%%%% HTTP/1.0\r\n\r\n", 400},
		{"escape cut short", "GET /a%4 HTTP/1.0\r\n\r\n", 400},
		{"escape of a percent", "GET /%25%25 HTTP/1.0\r\n\r\n", 0},
		{"obs-text in value", "GET / HTTP/1.1\r\n" + host + "X: \xe9t\xe9\r\n\r\n", 0},
		{"tab in value", "GET / HTTP/1.1\r\n" + host + "X: a\tb\r\n\r\n", 0},
		{"request line at limit", "GET /" + long + " HTTP/1.1\r\n" + host + "\r\n", 0},
		{"100 fields", "GET / HTTP/1.1\r\n" + host + field(99) + "\r\n", 0},
		{"header bytes at limit", "GET / HTTP/1.1\r\n" + host + bigField + "\r\n", 0},

		// Request line.
		{"double space", "GET  / HTTP/1.1\r\n" + host + "\r\n", 400},
		{"trailing space", "GET / HTTP/1.1 \r\n" + host + "\r\n", 400},
		{"two parts", "GET /\r\n" + host + "\r\n", 400},
		{"one part", "GET\r\n\r\n", 400},
		{"leading space", " GET / HTTP/1.1\r\n" + host + "\r\n", 400},
		{"tab separator", "GET\t/ HTTP/1.1\r\n" + host + "\r\n", 400},
		{"lower-case version", "GET / http/1.1\r\n" + host + "\r\n", 400},
		{"two-digit minor", "GET / HTTP/1.10\r\n" + host + "\r\n", 400},
		{"no minor", "GET / HTTP/1\r\n" + host + "\r\n", 400},
		{"bad method char", "G(T / HTTP/1.1\r\n" + host + "\r\n", 400},
		{"bare CR in request line", "GET /\r HTTP/1.1\r\n" + host + "\r\n", 400},
		{"bare CR after version", "GET / HTTP/1.1\r\r\n" + host + "\r\n", 400},
		{"control in target", "GET /a\x01b HTTP/1.1\r\n" + host + "\r\n", 400},
		{"non-ASCII in target", "GET /\xc3\xa9 HTTP/1.1\r\n" + host + "\r\n", 400},
		{"request line too long", "GET /" + long + "a HTTP/1.1\r\n" + host + "\r\n", 414},
		{"endless request line", "GET /" + strings.Repeat("a", 3*MaxRequestLine), 414},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n" + host + "\r\n", 505},
		{"HTTP/1.2", "GET / HTTP/1.2\r\n" + host + "\r\n", 505},
		{"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
		{"unknown method", "BREW / HTTP/1.1\r\n" + host + "\r\n", 501},
		{"lower-case method", "get / HTTP/1.1\r\n" + host + "\r\n", 501},
		{"DELETE", "DELETE /x HTTP/1.1\r\n" + host + "\r\n", 501},
		{"unknown method without Host", "BREW / HTTP/1.1\r\n\r\n", 501},

		// Targets.
		{"asterisk-form", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", 501},
		{"authority-form", "CONNECT example.com:443 HTTP/1.1\r\n" + host + "\r\n", 501},
		{"relative path", "GET a/b HTTP/1.1\r\n" + host + "\r\n", 400},
		{"fragment", "GET /a#b HTTP/1.1\r\n" + host + "\r\n", 400},
		{"ftp scheme", "GET ftp://example.com/ HTTP/1.1\r\n" + host + "\r\n", 400},
		{"userinfo", "GET http://u@example.com/ HTTP/1.1\r\n" + host + "\r\n", 400},
		{"empty authority", "GET http:///x HTTP/1.1\r\n" + host + "\r\n", 400},
		{"bad escape", "GET /a%zz HTTP/1.1\r\n" + host + "\r\n", 400},
		{"short escape", "GET /a%2 HTTP/1.1\r\n" + host + "\r\n", 400},
		{"escape at end", "GET /a% HTTP/1.1\r\n" + host + "\r\n", 400},
		{"escaped NUL", "GET /a%00b HTTP/1.1\r\n" + host + "\r\n", 400},

		// Header fields.
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
		{"tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400},
		{"obs-fold", "GET / HTTP/1.1\r\n" + host + "X: a\r\n  b\r\n\r\n", 400},
		{"leading whitespace on first field", "GET / HTTP/1.1\r\n " + host + "\r\n", 400},
		{"no colon", "GET / HTTP/1.1\r\n" + host + "Xyz\r\n\r\n", 400},
		{"empty name", "GET / HTTP/1.1\r\n" + host + ": a\r\n\r\n", 400},
		{"control char in value", "GET / HTTP/1.1\r\n" + host + "X: a\x01b\r\n\r\n", 400},
		{"NUL in value", "GET / HTTP/1.1\r\n" + host + "X: a\x00b\r\n\r\n", 400},
		{"DEL in value", "GET / HTTP/1.1\r\n" + host + "X: a\x7fb\r\n\r\n", 400},
		{"bare CR in value", "GET / HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", 400},
		{"bare CR in name", "GET / HTTP/1.1\r\n" + host + "X\r: b\r\n\r\n", 400},
		{"bare CR line", "GET / HTTP/1.1\r\n" + host + "\r\r\n", 400},
		{"bad name char", "GET / HTTP/1.1\r\n" + host + "X(y): b\r\n\r\n", 400},
		{"101 fields", "GET / HTTP/1.1\r\n" + host + field(100) + "\r\n", 431},
		{"header bytes over limit", "GET / HTTP/1.1\r\n" + host + "X: y\r\n" + bigField + "\r\n", 431},
		{"endless field", "GET / HTTP/1.1\r\n" + host + "X: " + strings.Repeat("b", 2*MaxHeaderBytes), 431},

		// Host.
		{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\n" + host + host + "\r\n", 400},
		{"two Hosts in HTTP/1.0", "GET / HTTP/1.0\r\n" + host + host + "\r\n", 400},
		{"Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
		{"Host with bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400},
		{"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400},
		{"absolute-form without Host", "GET http://a/ HTTP/1.1\r\n\r\n", 400},

		// Content-Length.
		{"repeated equal lengths", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5, 5\r\n\r\n", 0},
		{"equal length fields", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 0},
		{"conflicting lengths", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5, 6\r\n\r\n", 400},
		{"conflicting length fields", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
		{"negative length", "POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400},
		{"signed length", "POST / HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\n", 400},
		{"hex length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 0x5\r\n\r\n", 400},
		{"trailing comma in length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5,\r\n\r\n", 400},
		{"leading comma in length", "POST / HTTP/1.1\r\n" + host + "Content-Length: ,5\r\n\r\n", 400},
		{"empty length", "POST / HTTP/1.1\r\n" + host + "Content-Length:\r\n\r\n", 400},
		{"overflowing length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 9223372036854775808\r\n\r\n", 400},
		{"max length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 9223372036854775807\r\n\r\n", 0},

		// Transfer-Encoding.
		{"chunked", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n", 0},
		{"Chunked", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: CHUNKED\r\n\r\n", 0},
		{"gzip", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 501},
		{"gzip, chunked", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"gzip then chunked fields", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
		{"identity", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: identity\r\n\r\n", 501},
		// Both framings at once is 400 whatever the coding (docs/protocolo.md, 1.2).
		{"identity and Content-Length", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello", 400},
		{"Content-Length and gzip", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400},
		{"chunked, gzip", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400},
		{"chunked twice", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400},
		{"chunked in two fields", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"empty TE", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding:\r\n\r\n", 400},
		{"garbage TE", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: \"x\"\r\n\r\n", 400},
		{"TE and CL", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"CL and TE", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
		{"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},

		// Expect.
		{"100-continue", "POST / HTTP/1.1\r\n" + host + "Expect: 100-Continue\r\nContent-Length: 5\r\n\r\n", 0},
		{"other expectation", "POST / HTTP/1.1\r\n" + host + "Expect: 200-ok\r\n\r\n", 417},
		{"list expectation", "POST / HTTP/1.1\r\n" + host + "Expect: 100-continue, x\r\n\r\n", 417},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readReq(t, tt.in)
			if got := status(err); got != tt.want {
				t.Errorf("ReadRequest(%.80q) = %v (status %d); want status %d", tt.in, err, got, tt.want)
			}
		})
	}
}

func TestReadRequestEOF(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", io.EOF},
		{"\r\n", io.EOF},
		{"\n\n", io.EOF},
		{"G", io.ErrUnexpectedEOF},
		{"GET / HTTP/1.1", io.ErrUnexpectedEOF},
		{"GET / HTTP/1.1\r\n", io.ErrUnexpectedEOF},
		{"GET / HTTP/1.1\r\nHost: a\r\n", io.ErrUnexpectedEOF},
		{"GET / HTTP/1.1\r\nHost: a\r\n\r", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		_, err := readReq(t, tt.in)
		if err != tt.want {
			t.Errorf("ReadRequest(%q) = %v; want %v", tt.in, err, tt.want)
		}
	}
}

// TestOverlongHeadWithoutEnd checks that a line over its limit, or one
// that cannot start a request, is refused as soon as the bytes that show it
// have arrived, while the connection stays open: not when a buffer happens
// to fill, nor after a timeout.
func TestOverlongHeadWithoutEnd(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		status   int
	}{
		{"request line", "GET /" + strings.Repeat("a", MaxRequestLine), 414},
		{"header field", "GET / HTTP/1.1\r\nX: " + strings.Repeat("b", MaxHeaderBytes), 431},
		{"TLS handshake", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400},
		{"after empty lines", "\r\n\r\n\x16\x03\x01", 400},
	} {
		pr, pw := io.Pipe()
		go pw.Write([]byte(tt.in)) // and never close
		done := make(chan error, 1)
		go func() {
			var r Request
			done <- ReadRequest(bufio.NewReader(pr), &r)
		}()
		select {
		case err := <-done:
			if status(err) != tt.status {
				t.Errorf("%s: ReadRequest = %v; want %d", tt.name, err, tt.status)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: ReadRequest still waits for the end of the line", tt.name)
		}
		pr.Close()
	}
}

func TestReadRequestFields(t *testing.T) {
	tests := []struct {
		in   string
		want Request // Header, Body and head are not compared
	}{
		{"GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\n\r\n",
			Request{Method: "GET", Target: "/a/b?x=1&y=%20", Path: "/a/b", RawQuery: "x=1&y=%20",
				Major: 1, Minor: 1, Host: "example.com", ContentLength: -1}},
		{"HEAD /a%20b%2Fc HTTP/1.0\r\n\r\n",
			Request{Method: "HEAD", Target: "/a%20b%2Fc", Path: "/a b/c", Major: 1, Minor: 0,
				ContentLength: -1, Close: true}},
		{"GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/../../etc/passwd", Path: "/etc/passwd", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /%2e%2e/%2E%2E/x HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/%2e%2e/%2E%2E/x", Path: "/x", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /a/..%2f..%2fb HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/a/..%2f..%2fb", Path: "/b", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /a/./b//c/ HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/a/./b//c/", Path: "/a/b/c/", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /a/b/.. HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/a/b/..", Path: "/a/", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /.. HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/..", Path: "/", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET /a?b/../c HTTP/1.1\r\nHost: a\r\n\r\n",
			Request{Method: "GET", Target: "/a?b/../c", Path: "/a", RawQuery: "b/../c", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1}},
		{"GET http://Example.COM:8090 HTTP/1.1\r\nHost: other\r\n\r\n",
			Request{Method: "GET", Target: "http://Example.COM:8090", Path: "/", Major: 1, Minor: 1,
				Host: "Example.COM:8090", ContentLength: -1}},
		{"GET HTTPS://[::1]:8090?q=1 HTTP/1.1\r\nHost: other\r\n\r\n",
			Request{Method: "GET", Target: "HTTPS://[::1]:8090?q=1", Path: "/", RawQuery: "q=1", Major: 1, Minor: 1,
				Host: "[::1]:8090", ContentLength: -1}},
		{"GET http://h/x/../y?z HTTP/1.0\r\n\r\n",
			Request{Method: "GET", Target: "http://h/x/../y?z", Path: "/y", RawQuery: "z", Major: 1, Minor: 0,
				Host: "h", ContentLength: -1, Close: true}},
		{"POST /procesar HTTP/1.1\r\nHost: a\r\nContent-Length:  007 \r\nConnection: Keep-Alive, CLOSE\r\n\r\n",
			Request{Method: "POST", Target: "/procesar", Path: "/procesar", Major: 1, Minor: 1,
				Host: "a", ContentLength: 7, Close: true}},
		{"PUT /f.jpg HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
			Request{Method: "PUT", Target: "/f.jpg", Path: "/f.jpg", Major: 1, Minor: 1,
				Host: "a", ContentLength: -1, Chunked: true, Expect100: true}},
		{"POST / HTTP/1.0\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n",
			Request{Method: "POST", Target: "/", Path: "/", Major: 1, Minor: 0, ContentLength: 1}},
		{"POST / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
			Request{Method: "POST", Target: "/", Path: "/", Major: 1, Minor: 0, ContentLength: -1, Close: true}},
		{"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n",
			Request{Method: "GET", Target: "/", Path: "/", Major: 1, Minor: 1, Host: "a", ContentLength: -1}},
	}
	for _, tt := range tests {
		r, err := readReq(t, tt.in)
		if err != nil {
			t.Errorf("ReadRequest(%q) = %v", tt.in, err)
			continue
		}
		if got, want := summary(r), summary(&tt.want); got != want {
			t.Errorf("ReadRequest(%q) =\n %+v; want\n %+v", tt.in, got, want)
		}
	}
}

// reqSummary is the comparable part of a Request.
type reqSummary struct {
	Method, Target, Path, RawQuery, Host string
	Major, Minor                         int
	ContentLength                        int64
	Chunked, Close, Expect100            bool
}

func summary(r *Request) reqSummary {
	return reqSummary{r.Method, r.Target, r.Path, r.RawQuery, r.Host, r.Major, r.Minor,
		r.ContentLength, r.Chunked, r.Close, r.Expect100}
}

func TestReadRequestHeader(t *testing.T) {
	in := "GET / HTTP/1.1\r\nHost:a\r\nX-Empty:\r\nX-Pad: \t v  a \t\r\ncontent-type: image/png\r\nX-Pad: 2\r\n\r\n"
	r, err := readReq(t, in)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{{"Host", "a"}, {"X-Empty", ""}, {"X-Pad", "v  a"}, {"content-type", "image/png"}, {"X-Pad", "2"}}
	if len(r.Header) != len(want) {
		t.Fatalf("Header = %q; want %q", r.Header, want)
	}
	for i := range want {
		if r.Header[i] != want[i] {
			t.Errorf("Header[%d] = %q; want %q", i, r.Header[i], want[i])
		}
	}
	if got := r.Header.Get("CONTENT-TYPE"); got != "image/png" {
		t.Errorf("Get(CONTENT-TYPE) = %q", got)
	}
	if got := r.Header.Get("x-pad"); got != "v  a" {
		t.Errorf("Get(x-pad) = %q; want the first value", got)
	}
	if r.Header.Has("X-Missing") || !r.Header.Has("x-empty") {
		t.Errorf("Has is wrong")
	}
}

func TestHeaderSetAddDel(t *testing.T) {
	var h Header
	h.Add("A", "1")
	h.Add("b", "2")
	h.Add("a", "3")
	h.Set("A", "4")
	if len(h) != 2 || h[0] != (Field{"A", "4"}) || h[1] != (Field{"b", "2"}) {
		t.Errorf("after Set: %q", h)
	}
	h.Set("C", "5")
	if h.Get("c") != "5" || len(h) != 3 {
		t.Errorf("after Set of a new field: %q", h)
	}
	h.Del("B")
	if h.Has("b") || len(h) != 2 {
		t.Errorf("after Del: %q", h)
	}
}

func TestReadRequestReuse(t *testing.T) {
	in := "POST /uno HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX: 1\r\n\r\nabc" +
		"\r\n" + // a stray CRLF after a body, as old clients send
		"GET /dos?q HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
	br := bufio.NewReader(strings.NewReader(in))
	var r Request
	if err := ReadRequest(br, &r); err != nil {
		t.Fatal(err)
	}
	first := r
	body, err := io.ReadAll(BodyReader(br, &r, 10))
	if err != nil || string(body) != "abc" {
		t.Fatalf("body = %q, %v", body, err)
	}
	if err := ReadRequest(br, &r); err != nil {
		t.Fatal(err)
	}
	if r.Path != "/dos" || r.RawQuery != "q" || r.Host != "b" || r.ContentLength != -1 || !r.Close || len(r.Header) != 2 {
		t.Errorf("second request = %+v", r)
	}
	if first.Path != "/uno" || first.Host != "a" || first.Header[2] != (Field{"X", "1"}) {
		t.Errorf("first request's strings changed: %+v", first)
	}
	if err := ReadRequest(br, &r); err != io.EOF {
		t.Errorf("third ReadRequest = %v; want io.EOF", err)
	}
}

func TestHasBody(t *testing.T) {
	for _, tt := range []struct {
		r    Request
		want bool
	}{
		{Request{ContentLength: -1}, false},
		{Request{ContentLength: 0}, false},
		{Request{ContentLength: 1}, true},
		{Request{ContentLength: -1, Chunked: true}, true},
	} {
		if got := tt.r.HasBody(); got != tt.want {
			t.Errorf("HasBody(CL=%d, chunked=%v) = %v", tt.r.ContentLength, tt.r.Chunked, got)
		}
	}
}

const typicalGET = "GET /estado/0d7e5c1a-3b4f-4e8a-9c2d-1f0e9a8b7c6d?x=1 HTTP/1.1\r\n" +
	"Host: 127.0.0.1:8090\r\n" +
	"User-Agent: curl/8.5.0\r\n" +
	"Accept: */*\r\n" +
	"Accept-Encoding: gzip, deflate\r\n" +
	"Accept-Language: es-AR,es;q=0.9\r\n" +
	"Connection: keep-alive\r\n" +
	"Cache-Control: no-cache\r\n" +
	"X-Request-Id: 12345\r\n" +
	"\r\n"

func TestReadRequestAllocs(t *testing.T) {
	src := bytes.NewReader([]byte(typicalGET))
	br := bufio.NewReader(src)
	var r Request
	allocs := testing.AllocsPerRun(100, func() {
		src.Seek(0, io.SeekStart)
		br.Reset(src)
		if err := ReadRequest(br, &r); err != nil {
			t.Fatal(err)
		}
	})
	if len(r.Header) != 8 {
		t.Fatalf("parsed %d fields; want 8", len(r.Header))
	}
	if allocs > 2 {
		t.Errorf("ReadRequest of a typical GET: %v allocations; want at most 2", allocs)
	}
}

func BenchmarkReadRequest(b *testing.B) {
	src := bytes.NewReader([]byte(typicalGET))
	br := bufio.NewReader(src)
	var r Request
	b.SetBytes(int64(len(typicalGET)))
	b.ReportAllocs()
	for b.Loop() {
		src.Seek(0, io.SeekStart)
		br.Reset(src)
		if err := ReadRequest(br, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzReadRequest checks that ReadRequest never panics, gives the same answer
// whatever the bufio buffer size, respects its limits, yields only requests
// that keep the documented invariants, and agrees with net/textproto on the
// fields of every head it accepts.
func FuzzReadRequest(f *testing.F) {
	f.Add([]byte(typicalGET))
	f.Add([]byte("POST /procesar?escala=0.5 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r, small Request
		br := bufio.NewReader(bytes.NewReader(data))
		err := ReadRequest(br, &r)
		errSmall := ReadRequest(bufio.NewReaderSize(bytes.NewReader(data), 16), &small)
		if !sameErr(err, errSmall) {
			t.Fatalf("%v with a 4 KiB buffer, %v with a 16-byte buffer", err, errSmall)
		}
		if len(r.head.buf) > maxBlankLines*2+MaxRequestLine+2+MaxHeaderBytes+2 {
			t.Fatalf("head buffer grew to %d bytes", len(r.head.buf))
		}
		var pe *Error
		switch {
		case err == nil:
		case errors.As(err, &pe):
			if StatusText(pe.Status) == "" || pe.Msg == "" {
				t.Fatalf("unusable error %+v", pe)
			}
			return
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return
		default:
			t.Fatalf("unexpected error %v", err)
		}
		if summary(&r) != summary(&small) || !reflect.DeepEqual(r.Header, small.Header) {
			t.Fatalf("buffer size changed the result:\n %+v\n %+v", summary(&r), summary(&small))
		}
		checkRequest(t, &r)

		// The header section after the request line, for net/textproto.
		rest := data
		for len(rest) > 0 && (rest[0] == '\n' || (len(rest) > 1 && rest[0] == '\r' && rest[1] == '\n')) {
			rest = rest[bytes.IndexByte(rest, '\n')+1:]
		}
		rest = rest[bytes.IndexByte(rest, '\n')+1:]
		if terr := compareTextproto(t, string(rest), r.Header); terr != nil {
			t.Fatalf("accepted here, textproto says %v", terr)
		}

		// The body reader never returns more than allowed.
		const limit = 1 << 12
		n, err := io.Copy(io.Discard, BodyReader(br, &r, limit))
		if n > limit || (err == nil && !r.Chunked && n != max(r.ContentLength, 0)) {
			t.Fatalf("body: %d bytes, %v (Content-Length %d)", n, err, r.ContentLength)
		}
	})
}

// checkRequest checks the invariants of an accepted request.
func checkRequest(t *testing.T, r *Request) {
	t.Helper()
	switch r.Method {
	case "GET", "HEAD", "POST", "PUT":
	default:
		t.Fatalf("accepted method %q", r.Method)
	}
	if r.Major != 1 || (r.Minor != 0 && r.Minor != 1) {
		t.Fatalf("accepted version %d.%d", r.Major, r.Minor)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.Contains(r.Path, "//") || strings.IndexByte(r.Path, 0) >= 0 {
		t.Fatalf("bad Path %q", r.Path)
	}
	for seg := range strings.SplitSeq(r.Path, "/") {
		if seg == "." || seg == ".." {
			t.Fatalf("Path %q keeps a dot segment", r.Path)
		}
	}
	if len(r.Header) > MaxHeaderFields {
		t.Fatalf("%d fields", len(r.Header))
	}
	if r.Chunked && r.ContentLength >= 0 {
		t.Fatalf("both chunked and Content-Length %d", r.ContentLength)
	}
	if r.ContentLength < -1 {
		t.Fatalf("Content-Length %d", r.ContentLength)
	}
	hosts := 0
	for _, f := range r.Header {
		if !isToken(f.Name) || strings.ContainsAny(f.Value, "\r\n\x00") || trimOWS(f.Value) != f.Value {
			t.Fatalf("bad field %q", f)
		}
		if equalFold(f.Name, "host") {
			hosts++
		}
	}
	if hosts > 1 || (r.Minor == 1 && hosts != 1) {
		t.Fatalf("%d Host fields in HTTP/1.%d", hosts, r.Minor)
	}
}
