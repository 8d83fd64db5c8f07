package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"syscall"
	"time"

	ours "procesa/imgproc/jpeg"

	"golang.org/x/image/draw"
)

func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			n := float64(int(seed&31) - 16)
			base := 120 + 60*math.Sin(fx*9+fy*4)*math.Cos(fy*7-fx*3)
			if (x/97+y/61)%5 == 0 {
				base += 50
			}
			c := func(v float64) uint8 { return uint8(max(0, min(255, v))) }
			row[4*x+0] = c(base + 40*fx + n)
			row[4*x+1] = c(base + 20*math.Sin(float64(x)/13) + n)
			row[4*x+2] = c(base - 30*fy + 15*math.Cos(float64(y)/17) + n)
			row[4*x+3] = 255
		}
	}
	return m
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func process(data []byte, f float64) ([]byte, error) {
	cfg, err := ours.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tw, th := max(1, int(float64(cfg.Width)*f)), max(1, int(float64(cfg.Height)*f))
	s := 1
	for s < 8 && (cfg.Width+2*s-1)/(2*s) >= tw && (cfg.Height+2*s-1)/(2*s) >= th {
		s *= 2
	}
	t0 := time.Now()
	m, err := ours.Decode(bytes.NewReader(data), ours.DecodeOptions{GrayOnly: true, Shrink: s})
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	if m.Bounds().Dx() != tw || m.Bounds().Dy() != th {
		dst := image.NewGray(image.Rect(0, 0, tw, th))
		draw.CatmullRom.Scale(dst, dst.Rect, m, m.Bounds(), draw.Src, nil)
		m = dst
	}
	t2 := time.Now()
	var out bytes.Buffer
	err = ours.Encode(&out, m, ours.EncodeOptions{Quality: 75})
	t3 := time.Now()
	if os.Getenv("SPLIT") != "" {
		fmt.Printf("  decode %v resample %v encode %v\n", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2))
	}
	return out.Bytes(), err
}

func main() {
	files := map[string]string{}
	mk := func(name string, w, h int, progressive bool) {
		path := "/tmp/e2e_" + name + ".jpg"
		files[name] = path
		if _, err := os.Stat(path); err == nil {
			return
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, photo(w, h), &jpeg.Options{Quality: 90})
		b := buf.Bytes()
		if progressive {
			cmd := exec.Command("jpegtran", "-progressive")
			cmd.Stdin = bytes.NewReader(b)
			b, _ = cmd.Output()
		}
		os.WriteFile(path, b, 0o644)
	}
	mk("20mp", 5472, 3648, false)
	mk("16mp-prog", 4896, 3264, true)
	mk("2mp", 1920, 1080, false)
	cases := []struct {
		file string
		f    float64
	}{{"20mp", 0.5}, {"16mp-prog", 0.5}, {"20mp", 1.5}, {"2mp", 0.5}, {"20mp", 0.25}}
	for _, c := range cases {
		data, _ := os.ReadFile(files[c.file])
		bestW, bestC := time.Hour, time.Hour
		for i := 0; i < 5; i++ {
			t0, c0 := time.Now(), cpu()
			if _, err := process(data, c.f); err != nil {
				panic(err)
			}
			bestW, bestC = min(bestW, time.Since(t0)), min(bestC, cpu()-c0)
		}
		py := fmt.Sprintf(`
import time, resource
from PIL import Image
best=1e9; bestc=1e9
for i in range(5):
    t=time.time(); c=resource.getrusage(resource.RUSAGE_SELF); c=c.ru_utime+c.ru_stime
    im=Image.open(%q).convert("L"); w,h=im.size
    im=im.resize((max(1,int(w*%v)),max(1,int(h*%v))), Image.BICUBIC)
    im.save("/tmp/e2e_out.jpg", quality=75)
    r=resource.getrusage(resource.RUSAGE_SELF)
    best=min(best,time.time()-t); bestc=min(bestc, r.ru_utime+r.ru_stime-c)
print("%%.1f %%.1f" %% (best*1000, bestc*1000))
`, files[c.file], c.f, c.f)
		out, err := exec.Command("/usr/bin/python3", "-c", py).Output()
		var pw, pc float64
		fmt.Sscanf(string(out), "%f %f", &pw, &pc)
		fmt.Printf("%-10s x%-4v ours wall %6.1f ms cpu %6.1f ms | Pillow wall %6.1f ms cpu %6.1f ms | ratio wall %.2f cpu %.2f %v\n",
			c.file, c.f, float64(bestW)/1e6, float64(bestC)/1e6, pw, pc, float64(bestW)/1e6/pw, float64(bestC)/1e6/pc, err)
	}
}
