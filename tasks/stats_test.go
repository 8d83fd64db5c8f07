package tasks

import (
	"testing"
	"time"
)

func TestTimingsAdd(t *testing.T) {
	var m Timings
	for _, d := range []time.Duration{0, 5 * time.Millisecond, 10 * time.Millisecond, 11 * time.Millisecond, 2 * time.Second, 2 * time.Minute} {
		m.add(d)
	}
	// 0 is not counted; 10 ms is at most 0.01 s: the first bucket.
	want := Timings{Count: 5, Sum: 5*time.Millisecond + 10*time.Millisecond + 11*time.Millisecond + 2*time.Second + 2*time.Minute}
	want.Buckets[0] = 2 // 5 ms, 10 ms
	want.Buckets[1] = 1 // 11 ms
	want.Buckets[7] = 1 // 2 s ≤ 2.5 s
	if m != want {
		t.Errorf("Timings = %+v; want %+v", m, want)
	}
}
