package imgproc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"runtime"
	"testing"
	"time"
)

// rawPNG builds an 8-bit RGB PNG of w×h from rows of filtered data (each
// with its filter byte), with valid chunks and checksums.
func rawPNG(t *testing.T, w, h int, rows []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		body := append([]byte(typ), data...)
		out.Write(body)
		binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(body))
		out.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// TestStreamPNGStopsInflating checks that when the rows turn out bad
// early in a tall PNG (a filter type that does not exist), the job fails
// with a decode error and the goroutine inflating ahead of the unfiltering
// stops too, instead of waiting forever for buffers.
func TestStreamPNGStopsInflating(t *testing.T) {
	const w, h = 64, 3000
	rows := make([]byte, h*(1+3*w))
	for y := range h {
		rows[y*(1+3*w)] = 2 // Up
	}
	good := rawPNG(t, w, h, rows)
	if _, err := Process(good, io.Discard, DefaultOptions()); err != nil {
		t.Fatalf("the valid PNG: %v", err)
	}
	before := runtime.NumGoroutine()
	for _, bad := range []int{0, 40, h - 1} { // first batch, a later one, the last row
		r := bytes.Clone(rows)
		r[bad*(1+3*w)] = 9
		_, err := Process(rawPNG(t, w, h, r), io.Discard, DefaultOptions())
		wantKind(t, "bad filter type", err, KindDecode, 422)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left running, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
