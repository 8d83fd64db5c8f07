package jpeg

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPU(t *testing.T) {
	f := os.Getenv("CPUF")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	runtime.GOMAXPROCS(1)
	for _, o := range []DecodeOptions{{}, {GrayOnly: true}, {GrayOnly: true, Shrink: 2}, {GrayOnly: true, Shrink: 4}, {GrayOnly: true, Shrink: 8}} {
		best := time.Hour
		for i := 0; i < 3; i++ {
			runtime.GC()
			c0 := cpuTime()
			Decode(bytes.NewReader(b), o)
			best = min(best, cpuTime()-c0)
		}
		fmt.Printf("ours %+v: %v CPU\n", o, best)
	}
	best := time.Hour
	for i := 0; i < 3; i++ {
		runtime.GC()
		c0 := cpuTime()
		jpeg.Decode(bytes.NewReader(b))
		best = min(best, cpuTime()-c0)
	}
	fmt.Printf("image/jpeg: %v CPU\n", best)
}
