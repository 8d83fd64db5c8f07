package jpeg

import (
	"runtime"
	"sync"

	"procesa/imgproc/internal/bufpool"
)

// The sequential decoder can split its work between goroutines: the calling
// goroutine entropy-decodes one row of MCUs after another (inherently serial)
// into coefficient buffers, and the other goroutines run the inverse DCTs of
// finished rows meanwhile.

// pipelineMinMCUs is the frame size, in MCUs, from which sequential scans
// are pipelined (a variable for the tests).
var pipelineMinMCUs = 2048

// rowJob is one MCU row of dequantized coefficients, handed to an IDCT
// goroutine. Its blocks are zeroed again once transformed.
type rowJob struct {
	my   int
	n    int // MCUs filled (a row cut short where speculation took over)
	coef []int32
	last []uint8

	// A job of MCUs [a0, a0+count) decoded by a speculative decoder whose
	// MCU j is the scan's MCU m, with DC corrections off (see takeOver).
	spec            *specRun
	m, j, a0, count int
	off             [4]int32
}

// usePipeline reports whether the scan is worth pipelining.
func (d *decoder) usePipeline(sc *scanHeader) bool {
	if runtime.GOMAXPROCS(0) < 2 || d.mxx*d.myy < pipelineMinMCUs || d.myy < 2 {
		return false
	}
	if d.bs == 1 && !d.useSpeculation(sc) {
		return false // nothing worth sharing
	}
	// Interleaved scans, or the one scan of a grayscale frame (whose MCU is
	// one block).
	return sc.n > 1 || d.nComp == 1
}

// sequentialPipelined decodes a sequential scan with the IDCTs done by other
// goroutines; see usePipeline.
func (d *decoder) sequentialPipelined(sc *scanHeader) error {
	w := d.newWalk(&d.entropy, sc, d.ri)
	layout := w.layout
	rowBlocks := w.keep * d.mxx
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	nbuf := min(workers+2, d.myy) // no more rows than the image has
	free := make(chan *rowJob, nbuf)
	for k := 0; k < nbuf; k++ {
		free <- &rowJob{coef: bufpool.GetInt32(rowBlocks * 64), last: make([]uint8, rowBlocks)}
	}
	jobs := make(chan *rowJob, nbuf)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if j.spec != nil {
					d.idctSpec(sc, layout, j.spec, j.m, j.j, j.a0, j.count, j.off)
					continue
				}
				d.idctRow(sc, layout, j)
				free <- j
			}
		}()
	}
	var sp *specRun
	if d.useSpeculation(sc) {
		sp = d.startSpeculation(sc, w.keep)
	}
	err := d.entropyRows(sc, w, free, jobs, sp)
	close(jobs)
	wg.Wait()
	if sp != nil {
		sp.stop()
		sp.release() // the IDCT goroutines are done with its coefficients
	}
	for range len(free) {
		bufpool.PutInt32((<-free).coef)
	}
	return err
}

// entropyRows is the serial half of sequentialPipelined.
func (d *decoder) entropyRows(sc *scanHeader, w *mcuWalk, free <-chan *rowJob, jobs chan<- *rowJob, sp *specRun) error {
	d.resetBits()
	if sp != nil {
		defer sp.stop()
	}
	var scratch [64]int32
	for my := 0; my < d.myy; my++ {
		j := <-free
		j.my, j.n = my, d.mxx
		bi := 0
		for mx := 0; mx < d.mxx; mx++ {
			if sp != nil && sp.startMCU >= 0 {
				// Restart mode: take over where it started, if this
				// decoder got there through the same marker.
				if a := my*d.mxx + mx; a == sp.startMCU {
					if d.src.pos != sp.startPos {
						sp.stop()
						sp = nil
					} else {
						j.n = mx
						jobs <- j
						return d.takeOver(sc, sp, a, w.pred, w.layout, jobs)
					}
				}
			} else if sp != nil {
				met, gaveUp := sp.meets(d.loaded-int64(d.nbits), d.eobRun)
				if gaveUp {
					sp.stop()
					sp = nil
				} else if met {
					j.n = mx
					jobs <- j
					return d.takeOver(sc, sp, my*d.mxx+mx, w.pred, w.layout, jobs)
				}
			}
			for k := range w.layout {
				lb := &w.layout[k]
				c := sc.comp[lb.i]
				dc, ac, q := d.dcTab[c.td], d.acTab[c.ta], &d.quant[d.comp[c.ci].tq]
				if lb.keep {
					last, err := d.decodeBlock((*[64]int32)(j.coef[bi*64:bi*64+64]), dc, ac, q, &w.pred[lb.i])
					if err != nil {
						return err
					}
					j.last[bi] = uint8(last)
					bi++
					continue
				}
				if _, err := d.decodeBlock(&scratch, dc, ac, q, &w.pred[lb.i]); err != nil {
					return err
				}
				scratch = [64]int32{}
			}
			if err := w.endMCU(); err != nil {
				return err
			}
		}
		jobs <- j
	}
	return nil
}

// idctRow transforms the blocks of one MCU row into their planes and zeroes
// them for reuse.
func (d *decoder) idctRow(sc *scanHeader, layout []mcuBlock, j *rowJob) {
	bs := d.bs
	bi := 0
	for mx := 0; mx < j.n; mx++ {
		for _, lb := range layout {
			if !lb.keep {
				continue
			}
			p := &d.planes[sc.comp[lb.i].ci]
			bx, by := mx*lb.sh+lb.dx, j.my*lb.sv+lb.dy
			blk := (*[64]int32)(j.coef[bi*64 : bi*64+64])
			last := int(j.last[bi])
			d.idct(blk, last, p.pix[by*bs*p.stride+bx*bs:], p.stride)
			if last == 0 {
				blk[0] = 0
			} else {
				*blk = [64]int32{}
			}
			bi++
		}
	}
}

// takeOver ends the scan with the speculative decoder's results from the
// scan's MCU m on; pred are the first decoder's DC predictors there. While
// the speculative decoder finishes the scan, this goroutine, whose own
// entropy decoding is over, runs the inverse DCTs of the MCUs it has
// published, so that they are not left for the end; it shares them with
// the IDCT goroutines (through jobs), which is what matters when the
// speculative decoder finished first (its half is often the faster one).
func (d *decoder) takeOver(sc *scanHeader, sp *specRun, m int, pred [4]int32, layout []mcuBlock, jobs chan<- *rowJob) error {
	specTakeovers.Add(1)
	j := sp.j
	need := d.mxx*d.myy - m
	var off [4]int32 // set once MCU j is published
	a := m           // the next MCU to transform
	for {
		finished := false
		select {
		case <-sp.done:
			finished = true // so n below is final
		default:
		}
		n := int(sp.n.Load())
		if a == m && n > j {
			for i := range off {
				off[i] = pred[i] - sp.pred[4*j+i]
			}
		}
		end := min(m+n-j, m+need)
		for a < end {
			c := min(end-a, max(d.mxx, 64))
			select {
			case jobs <- &rowJob{spec: sp, m: m, j: j, a0: a, count: c, off: off}:
			default: // the IDCT goroutines are busy: do it here
				d.idctSpec(sc, layout, sp, m, j, a, c, off)
			}
			a += c
		}
		if finished {
			break
		}
		select {
		case <-sp.progress:
		case <-sp.done:
		}
	}
	if a < m+need {
		return sp.err // it failed inside the scan: so would the serial decoder
	}
	d.eobRun = int(sp.eob[j+need])
	// Go on after the speculative decoder's input; only data bytes lie
	// between it and the end of the scan.
	d.src.pos = sp.ent.in.pos
	return nil
}
