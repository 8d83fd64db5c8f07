package proto

import (
	"encoding/json"
	"testing"
)

// FuzzAppendJSONString checks the escaper against encoding/json: the same
// bytes for every string, and always valid JSON that decodes back to s
// (with invalid UTF-8 replaced).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "hola", `"\`, "a\nb\r\tc\b\f\x00\x1f\x7f", "<script>&", "\u2028\u2029", "\xff\xfe", "ñandú €"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendJSONString(nil, s)
		want, _ := json.Marshal(s)
		if string(got) != string(want) {
			t.Errorf("AppendJSONString(%q) = %s; want %s", s, got, want)
		}
	})
}

func TestAppendErrorBody(t *testing.T) {
	got := string(AppendErrorBody([]byte("x"), `mal "nombre"`))
	if want := `x{"error":"mal \"nombre\""}` + "\n"; got != want {
		t.Errorf("AppendErrorBody = %q; want %q", got, want)
	}
}
