package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"io"
	"runtime"
	"testing"
)

// pngBomb returns a PNG whose header declares w×h 8-bit gray pixels,
// followed by the start of a zlib stream of zeros.
func pngBomb(w, h int) []byte {
	chunk := func(typ string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(b, typ...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", ihdr)...)
	return append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x62, 0x60, 0x18})...)
}

// jpegBomb returns a small real JPEG whose SOF0 is patched to declare w×h.
func jpegBomb(t testing.TB, w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], uint16(h))
	binary.BigEndian.PutUint16(b[i+7:], uint16(w))
	return b
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

func wantKind(t *testing.T, name string, err error, k Kind, status int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != k || e.Status() != status {
		t.Errorf("%s: error %#v; want kind %v (%d)", name, err, k, status)
	}
}

func TestBombsRefusedWithoutAllocating(t *testing.T) {
	bombs := map[string][]byte{
		"png 50000x50000":    pngBomb(50000, 50000),
		"png at PNG's limit": pngBomb(1<<31-1, 1<<31-1), // image/png: "dimension overflow"
		"jpeg 65000x65000":   jpegBomb(t, 65000, 65000),
	}
	o := DefaultOptions()
	for name, b := range bombs {
		var err error
		n := allocated(func() { _, err = Check(b, o) })
		wantKind(t, name+" Check", err, KindTooLarge, 413)
		if n > 64<<10 {
			t.Errorf("%s: Check allocated %d bytes", name, n)
		}
		n2 := allocated(func() { _, err = Process(b, io.Discard, o) })
		wantKind(t, name+" Process", err, KindTooLarge, 413)
		if n2 > 64<<10 {
			t.Errorf("%s: Process allocated %d bytes", name, n2)
		}
		t.Logf("%s: refused with 413; Check allocated %d bytes, Process %d", name, n, n2)
	}
}

func TestCheck(t *testing.T) {
	small := pngBomb(300, 200) // a header is all Check reads
	o := DefaultOptions()
	info, err := Check(small, o)
	if err != nil || info != (Info{Format: "png", Width: 300, Height: 200, OutWidth: 300, OutHeight: 200}) {
		t.Errorf("Check = %+v, %v", info, err)
	}

	o.MaxPixels = 300 * 200
	if _, err := Check(small, o); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
	o.MaxPixels--
	_, err = Check(small, o)
	wantKind(t, "source over limit", err, KindTooLarge, 413)

	o = DefaultOptions()
	o.MaxPixels = 300 * 200 * 2
	o.Scale = 1.5 // 450x300 = 135000 > 120000
	_, err = Check(small, o)
	wantKind(t, "output over limit", err, KindTooLarge, 413)
	if err.(*Error).Msg == errSource.Msg {
		t.Error("output limit reported as source limit")
	}

	o = DefaultOptions()
	o.MaxPixels = 0
	o.Scale = 1e300 // no limit: sides are capped, no overflow
	if info, err := Check(small, o); err != nil || info.OutWidth != maxSide {
		t.Errorf("no limit: %+v, %v", info, err)
	}

	o = DefaultOptions()
	o.Quality = 0
	_, err = Check(small, o)
	wantKind(t, "bad option", err, KindParam, 400)

	_, err = Check([]byte("hola, no soy una imagen"), DefaultOptions())
	wantKind(t, "not an image", err, KindFormat, 415)
	_, err = Check(small[:20], DefaultOptions())
	wantKind(t, "truncated header", err, KindDecode, 422)
	_, err = Check(pngBomb(0, 10), DefaultOptions())
	wantKind(t, "zero width", err, KindDecode, 422)
}

func TestCheckOrientedSize(t *testing.T) {
	src := withSegment(jpegBomb(t, 40, 10), exifAPP1(6))
	o := DefaultOptions()
	o.Width = 5
	info, err := Check(src, o)
	if err != nil || info.Width != 10 || info.Height != 40 || info.OutWidth != 5 || info.OutHeight != 20 {
		t.Errorf("Check = %+v, %v; want 10x40 oriented, 5x20 out", info, err)
	}
}

func TestProcessCorrupt(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	cut := b[:len(b)/2] // header fine, scan data cut
	_, err := Process(cut, io.Discard, DefaultOptions())
	wantKind(t, "truncated JPEG", err, KindDecode, 422)

	bomb := pngBomb(100, 100) // header fine, IDAT truncated
	_, err = Process(bomb, io.Discard, DefaultOptions())
	wantKind(t, "truncated PNG", err, KindDecode, 422)
}

func FuzzProcess(f *testing.F) {
	f.Add(pngBomb(8, 8))
	f.Add(jpegBomb(f, 16, 16))
	f.Add(append([]byte{0xff, 0xd8}, exifAPP1(6)...))
	o := DefaultOptions()
	o.MaxPixels = 1 << 16 // keep each input small
	f.Fuzz(func(t *testing.T, b []byte) {
		_, cerr := Check(b, o)
		info, err := Process(b, io.Discard, o)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		if cerr != nil {
			t.Fatalf("Check failed (%v) where Process succeeded", cerr)
		}
		if info.OutWidth < 1 || info.OutHeight < 1 {
			t.Fatalf("bad output size %+v", info)
		}
	})
}
