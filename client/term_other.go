//go:build !unix && !windows

package client

import "io"

// isTerminal reports whether w is a terminal; on systems without termios or
// a console API the client assumes it is not and prints plain lines.
func isTerminal(w io.Writer) bool { return false }

// terminalWidth returns 0: unknown.
func terminalWidth(w io.Writer) int { return 0 }
