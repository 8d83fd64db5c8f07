package jpeg

import (
	"os"
	"testing"
)

func TestDumpBench(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	benchData(nil)
	os.WriteFile("/tmp/bench20.jpg", bench.baseline, 0o644)
	os.WriteFile("/tmp/bench20p.jpg", bench.progressive, 0o644)
}
