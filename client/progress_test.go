package client

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestHumanBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1,0 KiB"}, {1536, "1,5 KiB"},
		{32 << 20, "32,0 MiB"}, {3 << 30, "3,0 GiB"},
	} {
		if got := humanBytes(tc.n); got != tc.want {
			t.Errorf("humanBytes(%d) = %q; quería %q", tc.n, got, tc.want)
		}
	}
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestTerminalDisplay(t *testing.T) {
	var b bytes.Buffer
	clk := &fakeClock{time.Unix(1000, 0)}
	d := &display{w: &b, tty: true, width: 60, now: clk.now}
	d.startUpload("foto.png", 4000)
	d.uploaded(1000) // too soon after the first draw: not redrawn
	clk.t = clk.t.Add(minRedraw)
	d.uploaded(2000)
	d.uploaded(4000) // the end is always drawn
	d.endUpload()
	d.status("En cola", 0)
	d.status("En progreso", 1500*time.Millisecond)
	d.message("listo")
	out := b.String()
	draws := strings.Split(out, "\r\x1b[K")
	// "", bar 0 %, bar 50 %, bar 100 % + newline, two status lines.
	if len(draws) != 6 {
		t.Fatalf("%d redibujos en %q; quería 5", len(draws)-1, out)
	}
	for i, want := range []string{"  0%       0 B / 3,9 KiB", " 50%   2,0 KiB / 3,9 KiB", "100%   3,9 KiB / 3,9 KiB\n",
		"Estado: En cola (0,0 s)", "Estado: En progreso (1,5 s)\nlisto\n"} {
		if !strings.Contains(draws[i+1], want) {
			t.Errorf("redibujo %d = %q; quería que contuviera %q", i+1, draws[i+1], want)
		}
	}
	for i, line := range draws[1:4] {
		line = strings.TrimSuffix(line, "\n")
		if n := len([]rune(line)); n > 59 {
			t.Errorf("barra %d de %d columnas en una terminal de 60: %q", i+1, n, line)
		}
		if !strings.Contains(line, "[") {
			t.Errorf("barra %d sin barra: %q", i+1, line)
		}
	}
	bars := map[int]bool{}
	for _, line := range draws[1:4] {
		bars[strings.Index(line, "]")] = true
	}
	if len(bars) != 1 {
		t.Errorf("la barra cambia de ancho entre redibujos: %q", draws[1:4])
	}
	if open, half := strings.Index(draws[2], "["), strings.Index(draws[2], ">"); half-open-1 != (strings.Index(draws[2], "]")-open-1)/2 {
		t.Errorf("la barra al 50 %% no está a medias: %q", draws[2])
	}
}

func TestPlainDisplay(t *testing.T) {
	var b bytes.Buffer
	d := &display{w: &b, now: time.Now}
	d.startUpload("foto.png", 10)
	d.uploaded(5)
	d.uploaded(10)
	d.endUpload()
	d.status("En cola", 0)
	d.status("En cola", time.Second)
	d.status("Completada", 2*time.Second)
	d.message("fin")
	want := "Subiendo foto.png (10 B)...\nSubida completa.\nEstado: En cola\nEstado: Completada\nfin\n"
	if b.String() != want {
		t.Errorf("salida %q; quería %q", b.String(), want)
	}
}

func TestCutShortUploadIsNotComplete(t *testing.T) {
	var b bytes.Buffer
	d := &display{w: &b, now: time.Now}
	d.startUpload("foto.png", 10)
	d.uploaded(4)
	d.endUpload()
	if strings.Contains(b.String(), "completa") {
		t.Errorf("salida %q: una subida cortada no está completa", b.String())
	}
}

func TestBufferIsNotATerminal(t *testing.T) {
	if isTerminal(&bytes.Buffer{}) {
		t.Error("isTerminal(*bytes.Buffer) = true")
	}
}
