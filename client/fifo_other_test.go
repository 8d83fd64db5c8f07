//go:build !unix

package client

import "errors"

// mkfifo fails: there are no named pipes in the file system here, and the
// tests that need one skip.
func mkfifo(path string) error { return errors.New("sin FIFO en este sistema") }
