package api

import (
	"context"
	"testing"
	"time"
)

// statusBody is the work GET /estado/<id> does besides the network: read
// the task from the store and render its JSON into a reused buffer.
func statusBody(h *Handler, b []byte, id string) []byte {
	t, ok := h.cfg.Store.Get(id)
	if !ok {
		return appendNotFound(b[:0], id)
	}
	return appendStatus(b[:0], &t)
}

func newStatusHandler(tb testing.TB) (*Handler, string) {
	store, id, err := openStatusStore(tb.TempDir())
	if err == errNoTestImage {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		store.Shutdown(ctx)
	})
	return New(Config{Store: store, Workers: idleWorkers{}, Logger: discard}), id
}

// TestStatusBodyAllocs guards the hot path of the status route: reading a
// task and rendering its status allocates nothing.
func TestStatusBodyAllocs(t *testing.T) {
	h, id := newStatusHandler(t)
	b := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { b = statusBody(h, b, id) }); n != 0 {
		t.Errorf("status body: %v allocations per request; want 0", n)
	}
}

// BenchmarkStatusBody measures statusBody alone, without the network that
// dominates BenchmarkStatus.
func BenchmarkStatusBody(b *testing.B) {
	h, id := newStatusHandler(b)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = statusBody(h, buf, id)
	}
}
