package jpeg

import (
	"bytes"
	"fmt"
	"math"
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
