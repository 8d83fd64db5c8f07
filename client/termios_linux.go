package client

import "golang.org/x/sys/unix"

// ioctlReadTermios is the ioctl request that reads a terminal's attributes:
// TCGETS on Linux, TIOCGETA on macOS and the BSDs.
const ioctlReadTermios = unix.TCGETS
