// Package bufpool keeps the large byte buffers of one image (pixel planes,
// coefficients, encoded output) for the next one. A process that handles
// image after image then reuses memory it has already touched, instead of
// asking the kernel for fresh pages (a page fault and a zeroed page each)
// and making the garbage collector run more often.
//
// Buffers of up to 4 MiB are kept in sync.Pools, one per size class, so
// memory that is not asked for again is still released by the collector
// after two cycles. Bigger ones (a photo's planes and coefficients) are few
// and dear, so they are kept in one list shared by all goroutines, up to
// bigBudget bytes in all, until Drop: a sync.Pool would often miss them,
// since a Get on one processor does not see what a Put on another left in
// its private slot, and the job would then allocate a second copy.
package bufpool

import (
	"math/bits"
	"sync"
)

// minSize is the smallest buffer worth keeping, in elements: below it the
// allocator's own size classes do well.
const minSize = 32 << 10

// maxKeep is the largest buffer kept, in bytes. A kept buffer is live
// memory, and it raises the collector's heap goal with it; one a later job
// does not ask for again is dead weight until two collections have passed.
// 64 MiB covers the planes and coefficients of a 20 MP photo, so a worker
// that gets photos of similar sizes one after another reuses all of its big
// buffers: it neither faults fresh pages in (a page fault and a zeroed page
// each, dear in a virtual machine) nor grows its heap when a freed hole is
// split by smaller allocations. With 4 MiB, a worker sent the same 16 MP
// progressive photo five times peaked at 84 MiB of resident memory; with
// 64 MiB, at 53 MiB, and the job took 72 ms instead of 118
// (scripts/bench_vs_pillow.sh).
const maxKeep = 64 << 20

// maxShift bounds the classes: 2^maxShift elements (1 Gi) at most, which
// an int holds on 32-bit systems too.
const maxShift = 30

// Sizes, in elements, are rounded up to a class: four classes between
// consecutive powers of two (5/8, 6/8, 7/8 and 8/8 of the upper one), so a
// buffer is at most a quarter larger than asked.
type pool[T byte | int32] struct {
	elem    int // bytes per element
	classes [4 * (maxShift + 1)]sync.Pool
	big     bigList[T]
}

// poolMax is the largest buffer, in bytes, kept in a sync.Pool; bigger ones
// up to maxKeep go to the big list.
const poolMax = 4 << 20

// maxBudget is the default bound on the bytes the big lists of both pools
// keep in all.
const maxBudget = 96 << 20

// bigBytes counts the bytes kept in both big lists, and bigBudget bounds
// them, under bigMu.
var (
	bigMu     sync.Mutex
	bigBytes  int
	bigBudget = maxBudget
)

// SetBudget bounds the bytes kept in big buffers to n (at most the default,
// 96 MiB), dropping the oldest ones if more are kept now. A process with a
// hard memory limit gives a fraction of it, so that the buffers a job left
// never take from the next job memory it needs.
func SetBudget(n int) {
	bigMu.Lock()
	defer bigMu.Unlock()
	bigBudget = min(max(n, 0), maxBudget)
	for bigBytes > bigBudget && (bytePool.big.drop(1) || int32Pool.big.drop(4)) {
	}
}

// bigList keeps big buffers, oldest first, each at its class size.
type bigList[T byte | int32] struct {
	bufs    [][]T
	classes []int
}

// take removes and returns a kept buffer of class c, if there is one.
func (l *bigList[T]) take(c int) ([]T, bool) {
	for i, k := range l.classes {
		if k == c {
			b := l.bufs[i]
			l.bufs = append(l.bufs[:i], l.bufs[i+1:]...)
			l.classes = append(l.classes[:i], l.classes[i+1:]...)
			return b, true
		}
	}
	return nil, false
}

// Drop forgets every big buffer kept, so that the collector can free them:
// a process that has become idle calls it before returning its memory to
// the system.
func Drop() {
	bigMu.Lock()
	defer bigMu.Unlock()
	bytePool.big = bigList[byte]{}
	int32Pool.big = bigList[int32]{}
	bigBytes = 0
}

var (
	bytePool  = pool[byte]{elem: 1}
	int32Pool = pool[int32]{elem: 4}
)

// class returns the index and size of the smallest class that holds n
// bytes (n > minSize/2), or -1 if n is too large.
func class(n int) (int, int) {
	k := bits.Len(uint(n - 1)) // 2^(k-1) < n <= 2^k
	if k > maxShift {
		return -1, 0
	}
	step := 1 << (k - 3)
	q := (n + step - 1) / step // 5 to 8
	return 4*k + q - 5, q * step
}

// floorClass returns the largest class whose size is at most n, or -1.
func floorClass(n int) int {
	k := bits.Len(uint(n)) // 2^(k-1) <= n < 2^k
	if k-1 > maxShift {
		k = maxShift + 1
		n = 1 << maxShift
	}
	step := 1 << (k - 3)
	q := n / step // 4 to 7: the class (q+1)/8 of 2^k is too big
	if q == 4 {
		return 4*(k-1) + 3 // 2^(k-1) itself
	}
	return 4*k + q - 5
}

// Get returns a zeroed slice of n bytes, reusing a kept buffer when there
// is one.
func Get(n int) []byte { return bytePool.get(n) }

// Put keeps b for a later Get. The caller must not use b, or any slice
// sharing its memory, afterwards.
func Put(b []byte) { bytePool.put(b) }

// GetInt32 is Get for a slice of n int32s.
func GetInt32(n int) []int32 { return int32Pool.get(n) }

// PutInt32 is Put for a slice GetInt32 returned.
func PutInt32(b []int32) { int32Pool.put(b) }

func (p *pool[T]) get(n int) []T {
	if n < minSize || n*p.elem > maxKeep {
		return make([]T, n) // never kept: no need to round it up
	}
	c, size := class(n)
	if c < 0 {
		return make([]T, n)
	}
	if size*p.elem > poolMax {
		bigMu.Lock()
		b, ok := p.big.take(c)
		if ok {
			bigBytes -= cap(b) * p.elem
		}
		bigMu.Unlock()
		if ok {
			s := b[:n]
			clear(s)
			return s
		}
	} else if b, ok := p.classes[c].Get().(*[]T); ok {
		s := (*b)[:n]
		clear(s)
		return s
	}
	return make([]T, n, size)
}

func (p *pool[T]) put(b []T) {
	if cap(b) < minSize || cap(b)*p.elem > maxKeep {
		return
	}
	c := floorClass(cap(b))
	b = b[:cap(b)]
	if cap(b)*p.elem <= poolMax {
		p.classes[c].Put(&b)
		return
	}
	// Keep it, dropping the oldest big buffers if the budget needs it.
	bigMu.Lock()
	defer bigMu.Unlock()
	for bigBytes+cap(b)*p.elem > bigBudget && p.big.drop(p.elem) {
	}
	if bigBytes+cap(b)*p.elem <= bigBudget {
		p.big.bufs = append(p.big.bufs, b)
		p.big.classes = append(p.big.classes, c)
		bigBytes += cap(b) * p.elem
	}
}

// drop forgets the oldest buffer of l, if any, reporting whether it did.
func (l *bigList[T]) drop(elem int) bool {
	if len(l.bufs) == 0 {
		return false
	}
	bigBytes -= cap(l.bufs[0]) * elem
	l.bufs[0] = nil
	l.bufs, l.classes = l.bufs[1:], l.classes[1:]
	return true
}
