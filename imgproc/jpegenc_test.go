package imgproc

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestEncodeJPEGParallel checks that the strip-parallel encoder's output
// decodes to exactly the pixels of image/jpeg's sequential output, for gray
// and colour, at sizes that are and are not multiples of the MCU.
func TestEncodeJPEGParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3)) // odd core count, more strips
	defer func(n int) { parallelJPEGMin = n }(parallelJPEGMin)
	parallelJPEGMin = 1000
	g := noisy(283, 221, 5)
	rgba := image.NewRGBA(image.Rect(0, 0, 300, 177))
	for i := range rgba.Pix {
		rgba.Pix[i] = g.Pix[i%len(g.Pix)]
		if i%4 == 3 {
			rgba.Pix[i] = 255
		}
	}
	for name, m := range map[string]image.Image{"gray": g, "rgba": rgba} {
		var par, seq bytes.Buffer
		if err := encodeJPEG(&par, m, 75); err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(&seq, m, &jpeg.Options{Quality: 75}); err != nil {
			t.Fatal(err)
		}
		data := bytes.Clone(par.Bytes())
		if !bytes.Contains(data, []byte{0xff, 0xdd, 0, 4}) {
			t.Errorf("%s: no DRI segment: the parallel path was not taken", name)
		}
		a, err := jpeg.Decode(&par)
		if err != nil {
			t.Fatalf("%s: decoding the parallel output: %v", name, err)
		}
		b, err := jpeg.Decode(&seq)
		if err != nil {
			t.Fatal(err)
		}
		if a.Bounds() != b.Bounds() || psnr(a, b) != psnr(b, b) {
			t.Errorf("%s: parallel output differs from sequential: %v vs %v, PSNR %.1f", name, a.Bounds(), b.Bounds(), psnr(a, b))
		}
		if name == "gray" {
			checkWithPillow(t, data, a)
		}
	}
}

// checkWithPillow decodes data with Pillow (libjpeg), which is stricter
// about restart markers than image/jpeg, and compares with want.
func checkWithPillow(t *testing.T, data []byte, want image.Image) {
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Log("skipping the libjpeg check: /usr/bin/python3 not found")
		return
	}
	if exec.Command(py, "-c", "import PIL").Run() != nil {
		t.Log("skipping the libjpeg check: python3-pil not installed")
		return
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.jpg"), filepath.Join(dir, "out.png")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", "import sys\nfrom PIL import Image\nImage.open(sys.argv[1]).save(sys.argv[2])", in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Pillow cannot decode the parallel output: %v\n%s", err, msg)
	}
	got := decodeFile(t, out)
	// libjpeg's IDCT differs from Go's by a level here and there.
	if p := psnr(want, got); p < 45 {
		t.Errorf("Pillow decodes the parallel output differently: PSNR %.1f dB", p)
	}
}
