package tasks

import (
	"slices"
	"time"
)

// DurationBuckets are the upper bounds, in seconds, of the processing-time
// histogram that Timings keeps.
var DurationBuckets = [...]float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// Timings counts how long the tasks finished since the store opened spent
// in a worker; a task that never reached a worker is not counted.
type Timings struct {
	// Buckets[i] counts the tasks that took more than
	// DurationBuckets[i-1] seconds and at most DurationBuckets[i]; a task
	// over the last bound is only in Count.
	Buckets [len(DurationBuckets)]uint64
	Count   uint64
	Sum     time.Duration // of every counted task
}

func (m *Timings) add(d time.Duration) {
	if d <= 0 {
		return
	}
	m.Count++
	m.Sum += d
	if i, _ := slices.BinarySearch(DurationBuckets[:], d.Seconds()); i < len(m.Buckets) {
		m.Buckets[i]++
	}
}

// Timings returns a copy of the processing-time statistics.
func (s *Store) Timings() Timings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timings
}
