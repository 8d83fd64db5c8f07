package proto

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http/httputil"
	"strings"
	"testing"
)

// readChunked decodes in with a default and with a tiny buffer and checks
// both agree. rest is what is left unread in the default reader.
func readChunked(t *testing.T, in string) (data string, rest string, err error) {
	t.Helper()
	br := bufio.NewReader(strings.NewReader(in))
	b, err := io.ReadAll(NewChunkedReader(br))
	r, _ := io.ReadAll(br)
	b2, err2 := io.ReadAll(NewChunkedReader(bufio.NewReaderSize(strings.NewReader(in), 16)))
	if !sameErr(err, err2) || !bytes.Equal(b, b2) {
		t.Errorf("chunked(%.60q): %q, %v with a 4 KiB buffer; %q, %v with a 16-byte buffer", in, b, err, b2, err2)
	}
	return string(b), string(r), err
}

func TestChunkedReader(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  error // nil, io.ErrUnexpectedEOF, or an *Error compared by status
	}{
		{"5\r\nhello\r\n0\r\n\r\n", "hello", nil},
		{"5\nhello\n0\n\n", "hello", nil},
		{"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", "hello", nil},
		{"0\r\n\r\n", "", nil},
		{"A\r\n0123456789\r\n0\r\n\r\n", "0123456789", nil},
		{"a\r\n0123456789\r\n0\r\n\r\n", "0123456789", nil},
		{"0005\r\nhello\r\n000\r\n\r\n", "hello", nil},
		{"5;name=value;x\r\nhello\r\n0;last\r\n\r\n", "hello", nil},
		{"5 ;x\r\nhello\r\n0\t\r\n\r\n", "hello", nil},
		{"5\r\nhello\r\n0\r\nTrailer: x\r\nOther: y\n\r\n", "hello", nil},
		{"5;e=\"quoted \xff\"\r\nhello\r\n0\r\n\r\n", "hello", nil},
		{"5 ; a = b ;c=\"d\\\"e\"\r\nhello\r\n0\r\n\r\n", "hello", nil},

		{"", "", io.ErrUnexpectedEOF},
		{"5", "", io.ErrUnexpectedEOF},
		{"5\r\nhel", "hel", io.ErrUnexpectedEOF},
		{"5\r\nhello", "hello", io.ErrUnexpectedEOF},
		{"5\r\nhello\r", "hello", io.ErrUnexpectedEOF},
		{"5\r\nhello\r\n", "hello", io.ErrUnexpectedEOF},
		{"5\r\nhello\r\n0\r\n", "hello", io.ErrUnexpectedEOF},
		{"5\r\nhello\r\n0\r\nTrailer: x\r\n", "hello", io.ErrUnexpectedEOF},
		{"7fffffffffffffff\r\nabc", "abc", io.ErrUnexpectedEOF},

		{"\r\n", "", errBadChunked},
		{"g\r\n", "", errBadChunked},
		{"-5\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{" 5\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"0x5\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5x\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5\rx\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5\r\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5;a\x01\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5\r\nhelloX\r\n0\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\rX0\r\n\r\n", "hello", errBadChunked},
		{"8000000000000000\r\n", "", errBadChunked},
		{"ffffffffffffffffff\r\n", "", errBadChunked},
		{"5;" + strings.Repeat("x", maxChunkLine) + "\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5\r\nhello\r\n0\r\nBad\rTrailer\r\n\r\n", "hello", errBadChunked},
		{"5;=\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5;a=\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5;a b\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5;\"a\"\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5;a=\"open\r\nhello\r\n0\r\n\r\n", "", errBadChunked},
		{"5\r\nhello\r\n0\r\nnocolon\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\nX : y\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\n: v\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\nX(y): v\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\nX: a\r\n b\r\n\r\n", "hello", errBadChunked},
		// The final CRLF left out: the next request is no trailer.
		{"5\r\nhello\r\n0\r\nGET /salud HTTP/1.1\r\nHost: a\r\n\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\n" + strings.Repeat("T: x\r\n", MaxHeaderFields+1) + "\r\n", "hello", errBadChunked},
		{"5\r\nhello\r\n0\r\nT: " + strings.Repeat("x", MaxHeaderBytes) + "\r\n\r\n", "hello", errBadChunked},
	}
	for _, tt := range tests {
		got, _, err := readChunked(t, tt.in)
		if got != tt.want || !sameErr(err, tt.wantErr) {
			t.Errorf("chunked(%.60q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestChunkedReaderStopsAtEnd(t *testing.T) {
	const next = "GET / HTTP/1.1\r\n"
	data, rest, err := readChunked(t, "5\r\nhello\r\n0\r\nT: 1\r\n\r\n"+next)
	if data != "hello" || err != nil || rest != next {
		t.Errorf("got %q, %v, left %q; want the reader to stop right after the trailers", data, err, rest)
	}
}

func TestChunkedReaderLimits(t *testing.T) {
	// 100 trailer fields within MaxHeaderBytes are fine.
	in := "1\r\nx\r\n0\r\n" + strings.Repeat("T: x\r\n", MaxHeaderFields) + "\r\n"
	if got, _, err := readChunked(t, in); got != "x" || err != nil {
		t.Errorf("100 trailers: %q, %v", got, err)
	}
	// A chunk-size line of exactly maxChunkLine bytes is fine.
	ext := strings.Repeat("x", maxChunkLine-len("1;\r\n"))
	if got, _, err := readChunked(t, "1;"+ext+"\r\nx\r\n0\r\n\r\n"); got != "x" || err != nil {
		t.Errorf("longest size line: %q, %v", got, err)
	}
}

func TestBodyReader(t *testing.T) {
	tests := []struct {
		head    string
		body    string
		max     int64
		want    string
		wantErr error
	}{
		{"Content-Length: 5", "hello", 5, "hello", nil},
		{"Content-Length: 5", "helloGET", 10, "hello", nil},
		{"Content-Length: 5", "hel", 10, "hel", io.ErrUnexpectedEOF},
		{"Content-Length: 6", "hello", 5, "", errBodyTooLarge},
		{"Content-Length: 6", "hello", -1, "hello", io.ErrUnexpectedEOF},
		{"Content-Length: 0", "xyz", 0, "", nil},
		{"X: y", "xyz", 0, "", nil},
		{"Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n", 5, "hello", nil},
		{"Transfer-Encoding: chunked", "3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n", 5, "hel", errBodyTooLarge},
		{"Transfer-Encoding: chunked", "ffffffffffff\r\n", 1 << 20, "", errBodyTooLarge},
		{"Transfer-Encoding: chunked", "3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n", -1, "hello!", nil},
		{"Transfer-Encoding: chunked", "3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n", 6, "hello!", nil},
	}
	for _, tt := range tests {
		in := "POST / HTTP/1.1\r\nHost: a\r\n" + tt.head + "\r\n\r\n" + tt.body
		br := bufio.NewReader(strings.NewReader(in))
		var r Request
		if err := ReadRequest(br, &r); err != nil {
			t.Fatalf("ReadRequest(%q) = %v", in, err)
		}
		got, err := io.ReadAll(BodyReader(br, &r, tt.max))
		if string(got) != tt.want || !sameErr(err, tt.wantErr) {
			t.Errorf("body of %q (max %d) = %q, %v; want %q, %v", in, tt.max, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestBodyTooLargeReadsNothing(t *testing.T) {
	in := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"
	br := bufio.NewReader(strings.NewReader(in))
	var r Request
	if err := ReadRequest(br, &r); err != nil {
		t.Fatal(err)
	}
	n, err := BodyReader(br, &r, 10).Read(make([]byte, 100))
	if n != 0 || status(err) != 413 {
		t.Errorf("Read = %d, %v; want 0 and a 413", n, err)
	}
	if br.Buffered() != 11 {
		t.Errorf("%d bytes left buffered; want the 11 body bytes untouched", br.Buffered())
	}
}

// chunkedBody builds a chunked body of n chunks of size bytes.
func chunkedBody(n, size int) []byte {
	var b bytes.Buffer
	chunk := bytes.Repeat([]byte{'x'}, size)
	for range n {
		fmt.Fprintf(&b, "%x;ext=1\r\n", size)
		b.Write(chunk)
		b.WriteString("\r\n")
	}
	b.WriteString("0\r\nT: 1\r\n\r\n")
	return b.Bytes()
}

func TestChunkedReaderAllocs(t *testing.T) {
	body := chunkedBody(64, 1024)
	src := bytes.NewReader(body)
	br := bufio.NewReader(src)
	buf := make([]byte, 8<<10)
	allocs := testing.AllocsPerRun(50, func() {
		src.Seek(0, io.SeekStart)
		br.Reset(src)
		cr := NewChunkedReader(br)
		total := 0
		for {
			n, err := cr.Read(buf)
			total += n
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if total != 64*1024 {
			t.Fatalf("read %d bytes; want %d", total, 64*1024)
		}
	})
	if allocs > 1 {
		t.Errorf("decoding 64 chunks: %v allocations; want at most 1 (the reader)", allocs)
	}
}

func BenchmarkChunkedReader(b *testing.B) {
	body := chunkedBody(256, 1024)
	src := bytes.NewReader(body)
	br := bufio.NewReaderSize(src, 32<<10)
	buf := make([]byte, 32<<10)
	b.SetBytes(256 * 1024)
	b.ReportAllocs()
	for b.Loop() {
		src.Seek(0, io.SeekStart)
		br.Reset(src)
		cr := NewChunkedReader(br)
		for {
			_, err := cr.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// FuzzChunkedReader checks that the chunked reader never panics, gives the
// same result whatever the bufio buffer size, respects its limit, and agrees
// with net/http/httputil's decoder whenever both accept the input.
func FuzzChunkedReader(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("3;x=y\nabc\n0\nT: 1\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := io.ReadAll(NewChunkedReader(bufio.NewReader(bytes.NewReader(data))))
		got2, err2 := io.ReadAll(NewChunkedReader(bufio.NewReaderSize(bytes.NewReader(data), 16)))
		if !sameErr(err, err2) || !bytes.Equal(got, got2) {
			t.Fatalf("%q, %v with a 4 KiB buffer; %q, %v with a 16-byte buffer", got, err, got2, err2)
		}
		var pe *Error
		if err != nil && err != io.ErrUnexpectedEOF && !(errors.As(err, &pe) && pe.Status == 400) {
			t.Fatalf("unexpected error %v", err)
		}
		if len(got) > len(data) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(data))
		}

		limit := int64(len(got) / 2)
		c := newChunkedReader(bufio.NewReader(bytes.NewReader(data)))
		c.max = limit
		lim, lerr := io.ReadAll(c)
		if int64(len(lim)) > limit {
			t.Fatalf("read %d bytes with a limit of %d", len(lim), limit)
		}
		if err == nil && len(got) > 0 && status(lerr) != 413 {
			t.Fatalf("over the limit: %v; want a 413", lerr)
		}

		want, werr := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(data)))
		if err == nil && werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("decoded %q; httputil decoded %q", got, want)
		}
	})
}
