package jpeg

import (
	"bytes"
	"fmt"
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
