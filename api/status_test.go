package api

import (
	"context"
	"testing"
	"time"
)

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
// task and rendering its status (statusJSON) allocates nothing.
func TestStatusBodyAllocs(t *testing.T) {
	h, id := newStatusHandler(t)
	b := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { b, _, _ = statusJSON(b[:0], h.cfg.Store, id) }); n != 0 {
		t.Errorf("status body: %v allocations per request; want 0", n)
	}
}

// BenchmarkStatusBody measures statusJSON alone, without the network that
// dominates BenchmarkStatus.
func BenchmarkStatusBody(b *testing.B) {
	h, id := newStatusHandler(b)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _, _ = statusJSON(buf[:0], h.cfg.Store, id)
	}
}
