package client

import (
	"errors"
	"fmt"
	"os"
)

// statImage checks that path names a regular file, without opening it: opening
// a FIFO with no writer would block, beyond the reach of Ctrl-C.
func statImage(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no existe el archivo «%s»", path)
		}
		return nil, fail(err, "no se pudo abrir «%s»", path)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("«%s» no es un archivo común", path)
	}
	return fi, nil
}

// openImage opens the file to upload and returns its size. It checks with
// statImage first, and again on the open file, in case the name was replaced
// in between.
func openImage(path string) (*os.File, int64, error) {
	if _, err := statImage(path); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, fmt.Errorf("no existe el archivo «%s»", path)
		}
		return nil, 0, fail(err, "no se pudo abrir «%s»", path)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fail(err, "no se pudo abrir «%s»", path)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("«%s» no es un archivo común", path)
	}
	return f, fi.Size(), nil
}
