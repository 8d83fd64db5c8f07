package jpeg

import (
	"math/rand/v2"
	"testing"
)

// fdctBlocks returns test blocks of samples: random, smooth, flat at the
// extremes, and high-contrast patterns, which push coefficients to the
// clamp bounds at quality 100.
func fdctBlocks(rng *rand.Rand) [][64]byte {
	var out [][64]byte
	for i := 0; i < 2000; i++ {
		var b [64]byte
		switch i % 6 {
		case 0: // uniform noise
			for k := range b {
				b[k] = byte(rng.IntN(256))
			}
		case 1: // a smooth ramp with a little noise
			gx, gy, o := rng.IntN(33)-16, rng.IntN(33)-16, rng.IntN(256)
			for k := range b {
				v := o + gx*(k%8) + gy*(k/8) + rng.IntN(5) - 2
				b[k] = byte(max(0, min(255, v)))
			}
		case 2: // flat
			v := []byte{0, 255, 128, byte(rng.IntN(256))}[rng.IntN(4)]
			for k := range b {
				b[k] = v
			}
		case 3: // checkerboards and stripes of 0 and 255
			p := rng.IntN(4)
			for k := range b {
				x, y := k%8, k/8
				on := [4]bool{(x+y)%2 == 0, x%2 == 0, y%2 == 0, x < 4}[p]
				if on {
					b[k] = 255
				}
			}
		case 4: // two levels
			lo, hi := byte(rng.IntN(256)), byte(rng.IntN(256))
			for k := range b {
				if rng.IntN(2) == 0 {
					b[k] = lo
				} else {
					b[k] = hi
				}
			}
		default: // mostly flat with a few spikes
			v := byte(rng.IntN(256))
			for k := range b {
				b[k] = v
				if rng.IntN(16) == 0 {
					b[k] = byte(rng.IntN(256))
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// checkFDCTQuant compares fdctQuant and fdctQuantGray with their Go
// versions on samples s at quality q and both tables; the results must be
// the same bit for bit (see fdct.go). frac, when not zero, is added to every
// sample of the float block (the RGB source's samples are not integers).
func checkFDCTQuant(t *testing.T, s *[64]byte, q int, frac float32) {
	t.Helper()
	for tab := 0; tab < 2; tab++ {
		quant := scaleQuant(&stdQuant[tab], q)
		recip := quantRecip(&quant)
		var fb [64]float32
		for k, v := range s {
			fb[k] = float32(v) - 128 + frac
		}
		want, got := fb, fb
		var wc, gc [64]int32
		wm := fdctQuantGo(&want, &recip, &wc)
		gm := fdctQuant(&got, &recip, &gc)
		if wc != gc || wm != gm {
			t.Fatalf("fdctQuant(q=%d, table %d, +%v) of %v:\n got %v mask %064b\nwant %v mask %064b", q, tab, frac, *s, gc, gm, wc, wm)
		}
		var nz uint64
		for k := range 64 {
			if wc[unzig[k]] != 0 {
				nz |= 1 << k
			}
		}
		if wm != nz {
			t.Fatalf("fdctQuantGo mask %064b, coefficients say %064b", wm, nz)
		}
		if frac != 0 {
			continue
		}
		// The gray kernel reads rows 13 bytes apart, at an odd offset.
		const stride = 13
		src := make([]byte, 3+7*stride+8)
		for y := 0; y < 8; y++ {
			copy(src[3+y*stride:], s[y*8:y*8+8])
		}
		var gc2, wc2 [64]int32
		wm2 := fdctQuantGrayGo(src[3:], stride, &recip, &wc2)
		gm2 := fdctQuantGray(src[3:], stride, &recip, &gc2)
		if wc2 != gc2 || wm2 != gm2 {
			t.Fatalf("fdctQuantGray(q=%d, table %d) of %v:\n got %v mask %064b\nwant %v mask %064b", q, tab, *s, gc2, gm2, wc2, wm2)
		}
		if wc2 != wc || wm2 != wm {
			t.Fatalf("fdctQuantGrayGo and fdctQuantGo differ on %v", *s)
		}
	}
}

func TestFDCTQuantVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	for i, b := range fdctBlocks(rng) {
		for _, q := range []int{1, 10, 50, 75, 90, 95, 100} {
			checkFDCTQuant(t, &b, q, 0)
			if i%3 == 0 {
				checkFDCTQuant(t, &b, q, rng.Float32()-0.5)
			}
		}
	}
}

// TestFDCTQuantClamp checks blocks whose coefficients reach the baseline
// bounds: at quality 100 (all quantizers 1) a black block has DC -1024, a
// white one 1016, and checkerboards have AC coefficients near 1023.
func TestFDCTQuantClamp(t *testing.T) {
	quant := scaleQuant(&stdQuant[0], 100)
	recip := quantRecip(&quant)
	for _, v := range []byte{0, 255} {
		var s [64]byte
		for k := range s {
			s[k] = v
		}
		checkFDCTQuant(t, &s, 100, 0)
		var fb [64]float32
		for k := range fb {
			fb[k] = float32(v) - 128
		}
		var c [64]int32
		fdctQuant(&fb, &recip, &c)
		if want := int32(v)*8 - 1024; c[0] != want {
			t.Errorf("DC of a flat block of %d: %d, want %d", v, c[0], want)
		}
	}
}

// FuzzFDCTQuant compares the vector kernels with the Go code on any 64
// samples, at any quality, with an optional fraction added to the samples.
func FuzzFDCTQuant(f *testing.F) {
	rng := rand.New(rand.NewPCG(14, 2))
	for i, b := range fdctBlocks(rng)[:24] {
		f.Add(b[:], uint8(1+i*4), int8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, q uint8, frac int8) {
		var s [64]byte
		copy(s[:], data)
		checkFDCTQuant(t, &s, 1+int(q)%100, float32(frac)/256)
	})
}
