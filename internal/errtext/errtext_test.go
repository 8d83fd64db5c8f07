package errtext

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFS(t *testing.T) {
	dir := t.TempDir()
	_, missing := os.Open(filepath.Join(dir, "no-hay"))
	file := filepath.Join(dir, "archivo")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, notDir := os.Open(filepath.Join(file, "dentro"))
	tests := []struct {
		err  error
		want string
	}{
		{missing, "no existe"},
		{notDir, "no es un directorio"},
		{&os.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, "permiso denegado"},
		{fmt.Errorf("guardando: %w", syscall.ENOSPC), "no queda espacio en el disco"},
		{errors.New("otra cosa"), "error inesperado del sistema de archivos"},
	}
	for _, tt := range tests {
		if got := FS(tt.err); got != tt.want {
			t.Errorf("FS(%v) = %q; want %q", tt.err, got, tt.want)
		}
	}
	if got := Known(errors.New("otra cosa")); got != "" {
		t.Errorf("Known of an unknown error = %q; want \"\"", got)
	}
}
