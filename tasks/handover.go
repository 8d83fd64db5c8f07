package tasks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// During an upgrade two processes work in the same data directory for a
// while: the old one, finishing what it has, and the new one, already
// accepting uploads. Each task has exactly one owner at a time, and only its
// owner runs it or changes its record:
//
//   - The old process owns every task it accepted or recovered, until it
//     records the task's end on disk, or hands the task over, or exits.
//     Once the new process is ready, the old one runs no more queued
//     asynchronous tasks: each one its dispatchers take from the queue is
//     handed over instead, by sending its id to the new process (HandOver).
//     It still runs the synchronous ones, whose clients are connected to it,
//     and it finishes the tasks its workers are running.
//   - The new process owns the tasks it accepts itself, each task whose id
//     it receives (Adopt), and, once the old process has exited, every
//     unfinished task left in the directory (AdoptAll): those the old one
//     did not get to hand over, or gave up on at the end of its grace.
//
// So no task runs twice, and none is forgotten: a task's id is handed over
// only instead of running it, and whatever the old process leaves
// unfinished, even by crashing, is on disk for the new one to adopt. A
// process shows the state of a task it does not own ("foreign") by reading
// its record from disk, which the owner writes atomically; a task it has
// never seen, accepted by the other process, is looked up on disk too.

// handover is the part of a Store that deals with the other process.
type handover struct {
	// sharing is set while another process owns tasks in the directory:
	// lookups of foreign or unknown tasks then read their records.
	sharing atomic.Bool
	// send, set by HandOver, passes a queued task's id to the new process.
	send atomic.Pointer[func(id string) error]
}

// refreshEvery is how often the records of foreign tasks are read again, so
// that someone waiting for one learns when it ends.
const refreshEvery = 100 * time.Millisecond

// shareDir starts sharing the directory with the other process.
func (s *Store) shareDir() {
	if s.sharing.Swap(true) {
		return
	}
	go s.refreshLoop()
}

// refreshLoop reads the records of the foreign tasks every refreshEvery,
// until the store stops sharing or shuts down.
func (s *Store) refreshLoop() {
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	for s.sharing.Load() {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		var ids []string
		s.mu.Lock()
		for id, e := range s.tasks {
			if e.foreign {
				ids = append(ids, id)
			}
		}
		s.mu.Unlock()
		for _, id := range ids {
			s.refresh(id)
		}
	}
}

// refresh reads the record of a foreign or unknown task from disk, while
// the directory is shared; it does nothing otherwise, nor for a task this
// process owns.
func (s *Store) refresh(id string) {
	if !s.sharing.Load() {
		return
	}
	s.mu.Lock()
	e, ok := s.tasks[id]
	mine := ok && !e.foreign
	s.mu.Unlock()
	if mine {
		return
	}
	t, err := s.readRecord(id)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok = s.tasks[id]
	if ok && !e.foreign {
		return // adopted meanwhile
	}
	if !ok {
		e = &entry{done: make(chan struct{}), foreign: true}
		s.tasks[id] = e
	}
	e.t = t
	if t.State.Finished() {
		// A finished task needs no owner: it is only read from now on.
		e.foreign = false
		close(e.done)
	}
}

// readRecord reads the record of the task with id from disk.
func (s *Store) readRecord(id string) (Task, error) {
	var t Task
	if len(id) != 36 || uuid.Validate(id) != nil {
		return t, ErrNotFound // never make a path of anything else
	}
	b, err := os.ReadFile(s.recordPath(id))
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, err
	}
	if t.ID != id {
		return t, ErrNotFound
	}
	return t, nil
}

// HandOver is called in the old process of an upgrade once the new one is
// ready. From then on, each queued asynchronous task that a dispatcher
// takes is passed to send instead of run, and belongs to the new process
// once send returns nil. If send fails (the new process is gone), the task
// stays this process's and runs here, and no more tasks are handed over.
func (s *Store) HandOver(send func(id string) error) {
	s.send.Store(&send)
	s.shareDir()
}

// handOff hands the task with id over instead of running it, if HandOver
// was called and the task is a queued asynchronous one. It reports whether
// it did; if not, the caller runs the task.
func (s *Store) handOff(id string) bool {
	send := s.send.Load()
	if send == nil {
		return false
	}
	s.mu.Lock()
	e, ok := s.tasks[id]
	if !ok || e.foreign || e.t.State != Queued || e.t.ClientWaits {
		s.mu.Unlock()
		return false
	}
	s.queued--
	e.foreign = true
	s.mu.Unlock()

	if err := (*send)(id); err != nil {
		s.send.Store(nil)
		s.cfg.Logger.Error("no se pudo traspasar la tarea al nuevo proceso; se ejecuta aquí", "id", id, "error", err)
		s.mu.Lock()
		e.foreign = false
		s.queued++ // run counts it out again
		s.mu.Unlock()
		return false
	}
	s.cfg.Logger.Info("tarea traspasada al nuevo proceso", "id", id)
	return true
}

// Adopt is called in the new process of an upgrade with the id of a task
// the old process has handed over: it is this process's from now on, and
// runs here.
func (s *Store) Adopt(id string) {
	t, err := s.readRecord(id)
	if err != nil {
		// AdoptAll will find it, when the old process has exited.
		s.cfg.Logger.Warn("no se pudo leer la tarea traspasada; se tomará al terminar el traspaso", "id", id, "error", err)
		return
	}
	s.adopt(t)
}

// AdoptAll is called in the new process of an upgrade once the old process
// has exited: every task it left unfinished on disk is this process's now,
// and the directory is no longer shared. It returns how many tasks it took.
func (s *Store) AdoptAll() int {
	files, err := os.ReadDir(filepath.Join(s.dir, "tareas"))
	if err != nil {
		s.cfg.Logger.Error("no se pudieron leer las tareas del proceso anterior", "error", err)
	}
	n := 0
	for _, f := range files {
		id, ok := strings.CutSuffix(f.Name(), ".json")
		if !ok {
			continue
		}
		s.mu.Lock()
		e, ok := s.tasks[id]
		mine := ok && !e.foreign
		s.mu.Unlock()
		if mine {
			continue
		}
		if t, err := s.readRecord(id); err == nil && s.adopt(t) {
			n++
		}
	}
	s.sharing.Store(false)
	s.mu.Lock()
	for id, e := range s.tasks {
		if e.foreign { // its record is gone: expired, or dropped by its owner
			delete(s.tasks, id)
		}
	}
	s.mu.Unlock()
	return n
}

// adopt makes a task read from disk this process's: a finished one is only
// shown, an unfinished one queued (or failed or dropped, as after a crash).
// It reports whether the task was queued.
func (s *Store) adopt(t Task) bool {
	keep := s.recoverTask(&t)
	s.mu.Lock()
	e, ok := s.tasks[t.ID]
	if ok && !e.foreign {
		s.mu.Unlock()
		return false // already this process's
	}
	if !keep {
		delete(s.tasks, t.ID)
		s.mu.Unlock()
		return false
	}
	if !ok {
		e = &entry{done: make(chan struct{})}
		s.tasks[t.ID] = e
	}
	e.foreign = false
	e.t = t
	pending := !t.State.Finished()
	if pending {
		s.queued++
	} else {
		close(e.done)
	}
	s.mu.Unlock()
	if !pending {
		return false
	}
	s.cfg.Logger.Info("tarea recibida del proceso anterior", "id", t.ID, "intentos", t.Attempts)
	select {
	case s.queue <- t.ID:
	default:
		// The queue's room is for this process's own uploads; wait for
		// a dispatcher instead. A shutdown leaves the task on disk.
		go func() {
			select {
			case s.queue <- t.ID:
			case <-s.stop:
			}
		}()
	}
	return true
}
