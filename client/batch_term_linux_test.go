package client

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTYPair opens a pseudo-terminal of cols columns and returns both
// sides: the master, where what is written to the terminal is read, and the
// terminal itself.
func openPTYPair(t *testing.T, cols int) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("sin pseudoterminales (/dev/ptmx): %v", err)
	}
	fd := int(master.Fd())
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	}
	if err != nil {
		master.Close()
		t.Skipf("no se pudo abrir la pseudoterminal: %v", err)
	}
	unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: uint16(cols)})
	t.Cleanup(func() { master.Close(); tty.Close() })
	return master, tty
}

// TestBatchOnTerminal runs "procesa cliente" over a directory with its
// output on a terminal, as a user sees it: each image has a line that is
// redrawn in place and erased when it ends, so that the results and the
// summary are what is left on the screen. With TERM=dumb the same run prints
// plain lines, with no control sequence.
func TestBatchOnTerminal(t *testing.T) {
	bin := serverBinary(t)
	srv := startServerWorkers(t, "127.0.0.1", 2)
	dir := t.TempDir()
	fotos := filepath.Join(dir, "fotos")
	os.Mkdir(fotos, 0o755)
	copyImage(t, "video-001.png", fotos, "uno.png")
	copyImage(t, "video-001.jpeg", fotos, "dos.jpeg")
	copyImage(t, "video-001.gif", fotos, "tres.gif")
	for _, term := range []string{"xterm-256color", "dumb"} {
		t.Run(term, func(t *testing.T) {
			master, tty := openPTYPair(t, 70)
			out := t.TempDir()
			cmd := exec.CommandContext(t.Context(), bin, "cliente", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", out, "fotos")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "TERM="+term)
			cmd.Stdout, cmd.Stderr = tty, tty
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var screen bytes.Buffer
			read := make(chan struct{})
			go func() {
				io.Copy(&screen, master) // ends with EIO once no one holds the terminal
				close(read)
			}()
			err := cmd.Wait()
			tty.Close()
			<-read
			text := screen.String()
			t.Logf("pantalla: %q", text)
			if err != nil {
				t.Fatalf("procesa cliente: %v", err)
			}
			if term == "dumb" {
				if strings.Contains(text, "\x1b") {
					t.Errorf("con TERM=dumb se escribieron secuencias de control")
				}
				if strings.Count(text, ": Subida completa.") != 3 || strings.Count(text, ": Estado: Completada") != 3 {
					t.Errorf("con TERM=dumb no hay una línea simple por evento de cada imagen")
				}
				return
			}
			if !strings.Contains(text, "\x1b[J") || !regexp.MustCompile(`\x1b\[\d+A`).MatchString(text) {
				t.Errorf("en una terminal, las líneas no se redibujan en su sitio")
			}
			for _, name := range []string{"fotos/uno.png", "fotos/dos.jpeg", "fotos/tres.gif"} {
				if !regexp.MustCompile(regexp.QuoteMeta(name) + ` +\[=+\] 100%`).MatchString(text) {
					t.Errorf("%s no tuvo una línea con su barra de progreso", name)
				}
			}
			left := replay(t, text)
			if n := len(left); n != 8 { // the count, 3 x (id, result), the summary
				t.Errorf("quedaron %d líneas en pantalla; quería 8: %q", n, left)
			}
			if len(left) > 0 && left[len(left)-1] != "Resumen: 3 imágenes procesadas de 3." {
				t.Errorf("la última línea es %q; quería el resumen", left[len(left)-1])
			}
			for _, line := range left {
				if strings.Contains(line, "%") || strings.Contains(line, "Estado:") {
					t.Errorf("quedó en pantalla una línea de progreso: %q", line)
				}
			}
		})
	}
}
