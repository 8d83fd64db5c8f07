package jpeg

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSpeculationMatchesSerial forces speculative decoding on small images
// and checks that it gives the serial decoder's results and errors, on
// valid, truncated and corrupted streams.
func TestSpeculationMatchesSerial(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	oldP, oldM, oldB := pipelineMinMCUs, specMinMCUs, specMinBytes
	defer func() { pipelineMinMCUs, specMinMCUs, specMinBytes = oldP, oldM, oldB }()

	inputs := map[string][]byte{}
	for name, b := range testFiles(t) {
		inputs[name] = b
	}
	var big bytes.Buffer
	if err := Encode(&big, photo(900, 700), EncodeOptions{Quality: 90, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var gray bytes.Buffer
	if err := Encode(&gray, rgbaToGray(photo(700, 500)), EncodeOptions{Quality: 70, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	inputs["big"] = big.Bytes()
	inputs["gray"] = gray.Bytes()
	// With a restart marker after every MCU row.
	oldPar := minParallelPixels
	minParallelPixels = 0
	var rst, grayRst bytes.Buffer
	err1 := Encode(&rst, photo(900, 700), EncodeOptions{Quality: 90, Workers: 3})
	err2 := Encode(&grayRst, rgbaToGray(photo(700, 500)), EncodeOptions{Quality: 70, Workers: 3})
	minParallelPixels = oldPar
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	inputs["rst"] = rst.Bytes()
	inputs["grayrst"] = grayRst.Bytes()
	for _, name := range []string{"big", "gray", "rst", "grayrst"} {
		b := inputs[name]
		for _, cut := range []int{len(b) / 2, 3 * len(b) / 4, len(b) - 40, len(b) - 2} {
			inputs[fmt.Sprintf("%s[:%d]", name, cut)] = b[:cut]
		}
		for _, at := range []int{len(b) / 3, len(b) / 2, len(b)/2 + 1000, 4 * len(b) / 5} {
			c := bytes.Clone(b)
			c[at] ^= 0x5a
			inputs[fmt.Sprintf("%s^%d", name, at)] = c
		}
	}
	// Restart intervals far shorter than specMinBytes: the split is made
	// at a marker and must still happen.
	for _, name := range []string{"rst", "grayrst"} {
		b := inputs[name]
		pipelineMinMCUs, specMinMCUs, specMinBytes = 0, 0, len(b)/4
		n0 := specTakeovers.Load()
		_, err := Decode(bytes.NewReader(b), DecodeOptions{Shrink: 2})
		pipelineMinMCUs, specMinMCUs, specMinBytes = oldP, oldM, oldB
		if err != nil || specTakeovers.Load() == n0 {
			t.Errorf("%s: no speculative take-over (error %v)", name, err)
		}
	}
	before := specTakeovers.Load()
	for name, b := range inputs {
		for _, o := range []DecodeOptions{{Shrink: 2}, {GrayOnly: true, Shrink: 4}, {Shrink: 8}} {
			pipelineMinMCUs = math.MaxInt
			want, werr := Decode(bytes.NewReader(b), o)
			pipelineMinMCUs, specMinMCUs, specMinBytes = 0, 0, 64
			got, gerr := Decode(bytes.NewReader(b), o)
			pipelineMinMCUs, specMinMCUs, specMinBytes = oldP, oldM, oldB
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s %+v: serial error %v, speculative %v", name, o, werr, gerr)
				continue
			}
			if werr != nil {
				continue
			}
			if p, err := psnr(got, want); err != nil || !math.IsInf(p, 1) {
				t.Errorf("%s %+v: speculative result differs: %.2f dB %v", name, o, p, err)
			}
		}
	}
	t.Logf("speculation took over %d scans", specTakeovers.Load()-before)
	if n := specTakeovers.Load() - before; n < 10 {
		t.Errorf("speculation took over %d times, want at least 10", n)
	}
}

// TestIDCTSpecMatchesIDCT checks that idctSpec, reading the speculative
// decoder's packed coefficients, writes the bytes idct writes from whole
// blocks, for every reduced size, with DC corrections, and with blocks
// whose only non-zero AC coefficients lie outside the kept ones (where the
// 4x4 transform of a lone DC and the flat fill can differ by one).
func TestIDCTSpecMatchesIDCT(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const mxx, myy = 7, 3
	for _, bs := range []int{4, 2, 1} {
		d := newDecoder()
		d.bs, d.mxx, d.myy = bs, mxx, myy
		for k := range d.quant[0] {
			d.quant[0][k] = int32(1 + r.IntN(8))
		}
		sc := &scanHeader{n: 1}
		stride := mxx*bs + 3
		want := make([]byte, stride*myy*bs)
		d.planes[0] = plane{pix: make([]byte, len(want)), stride: stride}
		layout := []mcuBlock{{sh: 1, sv: 1, keep: true}}
		sp := &specRun{ncoef: compactLen[bs], keep: 1, perMCU: compactLen[bs], chunk: chunkMCUs}
		sp.chunks = [][]int32{make([]int32, chunkMCUs*sp.perMCU)}
		sp.lasts = make([]uint8, chunkMCUs)
		const m, j = 2, 5 // scan MCU m is the speculative decoder's MCU j
		off := [4]int32{int32(r.IntN(41)) - 20}
		for a := m; a < mxx*myy; a++ {
			var blk [64]int32
			blk[0] = int32(r.IntN(2400)) - 1200
			last := 0
			switch a % 3 {
			case 0: // AC only outside the kept frequencies
				blk[63] = 7
				last = 63
			case 1: // AC inside
				for range 1 + r.IntN(5) {
					k := 1 + r.IntN(20)
					blk[unzig[k]] = int32(r.IntN(400)) - 200
					last = max(last, k)
				}
			}
			l := j + a - m
			pack(sp.chunks[0][l*sp.perMCU:], &blk, bs)
			if last != 0 {
				sp.lasts[l] = 1
			}
			blk[0] += off[0] * d.quant[0][0]
			mx, my := a%mxx, a/mxx
			d.idct(&blk, last, want[my*bs*stride+mx*bs:], stride)
		}
		d.idctSpec(sc, layout, sp, m, j, m, mxx*myy-m, off)
		got := d.planes[0].pix
		from := (m / mxx) * bs * stride // rows before MCU m's are not written
		for i := from; i < len(want); i++ {
			if x := i % stride; x < mxx*bs && (i/stride/bs*mxx+x/bs) >= m && got[i] != want[i] {
				t.Fatalf("bs %d: byte %d is %d, idct gives %d", bs, i, got[i], want[i])
			}
		}
	}
}

// FuzzSpeculation is the differential fuzz target of speculative decoding:
// with the thresholds at zero, so that any scan is split, every reduced
// decode must give the serial decoder's pixels and its error or success.
func FuzzSpeculation(f *testing.F) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(3, runtime.GOMAXPROCS(0))))
	seeds, _ := filepath.Glob("testdata/*.jpg")
	gofiles, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	for _, name := range append(seeds, gofiles...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var small bytes.Buffer
	if err := Encode(&small, photo(200, 120), EncodeOptions{Quality: 80, Workers: 1}); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width*cfg.Height > maxFuzzPixels {
			return
		}
		oldP, oldM, oldB := pipelineMinMCUs, specMinMCUs, specMinBytes
		defer func() { pipelineMinMCUs, specMinMCUs, specMinBytes = oldP, oldM, oldB }()
		for _, o := range []DecodeOptions{{Shrink: 2}, {GrayOnly: true, Shrink: 4}, {Shrink: 8}} {
			pipelineMinMCUs = math.MaxInt
			want, werr := Decode(bytes.NewReader(b), o)
			pipelineMinMCUs, specMinMCUs, specMinBytes = 0, 0, 64
			got, gerr := Decode(bytes.NewReader(b), o)
			pipelineMinMCUs, specMinMCUs, specMinBytes = oldP, oldM, oldB
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%+v: serial error %v, speculative %v", o, werr, gerr)
			}
			if werr != nil {
				continue
			}
			if p, err := psnr(got, want); err != nil || !math.IsInf(p, 1) {
				t.Fatalf("%+v: speculative result differs: %.2f dB %v", o, p, err)
			}
		}
	})
}
