package proto

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestWriteRequestHead(t *testing.T) {
	var b bytes.Buffer
	err := WriteRequestHead(&b, "POST", "/procesar?escala=0.5", "[::1]:8090",
		Header{{"Content-Type", "image/png"}, {"Content-Length", "12"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "POST /procesar?escala=0.5 HTTP/1.1\r\nHost: [::1]:8090\r\nContent-Type: image/png\r\nContent-Length: 12\r\n\r\n"
	if b.String() != want {
		t.Fatalf("WriteRequestHead wrote\n%q; want\n%q", b.String(), want)
	}
	// What the client writes, the server reads.
	var r Request
	if err := ReadRequest(bufio.NewReader(&b), &r); err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Path != "/procesar" || r.Host != "[::1]:8090" || r.ContentLength != 12 {
		t.Errorf("round trip gave %+v", summary(&r))
	}
}

func TestWriteRequestHeadRefuses(t *testing.T) {
	tests := []struct {
		method, target, host string
		h                    Header
	}{
		{"GE T", "/", "a", nil},
		{"", "/", "a", nil},
		{"GET", "/a b", "a", nil},
		{"GET", "", "a", nil},
		{"GET", "/\r\nX: y", "a", nil},
		{"GET", "/", "a\r\nX: y", nil},
		{"GET", "/", "a/b", nil},
		{"GET", "/", "a", Header{{"X", "a\r\nY: b"}}},
		{"GET", "/", "a", Header{{"X Y", "a"}}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := WriteRequestHead(&b, tt.method, tt.target, tt.host, tt.h); err == nil || b.Len() != 0 {
			t.Errorf("WriteRequestHead(%q, %q, %q, %q) = %v, wrote %q; want an error and nothing written",
				tt.method, tt.target, tt.host, tt.h, err, b.String())
		}
	}
}

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name, in, method string
		status           int
		reason, body     string
		cl               int64
		chunked, close   bool
		bodyErr          error
		rest             string // left for the next response
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: image/jpeg\r\n\r\nhelloHTTP/1.1 204",
			"GET", 200, "OK", "hello", 5, false, false, nil, "HTTP/1.1 204"},
		{"bare LF", "HTTP/1.1 202 Accepted\nContent-Length: 2\n\n{}", "POST", 202, "Accepted", "{}", 2, false, false, nil, ""},
		{"interim skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
			"POST", 200, "OK", "x", 1, false, false, nil, ""},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nnext",
			"GET", 200, "OK", "abc", -1, true, false, nil, "next"},
		{"chunked overrides length", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			"GET", 200, "OK", "abc", -1, true, false, nil, ""},
		{"until close", "HTTP/1.0 200 OK\r\n\r\nall of it", "GET", 200, "OK", "all of it", -1, false, true, nil, ""},
		{"HTTP/1.1 until close", "HTTP/1.1 200 OK\r\n\r\nall of it", "GET", 200, "OK", "all of it", -1, false, true, nil, ""},
		{"other coding until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz", "GET", 200, "OK", "zzz", -1, false, true, nil, ""},
		{"1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nxy", "GET", 200, "OK", "x", 1, false, false, nil, "y"},
		{"close", "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", "GET", 400, "Bad Request", "{}", 2, false, true, nil, ""},
		{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1", "HEAD", 200, "OK", "", 10, false, false, nil, "HTTP/1.1"},
		{"204", "HTTP/1.1 204 No Content\r\n\r\nX", "GET", 204, "No Content", "", -1, false, false, nil, "X"},
		{"304", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nX", "GET", 304, "Not Modified", "", 10, false, false, nil, "X"},
		{"empty reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET", 200, "", "", 0, false, false, nil, ""},
		{"empty reason with space", "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", "GET", 404, "", "", 0, false, false, nil, ""},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", "GET", 200, "OK", "hel", 5, false, false, io.ErrUnexpectedEOF, ""},
		{"cut chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", "GET", 200, "OK", "ab", -1, true, false, io.ErrUnexpectedEOF, ""},
	}
	for _, tt := range tests {
		br := bufio.NewReader(strings.NewReader(tt.in))
		h, err := ReadResponseHead(br, tt.method)
		if err != nil {
			t.Errorf("%s: ReadResponseHead = %v", tt.name, err)
			continue
		}
		if h.Status != tt.status || h.Reason != tt.reason || h.ContentLength != tt.cl || h.Chunked != tt.chunked || h.Close != tt.close {
			t.Errorf("%s: head = %+v; want status %d, reason %q, length %d, chunked %v, close %v",
				tt.name, h, tt.status, tt.reason, tt.cl, tt.chunked, tt.close)
		}
		body, err := io.ReadAll(ResponseBody(br, h, tt.method))
		if string(body) != tt.body || err != tt.bodyErr {
			t.Errorf("%s: body = %q, %v; want %q, %v", tt.name, body, err, tt.body, tt.bodyErr)
		}
		if rest, _ := io.ReadAll(br); string(rest) != tt.rest {
			t.Errorf("%s: left %q; want %q", tt.name, rest, tt.rest)
		}
	}
}

func TestReadAnyResponseHead(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n"))
	h, err := ReadAnyResponseHead(br, "PUT")
	if err != nil || h.Status != 100 || h.Reason != "Continue" {
		t.Fatalf("first head = %+v, %v; want 100 Continue", h, err)
	}
	h, err = ReadAnyResponseHead(br, "PUT")
	if err != nil || h.Status != 201 || h.Header.Get("location") != "/x" {
		t.Fatalf("second head = %+v, %v; want 201 with Location", h, err)
	}
	if _, err := ReadAnyResponseHead(br, "PUT"); err != io.EOF {
		t.Errorf("at the end: %v; want io.EOF", err)
	}
}

func TestReadResponseHeadErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", io.EOF},
		{"HTTP/1.1 200 OK\r\n", io.ErrUnexpectedEOF},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", io.ErrUnexpectedEOF},
		{"HTTP/1.1 200 OK", io.ErrUnexpectedEOF},
		{"http/1.1 200 OK\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 20 OK\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 2000 OK\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 099 X\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1  200 OK\r\n\r\n", ErrBadResponse},
		{"HTTP/2.0 200 OK\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 O\x01K\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", ErrBadResponse},
		{"HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", MaxHeaderFields+1) + "\r\n", ErrBadResponse},
		{"HTTP/1.1 200 " + strings.Repeat("x", MaxRequestLine) + "\r\n\r\n", ErrBadResponse},
		{strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", maxInterim+1) + "HTTP/1.1 200 OK\r\n\r\n", ErrBadResponse},
	}
	for _, tt := range tests {
		_, err := ReadResponseHead(bufio.NewReader(strings.NewReader(tt.in)), "GET")
		if !errors.Is(err, tt.want) {
			t.Errorf("ReadResponseHead(%.60q) = %v; want %v", tt.in, err, tt.want)
		}
	}
}
