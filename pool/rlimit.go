package pool

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// setLimits sets the worker's resource limits, soft and hard, so that the
// worker cannot raise them again: no core file (an image's pixels never land
// on disk), few descriptors, and the memory bound of l.
//
// The memory bound is RLIMIT_DATA, not RLIMIT_AS. The Go runtime reserves
// far more address space than it uses (arenas, page summaries: hundreds of
// MiB of PROT_NONE mappings at start), all of which RLIMIT_AS counts, so a
// bound on the address space either fails at once or is too loose to mean
// anything. Since Linux 4.7, RLIMIT_DATA counts only private writable
// mappings, which is what the heap becomes as it is used: the bound follows
// the memory the image really takes.
func setLimits(l Limits) error {
	set := func(name string, res int, v uint64) error {
		var rl unix.Rlimit
		assign(&rl.Cur, v)
		assign(&rl.Max, v)
		if err := unix.Setrlimit(res, &rl); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if err := set("RLIMIT_CORE", unix.RLIMIT_CORE, 0); err != nil {
		return err
	}
	if err := set("RLIMIT_NOFILE", unix.RLIMIT_NOFILE, maxOpenFiles); err != nil {
		return err
	}
	if l.Memory > 0 {
		return set("RLIMIT_DATA", unix.RLIMIT_DATA, uint64(l.Memory))
	}
	return nil
}

// assign sets *p to v whatever the integer type of an Rlimit field: uint64
// on Linux and macOS, int64 on the BSDs.
func assign[T ~int64 | ~uint64](p *T, v uint64) { *p = T(v) }
