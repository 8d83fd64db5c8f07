package netio

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fragments are pieces that garbage streams are built from: enough of HTTP
// to get past the first checks, and the bytes that upset parsers.
var fragments = []string{
	"GET ", "HEAD ", "POST ", "PUT ", "BMOVE ", "G", "/", "/echo", "/refuse", "/silent", "/a?b=c",
	"http://h/x", "*", " HTTP/1.1", " HTTP/1.0", " HTTP/9.9", "HTTP/1.1", "\r\n", "\n", "\r", "\r\n\r\n",
	"Host: x", "Host:", "Host: [::1]:80", "Content-Length: ", "Content-Length: 5", "Content-Length: 99999999999999999999",
	"Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Expect: 100-continue", "Expect: x",
	"Connection: close", "Connection: keep-alive", ":", " ", "\t", "\x00", "\x7f", "\xff", "%", "%00", "%zz", "..",
	"0", "5", "a", "ffffffffffffffff", ";ext=1", "0\r\n\r\n", "hola", "\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "GIF89a",
	"BM", "II*\x00", "MM\x00*", "RIFF\x00\x00\x00\x00WEBP", strings.Repeat("a", 3000), strings.Repeat("X: y\r\n", 30),
}

var seedRequests = []string{
	"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
	"HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhola!",
	"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nhola\r\n0\r\n\r\n",
	"PUT /refuse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
	"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
}

// garbage returns one random byte stream of one of three kinds: random
// bytes, a mutated valid request (or several pipelined), or fragments
// glued together.
func garbage(rng *rand.Rand) []byte {
	switch rng.IntN(3) {
	case 0:
		b := make([]byte, rng.IntN(2048))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	case 1:
		var b []byte
		for range 1 + rng.IntN(3) {
			b = append(b, seedRequests[rng.IntN(len(seedRequests))]...)
		}
		for range 1 + rng.IntN(4) {
			if len(b) == 0 {
				break
			}
			i := rng.IntN(len(b))
			switch rng.IntN(4) {
			case 0:
				b[i] = byte(rng.Uint32())
			case 1:
				b = append(b[:i], b[i+1:]...)
			case 2:
				b = append(b[:i], append([]byte{byte(rng.Uint32())}, b[i:]...)...)
			case 3:
				f := fragments[rng.IntN(len(fragments))]
				b = append(b[:i], append([]byte(f), b[i:]...)...)
			}
		}
		return b
	default:
		var b []byte
		for range rng.IntN(30) {
			b = append(b, fragments[rng.IntN(len(fragments))]...)
		}
		return b
	}
}

// TestGarbage sends hundreds of random byte streams on real connections,
// some at once. The server must never crash, never leave a connection
// behind, start every HTTP reply with a status line, and still answer a
// normal request afterwards.
func TestGarbage(t *testing.T) {
	s := &Server{
		Handler:       newTestHandler(),
		Raw:           &rawEcho{},
		MaxBody:       4096,
		HeaderTimeout: 300 * time.Millisecond,
		IdleTimeout:   300 * time.Millisecond,
		BodyTimeout:   300 * time.Millisecond,
	}
	addr := startServer(t, s, "127.0.0.1")
	streams := 600
	if testing.Short() {
		streams = 150
	}
	const parallel = 16
	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for w := range parallel {
		rng := rand.New(rand.NewPCG(uint64(w), 0x9e3779b97f4a7c15))
		wg.Go(func() {
			for i := w; i < streams; i += parallel {
				in := garbage(rng)
				out, err := exchange(addr, in, rng)
				if err != nil {
					t.Errorf("stream %d %q: %v", i, in, err)
					return
				}
				if len(out) == 0 || isRawUpload(bufioOf(in)) {
					continue
				}
				if !bytes.HasPrefix(out, []byte("HTTP/1.1 ")) || len(out) < 12 {
					t.Errorf("stream %d %q: reply %q does not start with a status line", i, in, out)
					continue
				}
				mu.Lock()
				statuses[string(out[9:12])]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var seen []string
	for st, n := range statuses {
		seen = append(seen, st+"×"+strconv.Itoa(n))
	}
	sort.Strings(seen)
	t.Logf("first statuses: %s", strings.Join(seen, " "))

	// Every connection is gone once its timeouts have passed.
	deadline := time.Now().Add(ioWait)
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after the garbage", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c := dial(t, addr)
	c.send("GET /despues HTTP/1.1\r\nHost: x\r\n\r\n")
	if r := c.read("GET"); r.StatusCode != 200 || r.body != "GET /despues" {
		t.Errorf("normal request after the garbage: %d %q", r.StatusCode, r.body)
	}
}

// exchange writes in on a new connection in random pieces, half-closes
// most of the time, and returns what the server sent until it closed. A
// reset is the server's right after it stopped reading.
func exchange(addr string, in []byte, rng *rand.Rand) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, ioWait)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	halfClose := rng.IntN(10) != 0
	var pieces [][]byte
	for rest := in; len(rest) > 0; {
		n := min(len(rest), 1+rng.IntN(512))
		pieces = append(pieces, rest[:n])
		rest = rest[n:]
	}
	go func() {
		c.SetWriteDeadline(time.Now().Add(ioWait))
		for _, p := range pieces {
			if _, err := c.Write(p); err != nil {
				return
			}
		}
		if halfClose {
			c.(*net.TCPConn).CloseWrite()
		}
	}()
	c.SetReadDeadline(time.Now().Add(ioWait))
	out, err := io.ReadAll(c)
	if isReset(err) {
		err = nil
	}
	return out, err
}

func bufioOf(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
