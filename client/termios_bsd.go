//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package client

import "golang.org/x/sys/unix"

// ioctlReadTermios is the ioctl request that reads a terminal's attributes:
// TIOCGETA on macOS and the BSDs, TCGETS on Linux.
const ioctlReadTermios = unix.TIOCGETA
