// Command procesa-bench runs one imgproc.Process job on a file, the way a
// procesa worker does, and prints how long it took. scripts/bench_vs_pillow.py
// runs it once per job so that the peak RSS of the process is the peak of
// one task.
//
//	go run ./scripts/procesa-bench -escala 0.5 foto.jpg > gris.jpg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"procesa/imgproc"
)

func main() {
	o := imgproc.DefaultOptions()
	flag.Float64Var(&o.Scale, "escala", o.Scale, "factor de escala")
	flag.BoolVar(&o.Gray, "gris", o.Gray, "escala de grises")
	flag.StringVar(&o.Format, "formato", o.Format, "formato de salida: jpeg o png")
	flag.IntVar(&o.Quality, "calidad", o.Quality, "calidad JPEG, 1 a 100")
	flag.StringVar(&o.Filter, "filtro", o.Filter, "filtro: cercano, bilineal o bicubico")
	salida := flag.String("o", "", "archivo de salida (por omisión, se descarta)")
	perfil := flag.String("cpuprofile", "", "escribe un perfil de CPU en este archivo")
	veces := flag.Int("n", 1, "repite la tarea n veces (para perfiles); se imprime la última")
	flag.Parse()
	if *perfil != "" {
		f, err := os.Create(*perfil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "uso: procesa-bench [opciones] imagen")
		os.Exit(2)
	}
	start := time.Now()
	src, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	var w io.Writer = io.Discard
	var bw *bufio.Writer
	if *salida != "" {
		f, err := os.Create(*salida)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		defer f.Close()
		bw = bufio.NewWriterSize(f, 1<<20)
		w = bw
	}
	var info imgproc.Info
	for i := range *veces {
		if i > 0 {
			start = time.Now()
		}
		info, err = imgproc.Process(src, w, o)
		if err != nil {
			break
		}
	}
	if err == nil && bw != nil {
		err = bw.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	fmt.Printf("%.3f ms %dx%d -> %dx%d\n", float64(time.Since(start).Microseconds())/1000, info.Width, info.Height, info.OutWidth, info.OutHeight)
}
