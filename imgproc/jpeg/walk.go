package jpeg

// The walk over the MCUs of a scan, written once for the sequential decoder,
// its pipelined variant, the speculative decoder and the progressive one.

// mcuBlock is one block of an MCU, in decoding order.
type mcuBlock struct {
	i      int  // index in the scan's components
	dx, dy int  // position in the MCU, in blocks
	sh, sv int  // MCU size in blocks of the component: bx = mx*sh + dx
	keep   bool // the component has a plane to reconstruct
}

// mcuWalk is the order in which a scan's entropy-coded data visits blocks
// (T.81 A.2): an interleaved scan goes through the frame's MCU grid row by
// row, each MCU holding h×v blocks of each of its components in turn; in a
// non-interleaved scan each block of the component's own grid is an MCU.
// Between MCUs it does the restart-interval bookkeeping (F.2.1.3.1).
type mcuWalk struct {
	e      *entropy
	layout []mcuBlock // the blocks of one MCU, in decoding order
	keep   int        // blocks of layout whose component is reconstructed
	w, h   int        // MCUs per row and per column
	ri     int        // restart interval in MCUs, 0 for none
	n      int        // MCUs of the scan ended so far
	next   int        // value of n at the next RST marker, -1 for none

	expected byte     // the next RST marker
	pred     [4]int32 // DC predictors per scan component
}

// newWalk sets up the walk of scan sc, whose data e reads, with restart
// interval ri.
func (d *decoder) newWalk(e *entropy, sc *scanHeader, ri int) *mcuWalk {
	w := &mcuWalk{e: e, ri: ri}
	if sc.n == 1 {
		ci := sc.comp[0].ci
		w.w, w.h = d.blockGrid(&d.comp[ci])
		if d.nComp == 1 {
			w.w, w.h = d.mxx, d.myy
		}
		w.layout = append(w.layout, mcuBlock{sh: 1, sv: 1, keep: d.planes[ci].pix != nil})
	} else {
		w.w, w.h = d.mxx, d.myy
		for i := 0; i < sc.n; i++ {
			ci := sc.comp[i].ci
			c := &d.comp[ci]
			k := d.planes[ci].pix != nil
			for v := 0; v < c.v; v++ {
				for h := 0; h < c.h; h++ {
					w.layout = append(w.layout, mcuBlock{i: i, dx: h, dy: v, sh: c.h, sv: c.v, keep: k})
				}
			}
		}
	}
	for _, lb := range w.layout {
		if lb.keep {
			w.keep++
		}
	}
	w.startAt(0)
	return w
}

// startAt makes the walk start at MCU n of the scan, which begins a restart
// interval when there are some.
func (w *mcuWalk) startAt(n int) {
	w.n, w.next = n, -1
	w.expected = markerRST0
	if w.ri > 0 {
		w.expected += byte(n/w.ri) & 7
		if n+w.ri < w.w*w.h {
			w.next = n + w.ri
		}
	}
}

// rowEnd returns the block row, in the grid of scan component i, below the
// last one that MCU row my covers.
func (w *mcuWalk) rowEnd(i, my int) int {
	for _, lb := range w.layout {
		if lb.i == i {
			return (my + 1) * lb.sv
		}
	}
	return my + 1
}

// endMCU ends an MCU: it fails if the data ran short, and at the end of a
// restart interval (but the scan's last) it reads the RST marker and resets
// the DC predictors and the EOB run. Its fast path is small enough to be
// inlined.
func (w *mcuWalk) endMCU() error {
	w.n++
	if w.e.nbits < 0 || w.n == w.next {
		return w.boundary()
	}
	return nil
}

// boundary is the slow path of endMCU.
func (w *mcuWalk) boundary() error {
	if w.e.nbits < 0 {
		return errShortData
	}
	w.pred = [4]int32{}
	w.next += w.ri
	if w.next >= w.w*w.h {
		w.next = -1
	}
	return w.e.restart(&w.expected)
}

// run walks the whole scan: for each MCU row my, row(my, false) (if row is
// not nil), then for each MCU its blocks in order, block(lb, bx, by) with
// the block's position in its component's grid, and endMCU; then row(my,
// true).
func (w *mcuWalk) run(row func(my int, end bool), block func(lb *mcuBlock, bx, by int) error) error {
	for my := 0; my < w.h; my++ {
		if row != nil {
			row(my, false)
		}
		for mx := 0; mx < w.w; mx++ {
			for k := range w.layout {
				lb := &w.layout[k]
				if err := block(lb, mx*lb.sh+lb.dx, my*lb.sv+lb.dy); err != nil {
					return err
				}
			}
			if err := w.endMCU(); err != nil {
				return err
			}
		}
		if row != nil {
			row(my, true)
		}
	}
	return nil
}
