package jpeg

import (
	"bytes"
	"os"
	"testing"
)

func TestDbgProg(t *testing.T) {
	b, err := os.ReadFile("/tmp/e2e_16mp-prog.jpg")
	if err != nil {
		t.Skip()
	}
	for i := 0; i < 5; i++ {
		Decode(bytes.NewReader(b), DecodeOptions{GrayOnly: true, Shrink: 2})
	}
}
