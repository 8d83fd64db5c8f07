package client

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

// discardServer answers every request on ln with a small 202 after reading
// and discarding its Content-Length body (with "100 Continue" first when asked): the cheapest server possible, so that
// a benchmark measures the client.
func discardServer(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReaderSize(c, 64<<10)
			for {
				var size int64
				expect := false
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if line == "\r\n" {
						break
					}
					if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
						size, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
					}
					expect = expect || line == "Expect: 100-continue\r\n"
				}
				if expect {
					io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
				}
				if _, err := io.CopyN(io.Discard, br, size); err != nil {
					return
				}
				io.WriteString(c, "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"id_tarea\":\"x\"}")
			}
		}()
	}
}

// BenchmarkUpload measures the client's upload path (request head, body copy
// with progress callbacks, reading the answer) over loopback for an 8 MiB
// body, on one kept-alive connection.
func BenchmarkUpload(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Skip(err)
	}
	defer ln.Close()
	go discardServer(ln)
	body := bytes.Repeat([]byte{0xAB}, 8<<20)
	c := newConn("127.0.0.1", ln.Addr().(*net.TCPAddr).Port)
	defer c.close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		head, rb, err := c.upload(b.Context(), "/procesar", nil, bytes.NewReader(body), int64(len(body)),
			func(int64) {}, ioTimeout)
		if err != nil || head.Status != 202 {
			b.Fatalf("upload: %v, %v", head, err)
		}
		io.Copy(io.Discard, rb)
		c.done()
	}
	if c.nc == nil {
		b.Error("the connection was not kept alive")
	}
}
