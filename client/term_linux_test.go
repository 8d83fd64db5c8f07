package client

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its terminal side.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("sin pseudoterminales (/dev/ptmx): %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("no se pudo desbloquear la pseudoterminal: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("no se pudo saber el número de la pseudoterminal: %v", err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no se pudo abrir /dev/pts/%d: %v", n, err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

// TestDumbTerminalGetsPlainLines: on a terminal the display redraws its
// lines, unless TERM=dumb says that the terminal does not understand control
// sequences such as ESC[K.
func TestDumbTerminalGetsPlainLines(t *testing.T) {
	tty := openPTY(t)
	for _, tc := range []struct {
		term string
		want bool
	}{
		{"xterm-256color", true},
		{"dumb", false},
	} {
		t.Setenv("TERM", tc.term)
		if got := newDisplay(tty).tty; got != tc.want {
			t.Errorf("TERM=%s en una terminal: redibuja = %v; quería %v", tc.term, got, tc.want)
		}
	}
}
