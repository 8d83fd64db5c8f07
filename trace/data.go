package trace

import (
	"path/filepath"
)

// The data directory's lines begin with "[datos]": what is made durable
// there belongs to a task, not to a connection or a worker.
const dataPrefix = "[datos]"

// Fsync traces an fsync of the file at path: its data is on disk.
func Fsync(path string) {
	if on.Load() {
		fsync(path)
	}
}

func fsync(path string) {
	emit(dataPrefix, line("fsync ").str(short(path)))
}

// FsyncDir traces an fsync of the directory dir: the renames into it are on
// disk.
func FsyncDir(dir string) {
	if on.Load() {
		fsyncDir(dir)
	}
}

func fsyncDir(dir string) {
	emit(dataPrefix, line("fsync del directorio ").str(filepath.Base(dir)).str("/ (hace durable el rename)"))
}

// Rename traces an atomic rename from one path to another.
func Rename(from, to string) {
	if on.Load() {
		rename(from, to)
	}
}

func rename(from, to string) {
	emit(dataPrefix, line("rename ").str(short(from)).str(" -> ").str(short(to)))
}

// short keeps the last two elements of a path: "tmp/registro-123",
// "entradas/<id>".
func short(p string) string {
	dir, file := filepath.Split(filepath.Clean(p))
	return filepath.Join(filepath.Base(dir), file)
}
