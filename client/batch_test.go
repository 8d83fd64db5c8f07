package client

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseArgsBatch(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Options
	}{
		{[]string{"a.jpg", "b.png", "fotos/"}, Options{Images: []string{"a.jpg", "b.png", "fotos/"}}},
		{[]string{"-r", "fotos", "--paralelo", "3", "-o", "grises", "x.gif"},
			Options{Images: []string{"fotos", "x.gif"}, Recursive: true, Parallel: 3, Output: "grises"}},
		{[]string{"--recursivo", "--paralelo=1", "fotos"}, Options{Image: "fotos", Recursive: true, Parallel: 1}},
	} {
		got, err := parseArgs(tc.args)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseArgs(%q) = %+v, %v; quería %+v", tc.args, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--paralelo", "dos", "a.jpg"}, `--paralelo "dos": debe ser un número entero mayor que 0`},
		{[]string{"--paralelo", "-1", "a.jpg"}, `--paralelo "-1": debe ser un número entero mayor que 0`},
		{[]string{"--paralelo"}, "falta el valor de la opción --paralelo"},
		{[]string{"-r=quizá", "a"}, "-r no lleva valor"},
		{[]string{"a.jpg", "", "b.jpg"}, "la ruta de la imagen está vacía"},
	} {
		_, err := parseArgs(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseArgs(%q) error = %v; quería uno con %q", tc.args, err, tc.want)
		}
	}
}

// writeFiles creates each file of files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListImages(t *testing.T) {
	png, err := os.ReadFile(testImage(t, "video-001.png"))
	if err != nil {
		t.Fatal(err)
	}
	gif, err := os.ReadFile(testImage(t, "video-001.gif"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"fotos/b.png":                 png,
		"fotos/a.gif":                 gif,
		"fotos/foto.jpg.txt":          []byte("no es una imagen"),
		"fotos/sin-extension":         png, // found by its bytes, not its name
		"fotos/.oculta.png":           png,
		"fotos/b_procesada.jpg":       png, // a result of an earlier run
		"fotos/b_procesada-2.jpg":     png,
		"fotos/sub/b.png":             png,
		"fotos/sub/honda/c.png":       png,
		"fotos/.git/d.png":            png,
		"vacio/leame.txt":             []byte("nada"),
		"suelto_procesada-x.png":      png, // not a result name: "-x" is no number
		"fotos/sub/honda/notas.jpeg ": []byte("tampoco"),
	})
	t.Chdir(dir)
	paths := func(items []*batchItem) (p, names []string) {
		for _, it := range items {
			p = append(p, filepath.ToSlash(it.path))
			names = append(names, it.resultName)
		}
		return p, names
	}

	items, empty := listImages([]string{"fotos", "falta.png", "vacio", "fotos/b.png", "suelto_procesada-x.png"}, false)
	got, names := paths(items)
	want := []string{"fotos/a.gif", "fotos/b.png", "fotos/sin-extension", "falta.png", "suelto_procesada-x.png"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sin -r: %q; quería %q", got, want)
	}
	if !reflect.DeepEqual(empty, []string{"vacio"}) {
		t.Errorf("directorios sin imágenes: %q; quería [vacio]", empty)
	}
	wantNames := []string{"a_procesada", "b_procesada", "sin-extension_procesada", "falta_procesada", "suelto_procesada-x_procesada"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("nombres de resultado %q; quería %q", names, wantNames)
	}

	items, _ = listImages([]string{"fotos"}, true)
	got, names = paths(items)
	want = []string{"fotos/a.gif", "fotos/b.png", "fotos/sin-extension", "fotos/sub/b.png", "fotos/sub/honda/c.png"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("con -r: %q; quería %q", got, want)
	}
	if names[1] != "b_procesada" || names[3] != "b_procesada-2" {
		t.Errorf("dos b.png se llaman %q y %q; quería b_procesada y b_procesada-2", names[1], names[3])
	}
}

func TestBatchOutputMustBeADirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "uno.jpg")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tc := range []struct {
		out, want string
	}{
		{file, "no es un directorio"},
		{filepath.Join(dir, "nuevo.jpg"), "no existe"},
	} {
		// No server listens on port 1: the refusal comes before any
		// connection.
		r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", "1", "-o", tc.out, testImage(t, "video-001.png"), testImage(t, "video-001.gif"))
		want := "procesa cliente: -o " + `"` + tc.out + `"` + ": con varias imágenes, -o debe ser un directorio existente"
		if r.code != exitUsage || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("-o %s: estado %d, stderr %q; quería 2 y %q ... %q", tc.out, r.code, r.stderr, want, tc.want)
		}
	}
	// A directory alone is a batch too.
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", "1", "-o", file, dir)
	if r.code != exitUsage || !strings.Contains(r.stderr, "-o debe ser un directorio existente") {
		t.Errorf("un directorio con -o archivo: estado %d, stderr %q; quería 2", r.code, r.stderr)
	}
}

// TestBatchTerminalDisplay: on a terminal the lines of the images under way
// form a block that is redrawn in place (moved over with ESC[nA, erased with
// ESC[J); what is said once goes above the block; no line of the block is
// wider than the terminal (it would wrap and break the count of lines to
// move over).
func TestBatchTerminalDisplay(t *testing.T) {
	var out, errw bytes.Buffer
	clk := &fakeClock{time.Unix(1000, 0)}
	d := &batchDisplay{out: &out, w: &errw, tty: true, width: 50, now: clk.now}
	d.setLabels([]*batchItem{{path: "a.png"}, {path: "un/nombre/muy/largo/de/directorio/b.jpg"}})
	a := d.add("a.png")
	b := d.add("un/nombre/muy/largo/de/directorio/b.jpg")
	a.startUpload("a.png", 1000)
	clk.t = clk.t.Add(minRedraw)
	a.uploaded(500)
	b.status("En cola", 0)
	a.Write([]byte("Resultado guardado en a_procesada.jpg (1x1, 1 B)\n"))
	d.remove(a)
	b.message("falló: algo")
	d.remove(b)

	// Replay the writes on a screen of lines to see what is left on it.
	screen := replay(t, errw.String())
	want := []string{"falló: algo"}
	if len(screen) != 1 || !strings.HasSuffix(screen[0], want[0]) {
		t.Errorf("en pantalla quedó %q; quería solo la línea «...%s»", screen, want[0])
	}
	if got := out.String(); got != "a.png: Resultado guardado en a_procesada.jpg (1x1, 1 B)\n" {
		t.Errorf("stdout %q", got)
	}
	for _, draw := range regexp.MustCompile(`\x1b\[J`).Split(errw.String(), -1) {
		for _, line := range strings.Split(draw, "\n") {
			line = regexp.MustCompile(`\x1b\[\d*A|\r`).ReplaceAllString(line, "")
			block := strings.Contains(line, "%") || strings.Contains(line, "Estado:") || strings.Contains(line, "En espera")
			if n := len([]rune(line)); block && n > 49 {
				t.Errorf("línea de %d columnas en una terminal de 50: %q", n, line)
			}
		}
	}
	for _, want := range []string{"a.png ", " 50%", "...", "Estado: En cola"} {
		if !strings.Contains(errw.String(), want) {
			t.Errorf("stderr no muestra %q: %q", want, errw.String())
		}
	}
}

// TestBatchTerminalBlockIsBounded: with more images under way than fit in
// the block, the last line counts the others, and the block still erases
// itself whole.
func TestBatchTerminalBlockIsBounded(t *testing.T) {
	var errw bytes.Buffer
	d := &batchDisplay{out: io.Discard, w: &errw, tty: true, width: 80, now: time.Now}
	var lines []*batchLine
	for i := range maxBlock + 3 {
		lines = append(lines, d.add(fmt.Sprintf("foto%02d.png", i)))
	}
	screen := replay(t, errw.String())
	if len(screen) != maxBlock || screen[maxBlock-1] != "... y 4 imágenes más en curso" {
		t.Errorf("el bloque tiene %d líneas y termina en %q; quería %d y «... y 4 imágenes más en curso»",
			len(screen), screen[len(screen)-1], maxBlock)
	}
	for _, l := range lines {
		d.remove(l)
	}
	if screen := replay(t, errw.String()); len(screen) != 0 {
		t.Errorf("quedó en pantalla %q; quería nada", screen)
	}
}

// replay interprets the output of the batch display (text, \n, \r, ESC[nA,
// ESC[J) on a screen of lines and returns the lines left on it, without
// trailing empty ones.
func replay(t *testing.T, s string) []string {
	t.Helper()
	var screen []string
	row := 0
	esc := regexp.MustCompile(`^\x1b\[(\d*)([AJK])`)
	for len(s) > 0 {
		for row >= len(screen) {
			screen = append(screen, "")
		}
		switch {
		case s[0] == '\n':
			row++
			s = s[1:]
		case s[0] == '\r':
			s = s[1:] // the display always writes whole lines after \r
		case s[0] == '\x1b':
			m := esc.FindStringSubmatch(s)
			if m == nil {
				t.Fatalf("secuencia desconocida en %q", s)
			}
			switch m[2] {
			case "A":
				n := 1
				if m[1] != "" {
					n, _ = strconv.Atoi(m[1])
				}
				row -= n
				if row < 0 {
					t.Fatalf("el cursor subió por encima de la primera línea")
				}
			case "J":
				screen = screen[:row+1]
				screen[row] = ""
			case "K":
				screen[row] = ""
			}
			s = s[len(m[0]):]
		default:
			i := strings.IndexAny(s, "\n\r\x1b")
			if i < 0 {
				i = len(s)
			}
			screen[row] += s[:i]
			s = s[i:]
		}
	}
	for len(screen) > 0 && screen[len(screen)-1] == "" {
		screen = screen[:len(screen)-1]
	}
	return screen
}

func TestBatchPlainDisplay(t *testing.T) {
	var out, errw bytes.Buffer
	d := newBatchDisplay(&out, &errw)
	a := d.add("a.png")
	a.startUpload("a.png", 2048)
	a.uploaded(1024)
	a.uploaded(2048)
	a.endUpload()
	a.status("En cola", 0)
	a.status("En cola", time.Second)
	a.status("Completada", 2*time.Second)
	d.remove(a)
	want := "a.png: Subiendo (2,0 KiB)...\na.png: Subida completa.\na.png: Estado: En cola\na.png: Estado: Completada\n"
	if errw.String() != want {
		t.Errorf("stderr %q; quería %q", errw.String(), want)
	}
}
