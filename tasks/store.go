package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"procesa/proto"
)

// Runner runs one job in a worker; *pool.Pool is one. An error means the
// worker could not finish the job (it crashed, timed out, or none was
// available); a Result with Error set means the image itself failed.
type Runner interface {
	Do(ctx context.Context, job proto.Job) (proto.Result, error)
}

// Config configures a Store. Its zero value, given Dir and Runner, works;
// each field says what zero means.
type Config struct {
	Dir    string // data directory; created if missing
	Runner Runner
	// Workers is how many tasks run at once. If zero, 1.
	Workers int
	// QueueSize caps the tasks waiting for a worker; a Commit beyond it
	// fails with ErrQueueFull. If zero, 64.
	QueueSize int
	// Retention is how long a finished task and its result are kept. If
	// zero, one hour.
	Retention time.Duration
	// Logger gets one line per task event. If nil, slog.Default().
	Logger *slog.Logger
	// Successor is set in the new process of an upgrade, while the old
	// one still works in Dir: the unfinished tasks found there stay the old
	// process's until handed over (see handover.go), and Open leaves Dir's
	// temporary files alone.
	Successor bool
}

// ErrQueueFull is returned by Commit when QueueSize tasks are waiting. It
// is the 503 a client gets for it.
var ErrQueueFull error = &proto.Error{Status: 503, Msg: "la cola de tareas está llena; inténtelo más tarde"}

// ErrNotFound is returned for an unknown or expired task id.
var ErrNotFound = errors.New("tarea no encontrada")

// maxAttempts is how many times a task may be handed to a worker across
// restarts of the server; a task still unfinished after that is the likely
// cause of the crashes and fails instead of running again.
const maxAttempts = 2

// Store is the task store. Its methods are safe for concurrent use.
type Store struct {
	cfg   Config
	dir   string
	queue chan string

	ctx    context.Context    // canceled to abandon running tasks
	cancel context.CancelFunc // at the end of a shutdown's grace
	stop   chan struct{}      // closed to stop taking queued tasks
	wg     sync.WaitGroup     // dispatchers and the sweeper

	mu      sync.Mutex // guards tasks, queued and timings
	tasks   map[string]*entry
	queued  int
	timings Timings

	handover // sharing Dir with another process during an upgrade

	disk diskState // when the disk was last found full
}

// entry is a task in memory; t changes under Store.mu.
type entry struct {
	t    Task
	done chan struct{} // closed when the task finishes
	// foreign: the task belongs to the other process of an upgrade; t is
	// its record as last read from disk (see handover.go).
	foreign bool
}

// Open opens (or creates) the store in cfg.Dir and loads its records.
// Unfinished tasks go back in the queue; Start begins running them.
func Open(cfg Config) (*Store, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 64
	}
	if cfg.Retention <= 0 {
		cfg.Retention = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"entradas", "resultados", "tareas", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("no se pudo crear el directorio de datos: %w", err)
		}
	}
	s := &Store{cfg: cfg, dir: dir, tasks: make(map[string]*entry), stop: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	pending, err := s.load()
	if err != nil {
		return nil, err
	}
	s.queue = make(chan string, cfg.QueueSize+len(pending))
	for _, id := range pending {
		s.queue <- id
	}
	s.queued = len(pending)
	if cfg.Successor {
		s.shareDir()
	}
	return s, nil
}

// load reads every record, deletes leftovers of interrupted writes, and
// returns the ids of the tasks to run again, oldest first.
func (s *Store) load() ([]string, error) {
	if !s.cfg.Successor { // else they may be the old process's, in use
		tmp, _ := os.ReadDir(filepath.Join(s.dir, "tmp"))
		for _, f := range tmp {
			os.Remove(filepath.Join(s.dir, "tmp", f.Name()))
		}
	}
	files, err := os.ReadDir(filepath.Join(s.dir, "tareas"))
	if err != nil {
		return nil, err
	}
	var pending []*Task
	for _, f := range files {
		id, ok := strings.CutSuffix(f.Name(), ".json")
		if !ok || uuid.Validate(id) != nil {
			continue
		}
		var t Task
		b, err := os.ReadFile(filepath.Join(s.dir, "tareas", f.Name()))
		if err == nil {
			err = json.Unmarshal(b, &t)
		}
		if err != nil || t.ID != id {
			if s.cfg.Successor {
				continue // perhaps being written by the old process
			}
			s.cfg.Logger.Warn("registro de tarea ilegible; se descarta", "archivo", f.Name(), "error", err)
			s.remove(id, "")
			continue
		}
		foreign := s.cfg.Successor && !t.State.Finished()
		if !foreign && !s.recoverTask(&t) {
			continue
		}
		if !t.State.Finished() && !foreign {
			pending = append(pending, &t)
		}
		e := &entry{t: t, done: make(chan struct{}), foreign: foreign}
		if t.State.Finished() {
			close(e.done)
		}
		s.tasks[id] = e
	}
	ids := make([]string, len(pending))
	sortByCreation(pending)
	for i, t := range pending {
		ids[i] = t.ID
		s.cfg.Logger.Info("tarea recuperada", "id", t.ID, "intentos", t.Attempts)
	}
	return ids, nil
}

// recoverTask decides the fate of a task found on disk, owned by no running
// process: a finished one stays as it is; an unfinished one is queued again,
// or fails when it has made the server fail too often or its upload is
// gone. It returns false when the task is dropped (and its files removed).
func (s *Store) recoverTask(t *Task) bool {
	if t.State.Finished() {
		return true
	}
	switch {
	case t.ClientWaits:
		// Its client is gone with the process that accepted it: nobody
		// waits.
		s.remove(t.ID, t.Ext)
		return false
	case t.Attempts >= maxAttempts:
		t.State, t.Finished = Failed, time.Now()
		t.Error = "la imagen hizo fallar al servidor en cada intento; no se reintenta"
		t.ErrStatus = 422
		s.persist(t)
	case !fileExists(s.inputPath(t.ID)):
		t.State, t.Finished = Failed, time.Now()
		t.Error = "la imagen subida se perdió"
		t.ErrStatus = 500
		s.persist(t)
	default:
		t.State = Queued
	}
	return true
}

// Start begins running queued tasks and sweeping expired ones.
func (s *Store) Start() {
	for range s.cfg.Workers {
		s.wg.Go(s.dispatch)
	}
	s.wg.Go(s.sweep)
}

// Shutdown stops taking queued tasks and waits for the running ones until
// ctx ends; then it abandons them. Abandoned and queued tasks stay on disk
// and run after the next Open.
func (s *Store) Shutdown(ctx context.Context) error {
	close(s.stop)
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return ctx.Err()
	}
}

// Full reports whether the queue is full, so an upload can be refused
// before its body is read.
func (s *Store) Full() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued >= s.cfg.QueueSize
}

// Queued returns the number of tasks waiting for a worker.
func (s *Store) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

// Counts returns how many tasks are in each state.
func (s *Store) Counts() map[State]int {
	m := map[State]int{Queued: 0, Running: 0, Done: 0, Failed: 0}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.tasks {
		m[e.t.State]++
	}
	return m
}

// Get returns a copy of the task with id: a snapshot, which later changes
// to the task do not touch. It does not allocate.
func (s *Store) Get(id string) (Task, bool) {
	s.refresh(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.tasks[id]
	if !ok {
		return Task{}, false
	}
	return e.t, true
}

// Wait waits until the task with id finishes, ctx ends or the store has
// shut down, and returns the task as it is then.
func (s *Store) Wait(ctx context.Context, id string) (Task, error) {
	s.refresh(id)
	s.mu.Lock()
	e, ok := s.tasks[id]
	s.mu.Unlock()
	if !ok {
		return Task{}, ErrNotFound
	}
	select {
	case <-e.done:
	case <-ctx.Done():
	case <-s.ctx.Done(): // shut down: the task will not finish in this process
	}
	t, ok := s.Get(id)
	if !ok {
		return Task{}, ErrNotFound
	}
	return t, nil
}

// OpenResult opens the result of a finished task. The caller closes it.
func (s *Store) OpenResult(id string) (*os.File, Task, error) {
	t, ok := s.Get(id)
	if !ok || t.State != Done {
		return nil, t, ErrNotFound
	}
	f, err := os.Open(s.resultPath(id, t.Ext))
	if err != nil {
		return nil, t, ErrNotFound // swept meanwhile
	}
	return f, t, nil
}

func (s *Store) inputPath(id string) string { return filepath.Join(s.dir, "entradas", id) }

func (s *Store) resultPath(id, ext string) string {
	return filepath.Join(s.dir, "resultados", id+"."+ext)
}

func (s *Store) recordPath(id string) string { return filepath.Join(s.dir, "tareas", id+".json") }

// update applies f to the task under the lock and returns a copy to
// persist.
func (s *Store) update(id string, f func(t *Task)) (Task, *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.tasks[id]
	f(&e.t)
	return e.t, e
}

// persist writes t's record, logging a failure: the task goes on in memory.
func (s *Store) persist(t *Task) {
	if err := s.writeRecord(t); err != nil {
		s.cfg.Logger.Error("no se pudo guardar el registro de la tarea", "id", t.ID, "error", err)
	}
}

// remove deletes every file of a task.
func (s *Store) remove(id, ext string) {
	os.Remove(s.inputPath(id))
	if ext != "" {
		os.Remove(s.resultPath(id, ext))
	}
	os.Remove(s.recordPath(id))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
