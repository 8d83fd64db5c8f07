package tasks

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestHandOver plays an upgrade with two stores on one directory: the old
// one runs a task, has more queued, and keeps accepting for a while after
// the new one has opened; once the new one is ready the old hands its queued
// asynchronous tasks over, runs its synchronous one, and stops. Each task
// must run exactly once, and the new store must show every task, including
// those it does not own yet.
func TestHandOver(t *testing.T) {
	dir := t.TempDir()
	oldR, newR := newFakeRunner(), newFakeRunner()
	close(newR.release)
	old := openStore(t, dir, oldR, nil)
	old.Start()
	running, _ := submit(t, old, "block", false)
	var queued []string
	for range 4 {
		task, _ := submit(t, old, "x", false)
		queued = append(queued, task.ID)
	}

	succ := openStore(t, dir, newR, func(c *Config) { c.Successor = true })
	succ.Start()
	defer shutdown(succ)
	// Accepted by the old store after the new one opened: unknown to it
	// until looked up.
	late, _ := submit(t, old, "x", false)
	queued = append(queued, late.ID)
	syncTask := make(chan Task, 1)
	go func() {
		task, _ := submit(t, old, "y", true)
		syncTask <- task
	}()

	for _, id := range append([]string{running.ID}, queued...) {
		got, ok := succ.Get(id)
		if !ok || got.State.Finished() {
			t.Fatalf("the new store shows %s as %+v, %v; want the old one's unfinished task", id, got, ok)
		}
	}
	if got, _ := succ.Get(running.ID); got.State != Running {
		t.Errorf("the task the old store runs shows %q in the new one", got.State)
	}

	var mu sync.Mutex
	var handed []string
	old.HandOver(func(id string) error {
		mu.Lock()
		handed = append(handed, id)
		mu.Unlock()
		succ.Adopt(id)
		return nil
	})
	close(oldR.release)
	st := <-syncTask
	if got := wait(t, old, st.ID); got.State != Done {
		t.Errorf("the synchronous task ended %+v in the old store", got)
	}
	for _, id := range queued {
		if got := wait(t, succ, id); got.State != Done {
			t.Errorf("handed-over task %s ended %+v", id, got)
		}
	}
	// The new store learns from disk that the old one finished its task.
	if got := wait(t, succ, running.ID); got.State != Done {
		t.Errorf("the old store's running task shows %+v in the new one", got)
	}
	shutdown(old)
	if n := succ.AdoptAll(); n != 0 {
		t.Errorf("AdoptAll took %d tasks; all were handed over or finished", n)
	}

	mu.Lock()
	defer mu.Unlock()
	slices.Sort(handed)
	slices.Sort(queued)
	if !slices.Equal(handed, queued) {
		t.Errorf("handed over %v, want the queued asynchronous tasks %v", handed, queued)
	}
	checkRanOnce(t, oldR, newR)
	if want := []string{running.ID, st.ID}; !slices.Equal(oldR.started, want) {
		t.Errorf("the old store ran %v, want %v", oldR.started, want)
	}
}

// TestAdoptAll checks what the new store takes when the old one stops
// without handing anything over (as when it dies): the task it was running
// (given up at the end of its grace) and the queued ones run in the new
// store, once each, and an unfinished synchronous one, whose client is gone,
// is dropped.
func TestAdoptAll(t *testing.T) {
	dir := t.TempDir()
	oldR, newR := newFakeRunner(), newFakeRunner()
	close(newR.release)
	old := openStore(t, dir, oldR, nil)
	old.Start()
	running, _ := submit(t, old, "block", false)
	queued, _ := submit(t, old, "x", false)
	succ := openStore(t, dir, newR, func(c *Config) { c.Successor = true })
	succ.Start()
	defer shutdown(succ)
	syncTask, _ := submit(t, old, "y", true)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	old.Shutdown(ctx) // gives the running task up: back to the queue on disk
	if len(newR.started) != 0 {
		t.Fatalf("the new store ran %v before adopting anything", newR.started)
	}
	if n := succ.AdoptAll(); n != 2 {
		t.Errorf("AdoptAll took %d tasks, want 2", n)
	}
	for _, id := range []string{running.ID, queued.ID} {
		// "block" waits for release, closed for the new runner.
		if got := wait(t, succ, id); got.State != Done {
			t.Errorf("adopted task %s ended %+v", id, got)
		}
	}
	if got, ok := succ.Get(syncTask.ID); ok {
		t.Errorf("the unfinished synchronous task is still there: %+v", got)
	}
	// The old store only began the task it gave up.
	if want := []string{running.ID}; !slices.Equal(oldR.started, want) {
		t.Errorf("the old store ran %v, want %v", oldR.started, want)
	}
	checkRanOnce(t, newR)
}

// checkRanOnce fails if a task was handed to a worker of these runners more
// than once.
func checkRanOnce(t *testing.T, runners ...*fakeRunner) {
	t.Helper()
	seen := make(map[string]int)
	for _, r := range runners {
		r.mu.Lock()
		for _, id := range r.started {
			seen[id]++
		}
		r.mu.Unlock()
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("task %s was handed to a worker %d times", id, n)
		}
	}
}
