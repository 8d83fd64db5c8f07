package jpeg

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync/atomic"

	"procesa/imgproc/internal/bufpool"
)

// Speculative parallel entropy decoding. Huffman data without restart
// markers can only be parsed from its start, but prefix codes resynchronise:
// a second decoder started at an arbitrary byte in the middle of the scan,
// pretending to be at the start of an MCU, soon finds itself at a real MCU
// boundary. It records the bit position, EOB run and DC predictors at the
// start of every MCU it decodes. When the first decoder reaches a recorded
// position at the start of one of its own MCUs with the same EOB run, the
// two decodings are the same from there on (parsing does not depend on
// coefficient values), except that the second one's DC predictors are off
// by a constant per component, which is added back. The first decoder then
// stops and the second one's coefficients are used for the rest of the scan.
// If they never meet (corrupt data), the first decoder simply goes on: the
// result, errors included, is always that of the serial decoder.
//
// The second decoder keeps only the coefficients the reduced IDCTs use, so
// speculation is used with Shrink >= 2, where entropy decoding dominates.
// At full size it would keep all 64 per block: 40 MB more for a 20 MP photo
// decoded to gray (80 MB in color), while the pipeline already puts the
// 8x8 inverse DCTs, the other half of the work there, on the second core.
// Tried with the AVX2 8x8 transform (20 MP Kleiber photo, gray, Shrink 1,
// 2 cores, medians of 6 interleaved rounds on a shared machine) it took
// 183 ms where the pipeline alone takes 89 (CPU 85 against 66 ms).

// specMinMCUs is the frame size, in MCUs, from which speculation is tried
// (a variable for the tests), and specMinBytes the least scan data.
var (
	specMinMCUs  = 4096
	specMinBytes = 64 << 10
)

// specTakeovers counts the scans finished by a speculative decoder (for the
// tests).
var specTakeovers atomic.Int64

// errAborted stops a speculative decoder that is no longer needed.
var errAborted = errors.New("jpeg: speculation aborted")

// specRun is a speculative decoder of the second half of a scan.
type specRun struct {
	ent   entropy
	base  int64 // bit offset of its start from the start of the scan
	total int   // it decodes at most that many MCUs

	// With restart intervals it starts right after a restart marker, at
	// byte startPos, which is the start of the scan's MCU startMCU; else
	// startMCU is -1.
	startMCU, startPos int

	// State at the start of each MCU it decoded (index total: after the
	// last one); entries below n are published to the first decoder. pos
	// is in bits from its start (scans of up to specMaxBytes), pred holds
	// 4 predictors per MCU.
	pos  []int32
	eob  []int32
	pred []int32
	n    atomic.Int64

	ncoef  int // coefficients kept per block (see compactLen)
	keep   int // blocks kept per MCU
	perMCU int // coefficients kept per MCU
	// chunks holds the kept coefficients, chunk MCUs per chunk. Its
	// length is fixed at the start: the decoder fills in chunk c before it
	// publishes (n) the MCUs in it, so the first decoder may read the
	// chunks of published MCUs while it runs.
	chunks [][]int32
	chunk  int
	// lasts holds, per kept block, 1 when decodeBlock found a non-zero AC
	// coefficient (anywhere in the block), as the serial decoder's idct
	// sees it, else 0.
	lasts []uint8
	err   error // why it stopped, read after done
	abort atomic.Bool
	done  chan struct{}
	// progress gets a value (if it has room) each time a chunk more of
	// MCUs is published.
	progress chan struct{}
	released bool // its buffers are back in bufpool

	j int // first decoder's cursor in pos
}

// chunkMCUs is the least number of MCUs per chunk of coefficients; a chunk
// has at least chunkMin int32s, the size from which bufpool keeps buffers
// for the next image (the memory of a speculative decoder is about a
// quarter of the output's, which fresh pages would make costly).
const (
	chunkMCUs = 256
	chunkMin  = 32 << 10
)

// specMaxBytes bounds the scan data a speculative decoder's bit positions
// (int32) can count.
const specMaxBytes = 1 << 27

// compactLen is, per output block size, the number of coefficients its
// inverse DCT reads: the bs x bs lowest frequencies, which the speculative
// decoder keeps row by row (see pack).
var compactLen = [9]int{4: 16, 2: 4, 1: 1}

// pack stores the bs x bs lowest frequencies of blk in out, row by row,
// with fixed copies (a loop over an index table costs more than the
// inverse DCT).
func pack(out []int32, blk *[64]int32, bs int) {
	switch bs {
	case 4:
		c := (*[16]int32)(out[:16])
		*(*[4]int32)(c[0:4]) = *(*[4]int32)(blk[0:4])
		*(*[4]int32)(c[4:8]) = *(*[4]int32)(blk[8:12])
		*(*[4]int32)(c[8:12]) = *(*[4]int32)(blk[16:20])
		*(*[4]int32)(c[12:16]) = *(*[4]int32)(blk[24:28])
	case 2:
		c := (*[4]int32)(out[:4])
		c[0], c[1], c[2], c[3] = blk[0], blk[1], blk[8], blk[9]
	default:
		out[0] = blk[0]
	}
}

// useSpeculation reports whether a scan qualifies (before reading it).
func (d *decoder) useSpeculation(sc *scanHeader) bool {
	return d.bs < 8 && d.mxx*d.myy >= specMinMCUs && runtime.GOMAXPROCS(0) >= 2 &&
		(sc.n > 1 || d.nComp == 1)
}

// startSpeculation reads the rest of the input (within a bound set by the
// frame size) and starts a second decoder at the middle of the scan's data.
// It returns nil when speculation is not possible.
func (d *decoder) startSpeculation(sc *scanHeader, keep int) *specRun {
	samples := 0
	for i := 0; i < d.nComp; i++ {
		samples += d.mxx * d.comp[i].h * d.myy * d.comp[i].v * 64
	}
	s := &d.src
	if !s.readAll(2 * samples) {
		return nil
	}
	start := s.pos
	end := start + markerIndex(s.buf[start:s.end], d.ri > 0)
	if end-start < specMinBytes || end-start >= specMaxBytes {
		return nil
	}
	total := d.mxx * d.myy
	p, startMCU := start+(end-start)/2, -1
	if d.ri > 0 {
		// Start right after the restart marker nearest the middle.
		q, k := middleRST(s.buf[start:s.end], (end-start)/2)
		if k < 0 || (k+1)*d.ri >= total {
			return nil
		}
		p, startMCU = start+q, (k+1)*d.ri
	} else if s.buf[p-1] == 0xff {
		p++ // not on the zero byte of a stuffed 0xFF
	}
	stuffed := bytes.Count(s.buf[start:p], []byte{0xff, 0})
	n := total
	if startMCU >= 0 {
		n = total - startMCU
	}
	ncoef := compactLen[d.bs]
	sp := &specRun{
		base:     8 * int64(p-start-stuffed),
		total:    n,
		startMCU: startMCU,
		startPos: p,
		pos:      bufpool.GetInt32(n + 1),
		eob:      bufpool.GetInt32(n + 1),
		pred:     bufpool.GetInt32(4 * (n + 1)),
		lasts:    bufpool.Get(n * keep),
		ncoef:    ncoef,
		keep:     keep,
		perMCU:   keep * ncoef,
		done:     make(chan struct{}),
		progress: make(chan struct{}, 1),
	}
	sp.chunk = max(chunkMCUs, (chunkMin+sp.perMCU-1)/max(1, sp.perMCU))
	sp.chunks = make([][]int32, n/sp.chunk+1)
	sp.ent.in = &source{buf: s.buf[:s.end], pos: p, end: s.end, err: io.ErrUnexpectedEOF}
	go sp.run(d, sc)
	return sp
}

// middleRST finds, in the entropy-coded data b of a scan, the restart marker
// nearest byte mid. It returns the index just after it and the number of
// markers before it (k, so it should be RSTk mod 8), or k = -1 if there is
// none or the markers are not numbered in sequence.
func middleRST(b []byte, mid int) (int, int) {
	best, bestK := -1, -1
	k := 0
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], 0xff)
		if j < 0 {
			break
		}
		i += j + 1
		for i < len(b) && b[i] == 0xff {
			i++ // fill bytes
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		i++
		if c == 0 {
			continue
		}
		if c < markerRST0 || c > markerRST7 {
			break // the end of the scan
		}
		if int(c-markerRST0) != k%8 {
			return -1, -1
		}
		if best < 0 || abs(i-mid) < abs(best-mid) {
			best, bestK = i, k
		}
		k++
	}
	return best, bestK
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// markerIndex returns the index of the first marker (0xFF not followed by 0,
// nor by a restart marker code if skipRST) in b, or len(b).
func markerIndex(b []byte, skipRST bool) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], 0xff)
		if j < 0 || i+j+1 >= len(b) {
			return len(b)
		}
		i += j + 1
		if c := b[i]; c != 0 && !(skipRST && markerRST0 <= c && c <= markerRST7) {
			return i - 1
		}
		i++
	}
}

// run decodes MCUs from the speculative start until an error, an abort, or
// total MCUs.
func (sp *specRun) run(d *decoder, sc *scanHeader) {
	defer close(sp.done)
	e := &sp.ent
	var w *mcuWalk
	if sp.startMCU >= 0 {
		w = d.newWalk(e, sc, d.ri)
		w.startAt(sp.startMCU)
	} else {
		w = d.newWalk(e, sc, 0)
	}
	var blk [64]int32
	bs, ncoef := d.bs, sp.ncoef
	for j := 0; ; j++ {
		sp.pos[j] = int32(e.loaded - int64(e.nbits))
		sp.eob[j] = int32(e.eobRun)
		copy(sp.pred[4*j:4*j+4], w.pred[:])
		if j == sp.total {
			sp.err = errAborted
			return
		}
		if j%64 == 0 && sp.abort.Load() {
			sp.err = errAborted
			return
		}
		if j%sp.chunk == 0 {
			sp.chunks[j/sp.chunk] = bufpool.GetInt32(sp.chunk * sp.perMCU)
			if j > 0 {
				select {
				case sp.progress <- struct{}{}:
				default:
				}
			}
		}
		out := sp.chunks[j/sp.chunk][(j%sp.chunk)*sp.perMCU:]
		lasts := sp.lasts[j*sp.keep:]
		o, bi := 0, 0
		for _, lb := range w.layout {
			c := sc.comp[lb.i]
			last, err := e.decodeBlock(&blk, d.dcTab[c.td], d.acTab[c.ta], &d.quant[d.comp[c.ci].tq], &w.pred[lb.i])
			if err != nil {
				sp.err = err
				return
			}
			if lb.keep {
				pack(out[o:o+ncoef], &blk, bs)
				if last != 0 {
					lasts[bi] = 1
				}
				o += ncoef
				bi++
			}
			if last == 0 {
				blk[0] = 0
			} else {
				blk = [64]int32{}
			}
		}
		if err := w.endMCU(); err != nil {
			sp.err = err
			return
		}
		sp.n.Store(int64(j + 1))
	}
}

// meets reports whether the first decoder, at the start of an MCU with bit
// position posA (from the start of the scan) and EOB run eob, is at a point
// the speculative decoder has decoded from. It gives up (setting gaveUp)
// once that cannot happen any more.
func (sp *specRun) meets(posA int64, eob int) (met, gaveUp bool) {
	rel := posA - sp.base
	if rel < 0 {
		return false, false
	}
	n := int(sp.n.Load())
	for sp.j < n && int64(sp.pos[sp.j]) < rel {
		sp.j++
	}
	if sp.j < n {
		return int64(sp.pos[sp.j]) == rel && sp.eob[sp.j] == int32(eob), false
	}
	select {
	case <-sp.done:
		return false, true // it stopped before reaching this point
	default:
		return false, false
	}
}

// stop aborts the speculative decoder and waits for it. It may be called
// again.
func (sp *specRun) stop() {
	sp.abort.Store(true)
	<-sp.done
}

// release gives the buffers of a stopped speculative decoder back to
// bufpool, once nothing reads them any more. It may be called again.
func (sp *specRun) release() {
	if sp.released {
		return
	}
	sp.released = true
	for _, c := range sp.chunks {
		if c != nil {
			bufpool.PutInt32(c)
		}
	}
	bufpool.PutInt32(sp.pos)
	bufpool.PutInt32(sp.eob)
	bufpool.PutInt32(sp.pred)
	bufpool.Put(sp.lasts)
	sp.chunks, sp.pos, sp.eob, sp.pred, sp.lasts = nil, nil, nil, nil, nil
}

// idctSpec reconstructs MCUs [a0, a0+count) of the scan from the speculative
// decoder's coefficients; MCU m of the scan is its MCU j, and off are the DC
// predictor corrections per scan component. It gives the bytes d.idct
// gives the serial decoder: the same inverse DCTs, chosen by the same
// last != 0, read straight from the packed coefficients.
func (d *decoder) idctSpec(sc *scanHeader, layout []mcuBlock, sp *specRun, m, j, a0, count int, off [4]int32) {
	bs, ncoef := d.bs, sp.ncoef
	// The DC corrections, dequantized, and the planes, per scan component.
	var offq [4]int32
	var planes [4]*plane
	for i := 0; i < sc.n; i++ {
		ci := sc.comp[i].ci
		offq[i] = off[i] * d.quant[d.comp[ci].tq][0]
		planes[i] = &d.planes[ci]
	}
	var blk [64]int32
	for a := a0; a < a0+count; a++ {
		l := j + a - m
		in := sp.chunks[l/sp.chunk][(l%sp.chunk)*sp.perMCU:]
		lasts := sp.lasts[l*sp.keep:]
		mx, my := a%d.mxx, a/d.mxx
		o, bi := 0, 0
		for _, lb := range layout {
			if !lb.keep {
				continue
			}
			p := planes[lb.i&3]
			bx, by := mx*lb.sh+lb.dx, my*lb.sv+lb.dy
			dst := p.pix[by*bs*p.stride+bx*bs:]
			dc := in[o] + offq[lb.i&3]
			switch bs {
			case 4:
				if lasts[bi] == 0 {
					fillBlock(dst, p.stride, 4, clamp8((dc+1028)>>3))
					break
				}
				c := (*[16]int32)(in[o : o+16])
				*(*[4]int32)(blk[0:4]) = *(*[4]int32)(c[0:4])
				*(*[4]int32)(blk[8:12]) = *(*[4]int32)(c[4:8])
				*(*[4]int32)(blk[16:20]) = *(*[4]int32)(c[8:12])
				*(*[4]int32)(blk[24:28]) = *(*[4]int32)(c[12:16])
				blk[0] = dc
				idct4Vec(&blk, dst, p.stride)
			case 2:
				c := (*[4]int32)(in[o : o+4])
				idct2v(dc, c[1], c[2], c[3], dst, p.stride)
			default:
				dst[0] = clamp8((dc + 1028) >> 3)
			}
			o += ncoef
			bi++
		}
	}
}
