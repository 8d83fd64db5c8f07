package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

// nc runs "nc -N host port" with stdin and returns what it printed.
func nc(t *testing.T, s *server, stdin []byte) []byte {
	t.Helper()
	bin := needTool(t, "nc")
	out, errOut, code := runCmd(t, bytes.NewReader(stdin), bin, "-N", "127.0.0.1", strconv.Itoa(s.port))
	if code != 0 {
		t.Fatalf("nc salió con %d: %s", code, errOut)
	}
	return out
}

// TestNetcat types HTTP into nc with bare LF line endings, and uses raw
// mode (an image with no HTTP at all) as docs/protocolo.md (1.6) describes.
func TestNetcat(t *testing.T) {
	t.Parallel()
	needTool(t, "nc")
	s := startServer(t, "-e", "0.5")

	t.Run("HTTP/1.0 a mano", func(t *testing.T) {
		out := string(nc(t, s, []byte("GET /salud HTTP/1.0\n\n")))
		head, body, ok := strings.Cut(out, "\r\n\r\n")
		if !ok || !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") {
			t.Fatalf("respuesta %q", out)
		}
		var h struct{ Estado string }
		if err := json.Unmarshal([]byte(body), &h); err != nil || h.Estado != "ok" {
			t.Errorf("cuerpo %q", body)
		}
	})
	t.Run("estado en texto", func(t *testing.T) {
		id := upload(t, s.base(), photo(t), "")
		waitDone(t, s.base(), id)
		out := string(nc(t, s, []byte("GET /estado/"+id+" HTTP/1.0\nAccept: text/plain\n\n")))
		if _, body, _ := strings.Cut(out, "\r\n\r\n"); body != "Completada\n" {
			t.Errorf("estado en texto por nc: %q", out)
		}
	})
	t.Run("crudo", func(t *testing.T) {
		img, err := os.ReadFile(photo(t))
		if err != nil {
			t.Fatal(err)
		}
		// nc -N host port < foto.jpg > gris.jpg, with the server's -e 0.5.
		out := nc(t, s, img)
		checkImage(t, decodeImage(t, out), "jpeg", 75, 51, true)
		png, err := os.ReadFile(goldenImage(t, "video-001.png"))
		if err != nil {
			t.Fatal(err)
		}
		checkImage(t, decodeImage(t, nc(t, s, png)), "jpeg", 75, 51, true)
	})
	t.Run("crudo con basura", func(t *testing.T) {
		for name, in := range map[string][]byte{
			"jpeg":  append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("basura "), 200)...),
			"png":   append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...),
			"firma": {0xFF, 0xD8, 0xFF},
		} {
			out := string(nc(t, s, in))
			if !strings.HasPrefix(out, "ERROR ") || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 || len(out) < 10 {
				t.Errorf("%s: modo crudo con basura respondió %q, se esperaba una línea «ERROR …»", name, out)
			}
		}
	})
	t.Run("lo que sigue a la solicitud", func(t *testing.T) {
		// The server closes after an HTTP/1.0 reply while nc is still
		// sending: a newline typed after the body, or a file the request
		// did not declare. The reply must reach nc all the same.
		png, err := os.ReadFile(goldenImage(t, "video-001.png"))
		if err != nil {
			t.Fatal(err)
		}
		head := "POST /procesar HTTP/1.0\r\nContent-Length: " + strconv.Itoa(len(png)) + "\r\n\r\n"
		for name, tc := range map[string]struct {
			in   []byte
			want string
		}{
			"salto de línea tras el cuerpo": {append(append([]byte(head), png...), "\r\n"...), "HTTP/1.1 202 "},
			"archivo no declarado":          {append([]byte("GET /salud HTTP/1.0\r\n\r\n"), png...), "HTTP/1.1 200 "},
		} {
			for i := range 10 {
				if out := nc(t, s, tc.in); !bytes.HasPrefix(out, []byte(tc.want)) {
					t.Fatalf("%s, intento %d: nc recibió %q; se esperaba %q…", name, i+1, out, tc.want)
				}
			}
		}
	})
	// Raw uploads leave no files behind: their tasks are synchronous.
	id := upload(t, s.base(), photo(t), "")
	waitDone(t, s.base(), id)
	noLeftovers(t, s.data)
}
