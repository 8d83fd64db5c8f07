package imgproc

import "testing"

// TestOrient checks each EXIF orientation on a 3×2 image against the
// definition: the stored pixel at (0,0) is labelled 'a', and the tag says
// where row 0 and column 0 must end up to be seen upright.
func TestOrient(t *testing.T) {
	// Stored:  a b c
	//          d e f
	src := plane{pix: []byte("abcdef"), w: 3, h: 2, stride: 3, n: 1}
	want := map[int]string{
		1: "abc" + "def",
		2: "cba" + "fed", // mirrored
		3: "fed" + "cba", // rotated 180°
		4: "def" + "abc", // flipped
		5: "ad" + "be" + "cf",
		6: "da" + "eb" + "fc", // rotated 90° clockwise
		7: "fc" + "eb" + "da",
		8: "cf" + "be" + "ad", // rotated 90° counter-clockwise
	}
	for o := 1; o <= 8; o++ {
		got := orient(src, o)
		w, h := 3, 2
		if swapsAxes(o) {
			w, h = 2, 3
		}
		if got.w != w || got.h != h || string(got.pix) != want[o] {
			t.Errorf("orientation %d: %dx%d %q; want %dx%d %q", o, got.w, got.h, got.pix, w, h, want[o])
		}
		// Four channels move together.
		src4 := newPlane(3, 2, 4)
		for i, v := range src.pix {
			copy(src4.pix[4*i:], []byte{v, v + 1, v + 2, v + 3})
		}
		got4 := orient(src4, o)
		for i, v := range []byte(want[o]) {
			if string(got4.pix[4*i:4*i+4]) != string([]byte{v, v + 1, v + 2, v + 3}) {
				t.Errorf("orientation %d, 4 channels: pixel %d = %v", o, i, got4.pix[4*i:4*i+4])
				break
			}
		}
	}
}

// TestOrientLarge checks that the tiled walk handles sizes that are not
// multiples of the tile, against orientation applied twice (6 then 8 is
// the identity; 3 twice too).
func TestOrientLarge(t *testing.T) {
	p := grayPlane(noisy(131, 70, 4))
	for _, pair := range [][2]int{{6, 8}, {8, 6}, {3, 3}, {5, 5}, {7, 7}, {2, 2}, {4, 4}} {
		back := orient(orient(p, pair[0]), pair[1])
		if back.w != p.w || back.h != p.h {
			t.Fatalf("%v: size %dx%d", pair, back.w, back.h)
		}
		for y := range p.h {
			if string(back.row(y)) != string(p.row(y)) {
				t.Fatalf("%v: row %d differs", pair, y)
			}
		}
	}
}
