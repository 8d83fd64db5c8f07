package jpeg

import (
	"bytes"
	"math"
	"runtime"
	"testing"
)

// TestPipelineMatchesDirect checks the pipelined sequential decoder against
// the direct one on every test file, at every scale.
func TestPipelineMatchesDirect(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	old := pipelineMinMCUs
	defer func() { pipelineMinMCUs = old }()
	var big bytes.Buffer
	if err := Encode(&big, photo(1000, 700), EncodeOptions{Quality: 80, Workers: 3}); err != nil {
		t.Fatal(err)
	}
	files := testFiles(t)
	files["generated-1000x700-restarts"] = big.Bytes()
	for name, b := range files {
		for _, o := range []DecodeOptions{{}, {GrayOnly: true}, {Shrink: 2}, {GrayOnly: true, Shrink: 4}} {
			pipelineMinMCUs = math.MaxInt
			want, werr := Decode(bytes.NewReader(b), o)
			pipelineMinMCUs = 0
			got, gerr := Decode(bytes.NewReader(b), o)
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s %+v: direct error %v, pipelined %v", name, o, werr, gerr)
				continue
			}
			if werr != nil {
				continue
			}
			if p, err := psnr(got, want); err != nil || !math.IsInf(p, 1) {
				t.Errorf("%s %+v: pipelined result differs: %.2f dB %v", name, o, p, err)
			}
		}
	}
}
