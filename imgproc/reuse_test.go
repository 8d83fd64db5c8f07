package imgproc

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"image/png"
	"sync"
	"testing"
)

// TestProcessReusesBuffers runs jobs that leave their buffers for the next
// ones (the decoded planes, the output planes, the encoder's buffers: large
// enough to be kept) many times from several goroutines, mixed, and checks
// that every run gives the bytes the first run gave: no job may see or
// change another's pixels.
func TestProcessReusesBuffers(t *testing.T) {
	m := to8(pattern(400, 300))
	var jb, pb bytes.Buffer
	if err := jpeg.Encode(&jb, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pb, m); err != nil {
		t.Fatal(err)
	}
	type job struct {
		name string
		src  []byte
		o    Options
	}
	var jobs []job
	for _, src := range []struct {
		name string
		b    []byte
	}{{"jpeg", jb.Bytes()}, {"png", pb.Bytes()}} {
		for _, scale := range []float64{1, 0.5, 1.5} {
			for _, gray := range []bool{true, false} {
				for _, format := range []string{FormatJPEG, FormatPNG} {
					o := DefaultOptions()
					o.Scale, o.Gray, o.Format = scale, gray, format
					jobs = append(jobs, job{fmt.Sprintf("%s/x%v/gris=%v/%s", src.name, scale, gray, format), src.b, o})
				}
			}
		}
	}
	want := make([][]byte, len(jobs))
	for i, j := range jobs {
		var out bytes.Buffer
		if _, err := Process(j.src, &out, j.o); err != nil {
			t.Fatalf("%s: %v", j.name, err)
		}
		want[i] = out.Bytes()
	}
	rounds := 3
	if testing.Short() {
		rounds = 2
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var out bytes.Buffer
			for r := range rounds {
				for k := range jobs {
					i := (k*7 + g*5 + r*3) % len(jobs)
					out.Reset()
					if _, err := Process(jobs[i].src, &out, jobs[i].o); err != nil {
						t.Errorf("%s: %v", jobs[i].name, err)
						return
					}
					if !bytes.Equal(out.Bytes(), want[i]) {
						t.Errorf("%s: round %d gave different bytes from the first run", jobs[i].name, r)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
