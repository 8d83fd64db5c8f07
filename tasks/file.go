package tasks

import (
	"os"
	"path/filepath"
	"sort"

	"github.com/google/uuid"

	"procesa/trace"
)

// writeFile writes data to path atomically: to a temporary file first, then
// renamed over path. When durable, the data and the rename reach the disk
// (fsync) before it returns.
func (s *Store) writeFile(path string, data []byte, durable bool) error {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "registro-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && durable {
		err = f.Sync()
		trace.Fsync(f.Name())
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
		trace.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	if durable {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

// syncDir makes a rename inside dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	trace.FsyncDir(dir)
	return d.Sync()
}

// tmpName returns a fresh path under tmp/ for a file a worker writes.
func (s *Store) tmpName(ext string) string {
	return filepath.Join(s.dir, "tmp", "resultado-"+uuid.NewString()+"."+ext)
}

func sortByCreation(ts []*Task) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Created.Before(ts[j].Created) })
}
