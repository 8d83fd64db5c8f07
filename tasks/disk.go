package tasks

import (
	"errors"
	"sync/atomic"
	"syscall"
	"time"

	"procesa/proto"
)

// ErrDiskFull is returned by NewUpload, Upload.Write and Commit when the
// disk of the data directory is full (or the user's quota spent). It is the
// 507 a client gets for it.
var ErrDiskFull error = &proto.Error{Status: 507, Msg: "el servidor no tiene espacio en disco; inténtelo más tarde"}

// diskFullFor is how long the store says that the disk is full after it
// last found it so, unless an upload is stored meanwhile.
const diskFullFor = time.Minute

// errNoSpace is the reason of a task whose result could not be stored
// because the disk is full (507).
const errNoSpace = "el servidor no tiene espacio en disco para la imagen resultante"

// diskFull reports whether err is the file system running out of space or
// of the user's quota.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// diskState remembers when the disk of the data directory was last found
// full. Its methods are safe for concurrent use.
type diskState struct {
	fullAt atomic.Int64 // unix nanoseconds; 0 once space was found again
	count  atomic.Int64 // uploads and results refused for lack of space
}

// note records err if it says that the disk is full, and then returns
// ErrDiskFull in its place; any other err comes back as it is.
func (d *diskState) note(err error) error {
	if err == nil || !diskFull(err) {
		return err
	}
	d.fullAt.Store(time.Now().UnixNano())
	d.count.Add(1)
	return ErrDiskFull
}

// sawSpace records that an upload was stored.
func (d *diskState) sawSpace() {
	if d.fullAt.Load() != 0 {
		d.fullAt.Store(0)
	}
}

// DiskFull reports whether the disk was found full within the last minute
// and no upload has been stored since.
func (s *Store) DiskFull() bool {
	at := s.disk.fullAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < diskFullFor
}

// DiskFullCount returns how many uploads and results were refused for lack
// of disk space since the store opened.
func (s *Store) DiskFullCount() int64 { return s.disk.count.Load() }
