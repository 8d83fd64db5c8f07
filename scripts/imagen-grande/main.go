// Command imagen-grande writes a large generated JPEG, for the end-to-end
// tests and for trying the server by hand with images too big to commit:
//
//	go run ./scripts/imagen-grande -ancho 4000 -alto 3000 -o /tmp/grande.jpg
//
// The picture is colour gradients with a little noise, so it compresses
// roughly like a photo. The same arguments always give the same bytes. The
// end-to-end tests build it once without the race detector, which would make
// encoding tens of times slower.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"os"
)

func main() {
	w := flag.Int("ancho", 4000, "ancho en píxeles")
	h := flag.Int("alto", 4000, "alto en píxeles")
	q := flag.Int("calidad", 85, "calidad JPEG, 1-100")
	out := flag.String("o", "", "archivo de salida (obligatorio)")
	flag.Parse()
	if *out == "" || *w < 2 || *h < 2 || *q < 1 || *q > 100 {
		fmt.Fprintln(os.Stderr, "uso: imagen-grande [-ancho N] [-alto N] [-calidad N] -o salida.jpg")
		os.Exit(2)
	}
	if err := write(*out, generate(*w, *h), *q); err != nil {
		fmt.Fprintln(os.Stderr, "imagen-grande:", err)
		os.Exit(1)
	}
}

// generate returns a w×h 4:2:0 image: luma rises left to right with a little
// noise, the chroma planes follow other gradients.
func generate(w, h int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(w*31 + h)
	for y := range h {
		row := m.Y[y*m.YStride : y*m.YStride+w]
		for x := range row {
			seed = seed*1664525 + 1013904223
			row[x] = uint8(16 + x*200/w + int(seed>>29))
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := range ch {
		for x := range cw {
			m.Cb[y*m.CStride+x] = uint8(y * 255 / ch)
			m.Cr[y*m.CStride+x] = uint8(255 - x*255/cw)
		}
	}
	return m
}

func write(path string, m image.Image, quality int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = jpeg.Encode(bw, m, &jpeg.Options{Quality: quality})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
