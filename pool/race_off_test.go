//go:build !race

package pool

// raceEnabled tells the tests that the race detector runs: its shadow
// memory does not fit in a small memory limit.
const raceEnabled = false
