package jpeg

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel progressive decoding. The scans of a progressive frame are
// entropy-coded one after the other, but scan k only needs, for each block,
// what the earlier scans of the same component made of that block. So when
// the input can be read at any offset (an io.ReaderAt), every scan gets its
// own goroutine, entropy decoder and small read buffer, reading its own part
// of the input, and works through its block rows as soon as the earlier
// scans of the same components are done with them: a wavefront. The marker
// loop skips each scan's data to go on with the next segment.
//
// One quirk of image/jpeg (kept by the serial decoder) does not fit: an EOB
// run left over at the end of a scan carries into the next one. Each scan
// here starts with none; if a scan ends with one, Decode starts again with
// the serial decoder from the same offset. Valid streams never
// end a scan inside an EOB run.

// progParMinMCUs is the frame size, in MCUs, from which progressive scans
// run in parallel (a variable for the tests); maxParScans bounds the number
// of scans (and their table copies) in flight.
var progParMinMCUs = 4096

const maxParScans = 64

// errRetrySerial asks Decode to decode again with the serial decoder.
var errRetrySerial = errors.New("jpeg: decode again serially")

// parScans counts the scans started on their own goroutine (for the tests).
var parScans atomic.Int64

// forceRetry makes every parallel progressive decode start again serially
// (for the tests).
var forceRetry = false

// progPar coordinates the scan goroutines of one frame.
type progPar struct {
	mu    sync.Mutex
	cond  sync.Cond
	scans []*parScan // in stream order
}

// parScan is one scan running on its own goroutine.
type parScan struct {
	runner   progRunner
	ent      entropy
	comps    [4]bool
	prev     []*parScan // earlier scans sharing a component
	progress [4]int     // block rows done per frame component; guarded by mu
	err      error
	resume   int64 // input offset where the marker loop went on after it
	done     chan struct{}
}

// startPar decides, at the first scan of a progressive frame, whether the
// scans run in parallel: each then reads its part of the input with ReadAt.
func (d *decoder) startPar() {
	if !d.allowPar || d.src.ra == nil || d.mxx*d.myy < progParMinMCUs || runtime.GOMAXPROCS(0) < 2 {
		return
	}
	d.par = &progPar{}
	d.par.cond.L = &d.par.mu
}

// start launches the scan whose header is sc, whose data begin at the source
// position, and moves the source to the end of that data.
func (pp *progPar) start(d *decoder, sc *scanHeader) error {
	if len(pp.scans) == maxParScans {
		// Too many scans: finish these, then go on serially.
		if err := pp.wait(); err != nil {
			return err
		}
		d.eobRun = pp.scans[len(pp.scans)-1].ent.eobRun
		d.par = nil
		return d.progressiveScan(sc)
	}
	// The marker loop goes on at the first marker that is not a restart
	// marker: walking there from where the scan ends (where the serial
	// decoder goes on) only passes data, stuffed bytes and restart
	// markers, unless the scan ends beyond it, which wait checks.
	s := &d.src
	begin := s.offset(s.pos)
	s.skipToMarker()
	ps := &parScan{done: make(chan struct{}), resume: s.offset(s.pos)}
	// A buffer the size of the scan's data (and a little more, which the
	// bit buffer may read ahead), up to the usual size.
	ps.ent.in = &source{}
	ps.ent.in.initAt(s.ra, begin, int(min(ps.resume-begin+64, sourceBufSize)))
	ps.runner = progRunner{d: d, e: &ps.ent, ri: d.ri, sc: *sc}
	for i := 0; i < sc.n; i++ {
		c := sc.comp[i]
		ps.comps[c.ci] = true
		// The tables as they are now: a later DHT segment may rebuild
		// one of the decoder's own.
		if ps.runner.dcTab[c.td] == nil {
			t := *d.dcTab[c.td]
			ps.runner.dcTab[c.td] = &t
		}
		if ps.runner.acTab[c.ta] == nil {
			t := *d.acTab[c.ta]
			ps.runner.acTab[c.ta] = &t
		}
	}
	for _, q := range pp.scans {
		for ci := range q.comps {
			if q.comps[ci] && ps.comps[ci] {
				ps.prev = append(ps.prev, q)
				break
			}
		}
	}
	ps.runner.wait = func(ci, r int) {
		pp.mu.Lock()
		for _, q := range ps.prev {
			for q.comps[ci] && q.progress[ci] <= r {
				pp.cond.Wait()
			}
		}
		pp.mu.Unlock()
	}
	ps.runner.done = func(ci, r int) {
		pp.mu.Lock()
		ps.progress[ci] = r
		pp.cond.Broadcast()
		pp.mu.Unlock()
	}
	pp.scans = append(pp.scans, ps)
	parScans.Add(1)
	go func() {
		defer close(ps.done)
		err := ps.runner.run()
		pp.mu.Lock()
		ps.err = err
		for ci := range ps.progress {
			ps.progress[ci] = math.MaxInt
		}
		pp.cond.Broadcast()
		pp.mu.Unlock()
	}()
	return nil
}

// wait waits for every scan and returns the first error in stream order, or
// errRetrySerial if a scan ended inside an EOB run that the next one would
// have continued, or beyond the point where the marker loop went on (past a
// sequence of fill bytes and a zero, which only its restart handling skips).
func (pp *progPar) wait() error {
	for _, ps := range pp.scans {
		<-ps.done
	}
	for i, ps := range pp.scans {
		if ps.err != nil {
			return ps.err
		}
		if forceRetry || ps.ent.in.offset(ps.ent.in.pos) > ps.resume {
			return errRetrySerial
		}
		if ps.ent.eobRun != 0 && i+1 < len(pp.scans) {
			return errRetrySerial
		}
	}
	return nil
}
