package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"procesa/proto"
)

// fakeRunner copies the input to the output, unless told otherwise by the
// input's content: "fail" gives an image error, "crash" a worker error,
// "block" waits until release is closed (or ctx ends).
type fakeRunner struct {
	release chan struct{}
	mu      sync.Mutex
	started []string
}

func newFakeRunner() *fakeRunner { return &fakeRunner{release: make(chan struct{})} }

func (f *fakeRunner) Do(ctx context.Context, job proto.Job) (proto.Result, error) {
	f.mu.Lock()
	f.started = append(f.started, job.ID)
	f.mu.Unlock()
	in, err := io.ReadAll(job.Input)
	if err != nil {
		return proto.Result{}, err
	}
	switch string(in) {
	case "fail":
		return proto.Result{ID: job.ID, Error: "imagen dañada", Status: 422}, nil
	case "crash":
		return proto.Result{}, errors.New("el proceso de trabajo terminó inesperadamente")
	case "block":
		select {
		case <-f.release:
		case <-ctx.Done():
			return proto.Result{}, ctx.Err()
		}
	}
	if _, err := job.Output.Write(in); err != nil {
		return proto.Result{}, err
	}
	return proto.Result{ID: job.ID, Width: 3, Height: 2, Bytes: int64(len(in))}, nil
}

// hasStarted reports whether Do has been called for the task id.
func (f *fakeRunner) hasStarted(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.started, id)
}

func openStore(t *testing.T, dir string, r Runner, mod func(*Config)) *Store {
	t.Helper()
	cfg := Config{Dir: dir, Runner: r, Workers: 1, Logger: discardLogger()}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func submit(t *testing.T, s *Store, body string, clientWaits bool) (Task, error) {
	t.Helper()
	up, err := s.NewUpload()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(up, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	return up.Commit(Spec{Options: json.RawMessage(`{"escala":1}`), Name: "«" + body + "».jpg", Ext: "jpg", Type: "image/jpeg", ClientWaits: clientWaits})
}

func wait(t *testing.T, s *Store, id string) Task {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	task, err := s.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !task.State.Finished() {
		t.Fatalf("task %s still %q after 10 s", id, task.State)
	}
	return task
}

func TestSubmitRunServe(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newFakeRunner(), nil)
	s.Start()
	defer shutdown(s)

	task, err := submit(t, s, "pixels", false)
	if err != nil {
		t.Fatal(err)
	}
	if task.State != Queued {
		t.Errorf("new task state = %q, want %q", task.State, Queued)
	}
	done := wait(t, s, task.ID)
	if done.State != Done || done.Width != 3 || done.Height != 2 || done.Bytes != 6 || done.Attempts != 1 {
		t.Errorf("finished task = %+v", done)
	}
	f, _, err := s.OpenResult(task.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "pixels" {
		t.Errorf("result = %q, want %q", b, "pixels")
	}
	if fileExists(s.inputPath(task.ID)) {
		t.Error("the upload is still on disk after the task finished")
	}
	var rec Task
	raw, err := os.ReadFile(s.recordPath(task.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rec); err != nil || rec.State != Done {
		t.Errorf("record on disk = %s (%v), want state %q", raw, err, Done)
	}
	// The running task's output is created in tmp/ before its worker
	// starts; nothing else may be there.
	left, _ := filepath.Glob(filepath.Join(dir, "tmp", "*"))
	if others, _ := filepath.Glob(filepath.Join(dir, "tmp", "resultado-*")); len(left) != len(others) || len(others) > 1 {
		t.Errorf("tmp/ holds %d leftover files: %v", len(left)-min(len(others), 1), left)
	}
	if got, ok := s.Get(task.ID); !ok || got.State != Done || got.Width == 0 || got.Bytes == 0 {
		t.Errorf("Get(%s) = %+v, %v; want a finished task with its size", task.ID, got, ok)
	}
	if tm := s.Timings(); tm.Count != 1 || tm.Sum <= 0 {
		t.Errorf("Timings() = %+v; want one task counted", tm)
	}
}

func TestFailures(t *testing.T) {
	s := openStore(t, t.TempDir(), newFakeRunner(), nil)
	s.Start()
	defer shutdown(s)
	for _, tc := range []struct {
		body       string
		wantStatus int
		wantError  string
	}{
		{"fail", 422, "imagen dañada"},
		{"crash", 503, "terminó inesperadamente"},
	} {
		task, err := submit(t, s, tc.body, true)
		if err != nil {
			t.Fatal(err)
		}
		got := wait(t, s, task.ID)
		if got.State != Failed || got.ErrStatus != tc.wantStatus || !strings.Contains(got.Error, tc.wantError) {
			t.Errorf("%s: task = %+v, want Error %d %q", tc.body, got, tc.wantStatus, tc.wantError)
		}
		if _, _, err := s.OpenResult(task.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: OpenResult error = %v, want ErrNotFound", tc.body, err)
		}
	}
}

// TestRestart abandons a store with work in flight, as a kill -9 would, and
// checks that a new store over the same directory finishes everything.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner()
	s := openStore(t, dir, r, func(c *Config) { c.QueueSize = 10 })
	s.Start()
	var ids []string
	bodies := []string{"block", "uno", "dos"}
	for _, body := range bodies {
		task, err := submit(t, s, body, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, task.ID)
	}
	// The first is running (blocked), the others queued. "Crash": stop
	// using s without shutting it down.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if got, _ := s.Get(ids[0]); got.State == Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first task never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(s.stop) // the old store takes nothing more; its blocked run stays blocked
	r2 := newFakeRunner()
	close(r2.release) // "block" passes at once this time
	done := openStore(t, dir, r2, nil)
	if q := done.Queued(); q != 3 {
		t.Errorf("after restart %d tasks queued, want 3", q)
	}
	done.Start()
	defer shutdown(done)
	for i, id := range ids {
		got := wait(t, done, id)
		if got.State != Done {
			t.Errorf("task %s after restart: %+v", id, got)
		}
		// The client's file name is in the record.
		if want := "«" + bodies[i] + "».jpg"; got.Name != want {
			t.Errorf("task %d after restart: name %q, want %q", i, got.Name, want)
		}
		// The interrupted task had one attempt already.
		if want := map[bool]int{true: 2, false: 1}[i == 0]; got.Attempts != want {
			t.Errorf("task %d after restart: %d attempts, want %d", i, got.Attempts, want)
		}
	}
}

// TestPoisonTask checks that a task that was running during two crashes is
// failed at the next start instead of run a third time.
func TestPoisonTask(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newFakeRunner(), nil)
	task, err := submit(t, s, "pixels", false)
	if err != nil {
		t.Fatal(err)
	}
	rec := task
	rec.State, rec.Attempts, rec.Started = Running, maxAttempts, time.Now()
	s.persist(&rec)

	r := newFakeRunner()
	again := openStore(t, dir, r, nil)
	got, ok := again.Get(task.ID)
	if !ok || got.State != Failed || got.Error == "" {
		t.Fatalf("poison task after restart = %+v, %v; want Error", got, ok)
	}
	again.Start()
	shutdown(again)
	if len(r.started) != 0 {
		t.Errorf("the poison task was run again: %v", r.started)
	}
}

func TestUnfinishedSyncTaskIsDropped(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newFakeRunner(), nil)
	task, err := submit(t, s, "pixels", true)
	if err != nil {
		t.Fatal(err)
	}
	again := openStore(t, dir, newFakeRunner(), nil)
	if _, ok := again.Get(task.ID); ok {
		t.Error("an unfinished synchronous task survived a restart; its client is gone")
	}
	if fileExists(again.inputPath(task.ID)) || fileExists(again.recordPath(task.ID)) {
		t.Error("the dropped task's files are still on disk")
	}
}

func TestQueueFull(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner()
	s := openStore(t, dir, r, func(c *Config) { c.QueueSize = 1 })
	s.Start()
	defer func() {
		close(r.release)
		shutdown(s)
	}()
	first, err := submit(t, s, "block", false)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the runner has the first task: by then its record, marked
	// running, has been written (through tmp/) and renamed.
	for deadline := time.Now().Add(5 * time.Second); !r.hasStarted(first.ID); {
		if time.Now().After(deadline) {
			t.Fatal("the first task never left the queue")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := submit(t, s, "dos", false); err != nil {
		t.Fatalf("second task: %v", err)
	}
	if !s.Full() {
		t.Error("Full() = false with QueueSize tasks waiting")
	}
	if _, err := submit(t, s, "tres", false); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third task error = %v, want ErrQueueFull", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "entradas"))
	if len(entries) != 2 {
		t.Errorf("entradas/ holds %d files, want 2 (the refused upload is not kept)", len(entries))
	}
	// The running task's output is created in tmp/ before its worker
	// starts; nothing else may be there.
	left, _ := filepath.Glob(filepath.Join(dir, "tmp", "*"))
	if others, _ := filepath.Glob(filepath.Join(dir, "tmp", "resultado-*")); len(left) != len(others) || len(others) > 1 {
		t.Errorf("tmp/ holds %d leftover files: %v", len(left)-min(len(others), 1), left)
	}
}

func TestExpire(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newFakeRunner(), func(c *Config) { c.Retention = time.Minute })
	s.Start()
	defer shutdown(s)
	task, err := submit(t, s, "pixels", false)
	if err != nil {
		t.Fatal(err)
	}
	wait(t, s, task.ID)
	s.expire(time.Now()) // not old yet
	if _, ok := s.Get(task.ID); !ok {
		t.Fatal("a fresh task expired")
	}
	s.expire(time.Now().Add(2 * time.Minute))
	if _, ok := s.Get(task.ID); ok {
		t.Error("an old task did not expire")
	}
	for _, sub := range []string{"entradas", "resultados", "tareas"} {
		if files, _ := os.ReadDir(filepath.Join(dir, sub)); len(files) != 0 {
			t.Errorf("%s/ still holds %d files", sub, len(files))
		}
	}
}

// TestShutdownRequeues checks that a task still running when the grace
// period ends goes back to the queue on disk, its attempt not counted.
func TestShutdownRequeues(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newFakeRunner(), nil)
	s.Start()
	task, err := submit(t, s, "block", false)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		if got, _ := s.Get(task.ID); got.State == Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the task never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want DeadlineExceeded", err)
	}
	again := openStore(t, dir, newFakeRunner(), nil)
	got, _ := again.Get(task.ID)
	if got.State != Queued || got.Attempts != 0 {
		t.Errorf("after shutdown and reopen: %+v, want queued with 0 attempts", got)
	}
}

func shutdown(s *Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Shutdown(ctx)
}
