package netio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"procesa/proto"
)

// signatures are the first bytes of each format raw mode takes, followed by
// a little more of a plausible header.
var signatures = []struct{ name, head string }{
	{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00"},
	{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
	{"gif87a", "GIF87a\x01\x00\x01\x00"},
	{"gif89a", "GIF89a\x01\x00\x01\x00"},
	{"bmp", "BM\x36\x00\x0c\x00\x00\x00"},
	{"tiff-le", "II*\x00\x08\x00\x00\x00"},
	{"tiff-be", "MM\x00*\x00\x00\x00\x08"},
	{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 "},
}

// sendRaw writes data on a new connection, half-closes, and returns all
// the server sent back until it closed.
func sendRaw(t *testing.T, addr string, data []byte) []byte {
	t.Helper()
	c := dial(t, addr)
	werr := make(chan error, 1)
	go func() {
		// Written while the reply is read, as nc does.
		c.c.SetWriteDeadline(time.Now().Add(ioWait))
		_, err := c.c.Write(data)
		if err == nil {
			err = c.c.(*net.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	out, err := io.ReadAll(c.br)
	if err != nil {
		t.Fatalf("reading the raw reply: %v (after %d bytes)", err, len(out))
	}
	if err := <-werr; err != nil && !isReset(err) {
		t.Errorf("writing the raw upload: %v", err)
	}
	return out
}

func TestRawMode(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		raw := &rawEcho{errs: make(chan error, 1)}
		addr := startServer(t, &Server{Handler: newTestHandler(), Raw: raw, MaxBody: 64 << 10}, host)
		rng := rand.New(rand.NewPCG(1, 2))
		for _, sig := range signatures {
			t.Run(sig.name, func(t *testing.T) {
				data := make([]byte, 20<<10)
				for i := range data {
					data[i] = byte(rng.Uint32())
				}
				copy(data, sig.head)
				out := sendRaw(t, addr, data)
				if !bytes.Equal(out, data) {
					t.Errorf("the RawHandler got back %d bytes, not the %d sent", len(out), len(data))
				}
			})
		}
		t.Run("over MaxBody", func(t *testing.T) {
			data := bytes.Repeat([]byte{0x55}, 64<<10+1)
			copy(data, signatures[0].head)
			out := sendRaw(t, addr, data)
			if string(out) != "ERROR Request Entity Too Large\n" {
				t.Errorf("reply %q", out)
			}
			select {
			case err := <-raw.errs:
				var pe *proto.Error
				if !errors.As(err, &pe) || pe.Status != 413 {
					t.Errorf("the RawHandler's read failed with %v; want a *proto.Error with Status 413", err)
				}
			case <-time.After(ioWait):
				t.Errorf("the RawHandler's read did not fail")
			}
		})
		t.Run("at MaxBody", func(t *testing.T) {
			data := bytes.Repeat([]byte{0x55}, 64<<10)
			copy(data, signatures[1].head)
			if out := sendRaw(t, addr, data); !bytes.Equal(out, data) {
				t.Errorf("got back %d bytes of %d", len(out), len(data))
			}
		})
	})
}

func TestRawModeSlowUpload(t *testing.T) {
	// The upload comes in pieces; only the half-close ends it.
	addr := startServer(t, &Server{Handler: newTestHandler(), Raw: &rawEcho{}}, "127.0.0.1")
	c := dial(t, addr)
	want := signatures[0].head + strings.Repeat("x", 100)
	for i := 0; i < len(want); i += 37 {
		c.send(want[i:min(i+37, len(want))])
		time.Sleep(5 * time.Millisecond)
	}
	c.c.(*net.TCPConn).CloseWrite()
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	out, err := io.ReadAll(c.br)
	if err != nil || string(out) != want {
		t.Errorf("got %d bytes, %v; want the %d sent", len(out), err, len(want))
	}
}

func TestRawModeStalled(t *testing.T) {
	raw := &rawEcho{errs: make(chan error, 1)}
	addr := startServer(t, &Server{Handler: newTestHandler(), Raw: raw, BodyTimeout: short}, "127.0.0.1")
	c := dial(t, addr)
	c.send(signatures[1].head) // and never half-closes
	select {
	case err := <-raw.errs:
		if !isTimeout(err) {
			t.Errorf("the stalled raw read failed with %v; want a deadline error", err)
		}
	case <-time.After(ioWait):
		t.Fatal("the stalled raw read never failed")
	}
	c.c.SetReadDeadline(time.Now().Add(ioWait))
	if out, _ := io.ReadAll(c.br); string(out) != "ERROR Request Timeout\n" {
		t.Errorf("reply %q", out)
	}
}

func TestNotRaw(t *testing.T) {
	addr := startServer(t, &Server{Handler: newTestHandler(), Raw: &rawEcho{}}, "127.0.0.1")
	for _, tt := range []struct {
		req    string
		status int
	}{
		{"GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"BMOVE /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"BM /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"GIF /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"MMM /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"II /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"RIFF /a HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		{"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n\xff\xd8\xff", 200},
	} {
		c := dial(t, addr)
		c.send(tt.req)
		r := c.read("GET")
		if r.StatusCode != tt.status {
			t.Errorf("%q: status %d; want %d", tt.req, r.StatusCode, tt.status)
		}
	}
	// A short request that could still become a signature is not waited
	// on beyond the point where it differs.
	c := dial(t, addr)
	c.send("G")
	time.Sleep(10 * time.Millisecond)
	c.send("ET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /b" {
		t.Errorf("split GET: %d %q", r.StatusCode, r.body)
	}
	// Only the first request of a connection can be raw.
	c.send("\xff\xd8\xff\xe0\r\n\r\n")
	if r := c.read("GET"); r.StatusCode != 400 {
		t.Errorf("image bytes as a second request: %d; want 400", r.StatusCode)
	}
}

func TestRawModeOff(t *testing.T) {
	addr := startServer(t, &Server{Handler: newTestHandler()}, "127.0.0.1")
	c := dial(t, addr)
	c.send(signatures[0].head + "\r\n\r\n")
	r := c.read("GET")
	checkHead(t, r)
	if r.StatusCode != 400 {
		t.Errorf("image bytes without a RawHandler: %d; want 400", r.StatusCode)
	}
	c.expectClosed()
}

func TestIsRawUpload(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"\xff\xd8\xff", true},
		{"\xff\xd8", false},
		{"\x89PNG\r\n\x1a\n", true},
		{"\x89PNG\r\n", false},
		{"GIF89a", true},
		{"GIF8", false},
		{"GET / HTTP/1.1\r\n", false},
		{"BM\x00", true},
		{"BMA\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00", true}, // 786497 bytes: a letter after BM
		{"BMZZ\x0c\x00", true},
		{"BM6\x0c\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", true},
		{"BMOVE / HTTP/1.1\r\n", false},
		{"BM / HTTP/1.1\r\n", false},
		{"BMOVE", false},
		{"BMOVEMOVEMOVEMOVE", false},
		{"II*\x00", true},
		{"MM\x00*", true},
		{"RIFF\x00\x00\x00\x00WEBP", true},
		{"RIFF\x00\x00\x00\x00WAVE", false},
		{"", false},
	} {
		br := bufio.NewReader(strings.NewReader(tt.in))
		if got := isRawUpload(br); got != tt.want {
			t.Errorf("isRawUpload(%q) = %v; want %v", tt.in, got, tt.want)
		}
		if br.Buffered() != len(tt.in) && len(tt.in) > 0 {
			// Peeking must not consume: the request parser reads it all.
			if b, _ := br.Peek(len(tt.in)); string(b) != tt.in {
				t.Errorf("isRawUpload(%q) consumed input", tt.in)
			}
		}
	}
}
