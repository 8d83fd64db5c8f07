package tasks

import (
	"os"
	"path/filepath"
	"time"

	"procesa/proto"
	"procesa/trace"
)

// dispatch takes queued tasks one at a time and runs them, until Shutdown.
func (s *Store) dispatch() {
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		select {
		case <-s.stop:
			return
		case id := <-s.queue:
			if !s.handOff(id) {
				s.runTask(id)
			}
		}
	}
}

// runTask hands one task to the Runner and records how it ended.
func (s *Store) runTask(id string) {
	s.mu.Lock()
	e, ok := s.tasks[id]
	if ok {
		s.queued--
	}
	s.mu.Unlock()
	if !ok || e.t.State != Queued {
		return
	}
	t, _ := s.update(id, func(t *Task) {
		t.State, t.Started = Running, time.Now()
		t.Attempts++
	})
	// The attempt is on disk before the worker sees the image: if the image
	// brings the whole server down, the next start knows.
	s.persist(&t)

	out := s.tmpName(t.Ext)
	res, err := s.do(id, out, t.Options)
	if err != nil && s.ctx.Err() != nil {
		// Shutting down: the task goes back to the queue on disk.
		os.Remove(out)
		t, _ = s.update(id, func(t *Task) {
			t.State, t.Started = Queued, time.Time{}
			t.Attempts--
		})
		s.persist(&t)
		s.cfg.Logger.Info("tarea interrumpida; se retomará al reiniciar", "id", id)
		return
	}

	var keepErr error
	if err == nil && res.Error == "" {
		keepErr = s.keepResult(out, s.resultPath(id, t.Ext))
	}
	os.Remove(out)
	// The outcome is on disk, the upload gone and the timings counted
	// before anyone can see the task finished.
	t.Finished = time.Now()
	switch {
	case err != nil:
		// The worker crashed or timed out (the error knows its status:
		// 422), or none could take the task (503). The pool's errors
		// carry a Spanish reason.
		t.State, t.Error, t.ErrStatus = Failed, err.Error(), 503
		if status, _, ok := proto.StatusOf(err); ok {
			t.ErrStatus = status
		}
	case keepErr != nil:
		t.State, t.Error, t.ErrStatus = Failed, "no se pudo guardar el resultado", 500
		if s.disk.note(keepErr) == ErrDiskFull {
			t.Error, t.ErrStatus = errNoSpace, 507
		}
		s.cfg.Logger.Error("no se pudo guardar el resultado", "id", id, "error", keepErr)
	case res.Error != "":
		t.State, t.Error, t.ErrStatus = Failed, res.Error, res.Status
		if t.ErrStatus < 400 || t.ErrStatus == 500 {
			t.ErrStatus = 422
		}
	default:
		t.State, t.Width, t.Height, t.Bytes = Done, res.Width, res.Height, res.Bytes
	}
	s.persist(&t)
	os.Remove(s.inputPath(id))
	_, e = s.update(id, func(m *Task) {
		*m = t
		s.timings.add(t.Duration())
	})
	close(e.done)
	if t.State == Done {
		s.cfg.Logger.Info("tarea completada", "id", id, "ancho", t.Width, "alto", t.Height,
			"bytes", t.Bytes, "duracion", t.Duration().Round(100*time.Microsecond),
			"trabajo", (time.Duration(res.WorkMicros) * time.Microsecond).Round(100*time.Microsecond))
	} else {
		s.cfg.Logger.Warn("tarea fallida", "id", id, "error", t.Error)
	}
}

// keepResult moves a worker's output into resultados/, durably.
func (s *Store) keepResult(tmp, final string) error {
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	err = f.Sync()
	trace.Fsync(tmp)
	f.Close()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	trace.Rename(tmp, final)
	return syncDir(filepath.Dir(final))
}

// sweep removes expired tasks every so often, until Shutdown.
func (s *Store) sweep() {
	every := min(max(s.cfg.Retention/4, time.Second), time.Minute)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			s.expire(now)
		}
	}
}

// expire removes the finished tasks older than the retention. A task's
// files go while the lock is held, so that once its status says it is
// unknown nothing of it is left on disk.
func (s *Store) expire(now time.Time) {
	var old []string
	s.mu.Lock()
	for id, e := range s.tasks {
		if e.t.State.Finished() && now.Sub(e.t.Finished) > s.cfg.Retention {
			s.remove(id, e.t.Ext)
			delete(s.tasks, id)
			old = append(old, id)
		}
	}
	s.mu.Unlock()
	for _, id := range old {
		s.cfg.Logger.Info("tarea caducada", "id", id)
	}
}
