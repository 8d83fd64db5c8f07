//go:build unix

package client

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether w is an *os.File open on a terminal: one whose
// terminal attributes can be read (ioctlReadTermios names that request on
// each system).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), ioctlReadTermios)
	return err == nil
}

// terminalWidth returns the width in columns of the terminal behind w, or 0
// when it is unknown.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
