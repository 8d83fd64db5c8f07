package tasks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"procesa/trace"
)

// HeadSize is how much of an upload is kept in memory for sniffing and for
// reading the image header.
const HeadSize = 256 << 10

// Upload is an upload being received: its bytes go to a temporary file,
// and its first bytes are kept in memory too. Write it, then Commit or
// Abort it.
type Upload struct {
	s    *Store
	f    *os.File
	id   string
	head []byte
	n    int64
}

// NewUpload starts an upload with a new task id.
func (s *Store) NewUpload() (*Upload, error) {
	id := uuid.NewString()
	f, err := os.OpenFile(filepath.Join(s.dir, "tmp", id), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, s.disk.note(err)
	}
	return &Upload{s: s, f: f, id: id}, nil
}

// ID returns the id the task will have.
func (u *Upload) ID() string { return u.id }

// Size returns the bytes written so far.
func (u *Upload) Size() int64 { return u.n }

func (u *Upload) Write(p []byte) (int, error) {
	if room := HeadSize - len(u.head); room > 0 {
		u.head = append(u.head, p[:min(room, len(p))]...)
	}
	n, err := u.f.Write(p)
	u.n += int64(n)
	return n, u.s.disk.note(err)
}

// Head returns the first bytes of the upload (up to 256 KiB), or all of it
// when whole is true (reading the file back if it is bigger).
func (u *Upload) Head(whole bool) ([]byte, error) {
	if !whole || u.n <= int64(len(u.head)) {
		return u.head, nil
	}
	return os.ReadFile(u.f.Name())
}

// Abort discards the upload.
func (u *Upload) Abort() {
	u.f.Close()
	os.Remove(u.f.Name())
}

// Spec describes the task an upload becomes.
type Spec struct {
	// Options are stored opaquely and handed to the worker
	// (imgproc.Options as JSON).
	Options json.RawMessage
	// Ext ("jpg", "png") and Type (its Content-Type) describe the result.
	Ext, Type string
	// Name is the client's name for the image: see Task.Name.
	Name string
	// ClientWaits marks a synchronous request: see Task.ClientWaits.
	ClientWaits bool
}

// Commit turns the upload into a queued task: the file is synced (unless
// the client waits for the answer on its connection) and renamed into
// entradas/, the record is written, and the task is queued. On
// ErrQueueFull the upload is discarded.
func (u *Upload) Commit(spec Spec) (_ Task, err error) {
	s := u.s
	defer u.Abort() // after the rename this removes nothing
	defer func() {
		if err == nil {
			s.disk.sawSpace()
		} else {
			err = s.disk.note(err)
		}
	}()
	if s.Full() {
		return Task{}, ErrQueueFull
	}
	durable := !spec.ClientWaits
	if durable {
		if err := u.f.Sync(); err != nil {
			return Task{}, err
		}
		trace.Fsync(u.f.Name())
	}
	if err := u.f.Close(); err != nil {
		return Task{}, err
	}
	if err := os.Rename(u.f.Name(), s.inputPath(u.id)); err != nil {
		return Task{}, err
	}
	trace.Rename(u.f.Name(), s.inputPath(u.id))
	t := Task{ID: u.id, State: Queued, Options: spec.Options, Name: spec.Name, Ext: spec.Ext, Type: spec.Type,
		ClientWaits: spec.ClientWaits, Created: time.Now()}
	if durable {
		if err := syncDir(filepath.Join(s.dir, "entradas")); err != nil {
			os.Remove(s.inputPath(u.id))
			return Task{}, err
		}
	}
	if err := s.writeRecord(&t); err != nil {
		os.Remove(s.inputPath(u.id))
		return Task{}, err
	}

	e := &entry{t: t, done: make(chan struct{})}
	s.mu.Lock()
	if _, adopted := s.tasks[u.id]; adopted {
		// Found on disk already by adoptAll during an upgrade, which
		// queued it: it must not run twice.
		s.mu.Unlock()
		return t, nil
	}
	if s.queued >= s.cfg.QueueSize {
		s.mu.Unlock()
		s.remove(u.id, "")
		return Task{}, ErrQueueFull
	}
	s.tasks[u.id] = e
	s.queued++
	s.mu.Unlock()
	s.queue <- u.id // never blocks: the channel holds QueueSize more than queued
	s.cfg.Logger.Info("tarea aceptada", "id", u.id, "bytes", u.n, "sincrona", spec.ClientWaits)
	return t, nil
}

func (s *Store) writeRecord(t *Task) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return s.writeFile(s.recordPath(t.ID), b, !t.ClientWaits)
}
