package client

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFIFOImageIsRefusedWithoutOpening gives a FIFO with no writer as the
// image: opening it would block for ever (and beyond Ctrl-C), so the client
// must refuse it from its metadata alone.
func TestFIFOImageIsRefusedWithoutOpening(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "f.png")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no se puede crear una FIFO aquí: %v", err)
	}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{}).handle)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"argumento", "", []string{"-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), fifo}},
		{"respuesta", fifo + "\n", []string{"-i", "127.0.0.1", "-p", strconv.Itoa(srv.port)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan runResult, 1)
			go func() { done <- runClient(t, t.Context(), tc.stdin, tc.args...) }()
			var r runResult
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				// Give the blocked open() its writer, so the goroutine ends.
				if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
					defer w.Close()
				}
				<-done
				t.Fatal("el cliente quedó bloqueado abriendo la FIFO")
			}
			if r.code != exitFailure || !strings.Contains(r.stderr, "«"+fifo+"» no es un archivo común") {
				t.Errorf("estado %d, stderr %q; quería 1 y «no es un archivo común»", r.code, r.stderr)
			}
		})
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("el cliente se conectó %d veces con una FIFO como imagen", n)
	}
}

// TestOutputIsCheckedBeforeUpload gives -o values where the result cannot be
// saved: each must be refused before the client connects, not after the
// server has done the work.
func TestOutputIsCheckedBeforeUpload(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("img", 0o755); err != nil {
		t.Fatal(err)
	}
	img, data := copyImage(t, "video-001.png", filepath.Join(dir, "img"), "foto.png")
	if err := os.Link(img, filepath.Join(dir, "enlace.png")); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo("fifo.jpg"); err != nil {
		t.Skipf("no se puede crear una FIFO aquí: %v", err)
	}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle((&fakeTasks{result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}).handle)
	port := strconv.Itoa(srv.port)
	type testCase struct {
		name, output, image, stdin, want string
	}
	cases := []testCase{
		{"directorio inexistente", "nodir/x.jpg", "img/foto.png", "",
			"no se puede guardar el resultado en «nodir/x.jpg»: no existe el directorio «nodir»"},
		{"directorio inexistente con barra", "nodir/", "img/foto.png", "",
			"no se puede guardar el resultado en «nodir/»: no existe ese directorio"},
		{"un archivo como directorio", "img/foto.png/x.jpg", "enlace.png", "",
			"el directorio «img/foto.png» no es un directorio"},
		// Not /dev/null: a client that renamed its result over it, as root,
		// would replace the device for the whole machine.
		{"FIFO", "fifo.jpg", "img/foto.png", "", "no es un archivo común ni un directorio"},
		{"la misma imagen", "img/foto.png", "img/foto.png", "", "es la imagen que se va a procesar"},
		{"la misma imagen por otra ruta", "../" + filepath.Base(dir) + "/img/./foto.png", "img/foto.png", "",
			"es la imagen que se va a procesar"},
		{"la misma imagen por un enlace duro", "enlace.png", "img/foto.png", "", "es la imagen que se va a procesar"},
		{"la misma imagen, preguntada", "img/foto.png", "", "img/foto.png\n", "es la imagen que se va a procesar"},
	}
	if fi, err := os.Stat("/proc/self"); err == nil && fi.IsDir() {
		cases = append(cases, testCase{"/proc", "/proc/x.jpg", "img/foto.png", "",
			"no se puede guardar el resultado en «/proc/x.jpg»: el directorio «/proc» no admite archivos nuevos"})
	}
	if os.Geteuid() != 0 { // root writes anywhere
		if err := os.Mkdir("solo-lectura", 0o555); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, testCase{"sin permiso", "solo-lectura/x.jpg", "img/foto.png", "",
			"no se pueden crear archivos en el directorio «solo-lectura»: permiso denegado"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-i", "127.0.0.1", "-p", port, "-o", tc.output}
			if tc.image != "" {
				args = append(args, tc.image)
			}
			r := runClient(t, t.Context(), tc.stdin, args...)
			if r.code != exitFailure || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("estado %d, stderr %q; quería 1 y %q", r.code, r.stderr, tc.want)
			}
			if strings.Contains(r.stdout, "ID de la tarea") {
				t.Errorf("se subió la imagen antes de rechazar la salida")
			}
		})
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("el cliente se conectó %d veces; quería rechazar cada salida antes de conectarse", n)
	}
	if got, err := os.ReadFile(img); err != nil || !bytes.Equal(got, data) {
		t.Errorf("la imagen original cambió: %d bytes, %v", len(got), err)
	}
	if entries, _ := os.ReadDir("."); len(entries) > 4 {
		t.Errorf("quedaron archivos de prueba en el directorio: %v", entries)
	}
}

// TestOverwritesAnotherOutput: an existing output file that is not the image
// is replaced, as curl -o does.
func TestOverwritesAnotherOutput(t *testing.T) {
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	out := filepath.Join(dir, "gris.jpg")
	if err := os.WriteFile(out, []byte("viejo"), 0o644); err != nil {
		t.Fatal(err)
	}
	tasks := &fakeTasks{result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle(tasks.handle)
	r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", out, img)
	if got, err := os.ReadFile(out); r.code != 0 || err != nil || !bytes.Equal(got, tasks.result) {
		t.Errorf("estado %d, %s = %q, %v; quería 0 y el resultado", r.code, out, got, err)
	}
}

// TestOutputExtension: an -o name whose extension is a format the server does
// not produce is refused before anything is sent; a name without an extension
// gets the server's default format under that very name.
func TestOutputExtension(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	tasks := &fakeTasks{result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}
	srv := newFakeServer(t, "127.0.0.1:0")
	srv.setHandle(tasks.handle)
	port := strconv.Itoa(srv.port)
	for _, out := range []string{"out.gif", "OUT.GIF", "x.webp", "x.jpg.bak"} {
		r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, "-o", out, img)
		want := "solo puede guardarse como JPEG (.jpg, .jpeg) o PNG (.png), no como " + strings.ToLower(filepath.Ext(out))
		if r.code != exitUsage || !strings.Contains(r.stderr, want) {
			t.Errorf("-o %s: estado %d, stderr %q; quería 2 y %q", out, r.code, r.stderr, want)
		}
	}
	if n := srv.conns.Load(); n != 0 {
		t.Fatalf("el cliente se conectó %d veces con extensiones que no puede producir", n)
	}

	// A directory is a directory whatever its name.
	if err := os.Mkdir("fotos.gif", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ out, target, saved string }{
		{"fotos.gif", "/procesar", filepath.Join("fotos.gif", "foto_procesada.jpg")},
		{"salida", "/procesar", "salida"},
		{"X.JPEG", "/procesar?formato=jpeg", "X.JPEG"},
	} {
		before := len(srv.requests())
		r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", port, "-o", tc.out, img)
		if r.code != 0 {
			t.Errorf("-o %s: estado %d; quería 0", tc.out, r.code)
			continue
		}
		if up := srv.requests()[before]; up.Target != tc.target {
			t.Errorf("-o %s: subida a %s; quería %s", tc.out, up.Target, tc.target)
		}
		if got, err := os.ReadFile(tc.saved); err != nil || !bytes.Equal(got, tasks.result) {
			t.Errorf("-o %s: %s = %q, %v; quería el resultado", tc.out, tc.saved, got, err)
		}
	}
}
