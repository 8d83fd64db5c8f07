package jpeg

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"runtime"
	"strings"
	"testing"
)

// progressiveInputs are the progressive test streams, whole, cut and
// corrupted.
func progressiveInputs(t *testing.T) map[string][]byte {
	in := map[string][]byte{}
	for name, b := range testFiles(t) {
		d := &decoder{configOnly: true}
		d.init(bytes.NewReader(b))
		if d.decode() != nil || !d.progressive {
			continue
		}
		in[name] = b
		// Fill bytes and a zero before a restart marker: the restart
		// handling skips them, the marker loop would not.
		if i := bytes.Index(b, []byte{0xff, markerRST0 + 2}); i > 0 {
			c := append(append(bytes.Clone(b[:i]), 0xff, 0xff, 0), b[i:]...)
			in[name+"+ffff00"] = c
		}
		for _, cut := range []int{len(b) / 2, len(b) - 3} {
			in[fmt.Sprintf("%s[:%d]", name, cut)] = b[:cut]
		}
		for _, at := range []int{len(b) / 3, len(b) / 2, 2 * len(b) / 3} {
			c := bytes.Clone(b)
			c[at] ^= 0x24
			in[fmt.Sprintf("%s^%d", name, at)] = c
		}
	}
	return in
}

// TestProgressiveParallelMatchesSerial runs progressive scans in parallel on
// small images and compares with the serial decoder, results and errors.
func TestProgressiveParallelMatchesSerial(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	old := progParMinMCUs
	defer func() { progParMinMCUs = old }()
	before := parScans.Load()
	for _, retry := range []bool{false, true} {
		forceRetry = retry
		for name, b := range progressiveInputs(t) {
			for _, o := range []DecodeOptions{{}, {GrayOnly: true, Shrink: 2}} {
				progParMinMCUs = math.MaxInt
				want, werr := Decode(bytes.NewReader(b), o)
				progParMinMCUs = 0
				got, gerr := Decode(bytes.NewReader(b), o)
				if (werr == nil) != (gerr == nil) {
					t.Errorf("%s %+v retry %v: serial error %v, parallel %v", name, o, retry, werr, gerr)
					continue
				}
				if werr != nil {
					continue
				}
				if strings.HasSuffix(name, "+ffff00") {
					checkSame(t, name, b)
				}
				if p, err := psnr(got, want); err != nil || !math.IsInf(p, 1) {
					t.Errorf("%s %+v retry %v: parallel result differs: %.2f dB %v", name, o, retry, p, err)
				}
			}
		}
	}
	forceRetry = false
	if n := parScans.Load() - before; n < 100 {
		t.Errorf("%d scans ran in parallel, want at least 100", n)
	}
}

// TestReconstructInPlaceParallel reconstructs progressive frames in place
// with as many goroutines as rows, in every mode, and compares with one
// goroutine: the same samples, padding included.
func TestReconstructInPlaceParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	old := reconstructBlocksPerWorker
	defer func() { reconstructBlocksPerWorker = old }()
	n := 0
	for name, b := range testFiles(t) {
		if !bytes.Contains(b, []byte{0xff, markerSOF2}) {
			continue
		}
		n++
		for _, o := range []DecodeOptions{{}, {GrayOnly: true}, {Shrink: 2}, {GrayOnly: true, Shrink: 4}, {Shrink: 8}} {
			reconstructBlocksPerWorker = math.MaxInt
			want, werr := Decode(bytes.NewReader(b), o)
			reconstructBlocksPerWorker = 1
			got, gerr := Decode(bytes.NewReader(b), o)
			if werr != nil || gerr != nil {
				t.Errorf("%s %+v: errors %v, %v", name, o, werr, gerr)
				continue
			}
			if !bytes.Equal(planeBytes(got), planeBytes(want)) {
				t.Errorf("%s %+v: parallel reconstruction differs", name, o)
			}
		}
	}
	if n < 5 {
		t.Errorf("only %d progressive test files", n)
	}
}

// planeBytes returns the samples of m's planes up to the end of their
// memory.
func planeBytes(m image.Image) []byte {
	switch m := m.(type) {
	case *image.Gray:
		return m.Pix
	case *image.YCbCr:
		return append(append(append([]byte(nil), m.Y...), m.Cb...), m.Cr...)
	case *image.RGBA:
		return m.Pix
	case *image.CMYK:
		return m.Pix
	}
	panic("unexpected type")
}
