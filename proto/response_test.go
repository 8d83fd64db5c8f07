package proto

import (
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(1994, time.November, 6, 8, 49, 37, 0, time.UTC)

func TestAppendHead(t *testing.T) {
	tests := []struct {
		name string
		r    Response
		want string
	}{
		{"ok with body", Response{Status: 200, Header: Header{{"Content-Type", "image/jpeg"}}, ContentLength: 1234},
			"HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: image/jpeg\r\nContent-Length: 1234\r\n\r\n"},
		{"accepted", Response{Status: 202, Header: Header{{"Content-Type", "application/json"}, {"Location", "/estado/x"}}, ContentLength: 2},
			"HTTP/1.1 202 Accepted\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\nLocation: /estado/x\r\nContent-Length: 2\r\n\r\n"},
		{"close", Response{Status: 400, ContentLength: 0, Close: true},
			"HTTP/1.1 400 Bad Request\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"},
		{"no length", Response{Status: 304, ContentLength: -1},
			"HTTP/1.1 304 Not Modified\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
		{"continue ignores length", Response{Status: 100, ContentLength: 10},
			"HTTP/1.1 100 Continue\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
		{"204 ignores length", Response{Status: 204, ContentLength: 0},
			"HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
		{"unknown status", Response{Status: 599, ContentLength: 0},
			"HTTP/1.1 599 \r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n"},
		{"reserved fields dropped", Response{Status: 503, ContentLength: 3, Header: Header{
			{"Date", "x"}, {"content-length", "9"}, {"Connection", "keep-alive"}, {"Transfer-Encoding", "chunked"}, {"Retry-After", "5"}}},
			"HTTP/1.1 503 Service Unavailable\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nRetry-After: 5\r\nContent-Length: 3\r\n\r\n"},
		{"no head splitting", Response{Status: 302, ContentLength: 0, Header: Header{
			{"Location", "/a\r\nSet-Cookie: x"}, {"Bad Name", "v"}, {"X", "a\tb"}}},
			"HTTP/1.1 302 Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nLocation: /a  Set-Cookie: x\r\nX: a\tb\r\nContent-Length: 0\r\n\r\n"},
	}
	for _, tt := range tests {
		got := string(tt.r.AppendHead([]byte("prefix"), testNow))
		if got != "prefix"+tt.want {
			t.Errorf("%s: AppendHead =\n%q; want\n%q", tt.name, got, "prefix"+tt.want)
		}
	}
}

func TestAppendHTTPDate(t *testing.T) {
	loc := time.FixedZone("ART", -3*3600)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{testNow, "Sun, 06 Nov 1994 08:49:37 GMT"},
		{time.Date(2025, time.March, 1, 21, 5, 9, 999, loc), "Sun, 02 Mar 2025 00:05:09 GMT"},
		{time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC), "Thu, 29 Feb 2024 00:00:00 GMT"},
	} {
		if got := string(AppendHTTPDate(nil, tt.t)); got != tt.want {
			t.Errorf("AppendHTTPDate(%v) = %q; want %q", tt.t, got, tt.want)
		}
		if _, err := time.Parse(time.RFC1123, string(AppendHTTPDate(nil, tt.t))); err != nil {
			t.Errorf("AppendHTTPDate(%v) does not parse as RFC 1123: %v", tt.t, err)
		}
	}
}

func TestStatusText(t *testing.T) {
	for code, want := range map[int]string{
		100: "Continue", 200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found",
		405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 413: "Content Too Large",
		414: "URI Too Long", 415: "Unsupported Media Type", 417: "Expectation Failed",
		422: "Unprocessable Content", 431: "Request Header Fields Too Large",
		500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
		505: "HTTP Version Not Supported", 299: "",
	} {
		if got := StatusText(code); got != want {
			t.Errorf("StatusText(%d) = %q; want %q", code, got, want)
		}
	}
}

// Every error this package returns must be a fixed Spanish sentence with a
// status the server can send.
func TestErrorsAreReplies(t *testing.T) {
	for _, e := range []*Error{errBadRequestLine, errBadTarget, errBadPath, errBareCR, errTooManyBlank,
		errBadField, errObsFold, errBadHost, errBadLength, errLengthAndTE, errBadTE, errTEinHTTP10,
		errBadChunked, errRequestLineLong, errHeaderTooLarge, errBodyTooLarge, errExpectation,
		errNotImplemented, errUnknownCoding, errVersion} {
		if StatusText(e.Status) == "" || e.Status < 400 || e.Msg == "" || e.Error() != e.Msg || strings.ContainsAny(e.Msg, "\r\n\"") {
			t.Errorf("error %+v is not a usable reply", e)
		}
	}
}

func BenchmarkAppendHead(b *testing.B) {
	r := Response{Status: 202, Header: Header{{"Content-Type", "application/json"}, {"Location", "/estado/0d7e5c1a-3b4f-4e8a-9c2d-1f0e9a8b7c6d"}}, ContentLength: 180}
	buf := make([]byte, 0, 512)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendHead(buf[:0], now)
	}
}
