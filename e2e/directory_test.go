package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDirectory serves images from --directorio and tries every way out of
// it: "..", percent-encoded dots, absolute paths and symbolic links. The
// files outside are real images, so any escape would answer 202.
func TestDirectory(t *testing.T) {
	t.Parallel()
	top := t.TempDir()
	dir := filepath.Join(top, "fotos")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(photo(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		filepath.Join(dir, "foto.jpg"),
		filepath.Join(dir, "con espacio ñ.jpg"),
		filepath.Join(dir, "sub", "dentro.jpg"),
		filepath.Join(top, "secreto.jpg"), // outside
	} {
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(top, "secreto.jpg")
	for name, target := range map[string]string{
		"enlace-relativo.jpg": "../secreto.jpg",
		"enlace-absoluto.jpg": secret,
		"sub/enlace-arriba":   "../../secreto.jpg",
		"enlace-dir":          top,
		"enlace-dentro.jpg":   "foto.jpg", // inside: allowed by os.Root
		"sub/enlace-hermano":  "../foto.jpg",
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	s := startServer(t, "--directorio", dir, "-w", "2")
	base := s.base()

	for _, p := range []string{"/foto.jpg", "/" + url.PathEscape("con espacio ñ.jpg"), "/sub/dentro.jpg", "/enlace-dentro.jpg", "/sub/enlace-hermano", "/sub/../foto.jpg"} {
		r := get(t, base+p+"?escala=0.5")
		if r.status != 202 {
			t.Errorf("GET %s: %v, se esperaba 202", p, r)
			continue
		}
		id := checkAccepted(t, r)
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 75, 51, true)
	}

	// Raw requests, so that no client normalises the path first.
	escapes := []string{
		"/../secreto.jpg",
		"/sub/../../secreto.jpg",
		"/%2e%2e/secreto.jpg",
		"/%2E%2E/secreto.jpg",
		"/.%2e/secreto.jpg",
		"/sub/%2e%2e%2f%2e%2e%2fsecreto.jpg",
		"/%2e%2e%2fsecreto.jpg",
		"/..%2fsecreto.jpg",
		"/sub%2f..%2f..%2fsecreto.jpg",
		"/" + secret,
		"//" + strings.TrimPrefix(secret, "/"),
		"/" + url.PathEscape(secret),
		"/enlace-relativo.jpg",
		"/enlace-absoluto.jpg",
		"/sub/enlace-arriba",
		"/enlace-dir/secreto.jpg",
		"/%2e%2e/fotos/foto.jpg",
		"/sub",
		"/no-existe.jpg",
		"/etc/passwd",
		"/%00foto.jpg",
		"/foto.jpg%00",
	}
	for _, p := range escapes {
		resp := rawExchange(t, s.hostPort(), "GET "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		status, _, _ := strings.Cut(resp, "\r\n")
		if strings.Contains(status, " 202 ") || strings.Contains(status, " 200 ") || strings.Contains(status, " 5") {
			t.Errorf("GET %s: %q, se esperaba 404 (o 400)", p, status)
		} else if !strings.HasPrefix(status, "HTTP/1.1 404 ") && !strings.HasPrefix(status, "HTTP/1.1 400 ") {
			t.Errorf("GET %s: %q, se esperaba 404", p, status)
		}
	}
	// "/.." resolves to "/" (RFC 3986 dot-segment removal): the help page,
	// never a file.
	resp := rawExchange(t, s.hostPort(), "GET /.. HTTP/1.0\r\n\r\n")
	if status, _, _ := strings.Cut(resp, "\r\n"); strings.Contains(status, " 202 ") || !strings.Contains(resp, "text/plain") {
		t.Errorf("GET /..: %q", resp)
	}
	// The absolute form too.
	resp = rawExchange(t, s.hostPort(), "GET http://x/../secreto.jpg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if status, _, _ := strings.Cut(resp, "\r\n"); !strings.HasPrefix(status, "HTTP/1.1 404 ") && !strings.HasPrefix(status, "HTTP/1.1 400 ") {
		t.Errorf("GET en forma absoluta con ..: %q", status)
	}
	// HEAD creates no task: it tells what GET would answer.
	for p, want := range map[string]string{
		"/foto.jpg":                           "HTTP/1.1 202 Accepted\r\nContent-Type: application/json",
		"/foto.jpg?esperar=1&formato=png":     "HTTP/1.1 200 OK\r\nContent-Type: image/png",
		"/foto.jpg?esperar=1":                 "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg",
		"/foto.jpg?escala=100000":             "HTTP/1.1 413 ",
		"/sub/dentro.jpg?ancho=10&escala=0.5": "HTTP/1.1 202 ",
	} {
		resp := rawExchange(t, s.hostPort(), "HEAD "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		head, body, _ := strings.Cut(resp, "\r\n\r\n")
		status, fields, _ := strings.Cut(head, "\r\n")
		wantStatus, wantType, _ := strings.Cut(want, "\r\n")
		if !strings.HasPrefix(status, wantStatus) || !strings.Contains(fields, wantType) || body != "" {
			t.Errorf("HEAD %s: %q; want %q", p, resp, want)
		}
		if strings.HasPrefix(status, "HTTP/1.1 2") && strings.Contains(fields, "Content-Length") {
			t.Errorf("HEAD %s: a Content-Length for content not made: %q", p, resp)
		}
	}
	for p, want := range map[string]string{"/no-existe.jpg": " 404 ", "/foto.jpg?escala=0": " 400 ", "/../secreto.jpg": " 404 "} {
		resp := rawExchange(t, s.hostPort(), "HEAD "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if status, _, _ := strings.Cut(resp, "\r\n"); !strings.Contains(status, want) {
			t.Errorf("HEAD %s: %q, se esperaba%s", p, status, want)
		}
	}
	// Nothing was accepted but the six legitimate requests.
	records, _ := os.ReadDir(filepath.Join(s.data, "tareas"))
	if len(records) != 6 {
		t.Errorf("hay %d registros de tareas, se esperaban 6: %v", len(records), names(records))
	}
	m := parseMetrics(t, string(get(t, base+"/metricas").body))
	// The six GETs and the two HEADs answered 202 (which made no task).
	if v := m.values[`procesa_solicitudes_total{ruta="directorio",codigo="202"}`]; v != 8 {
		t.Errorf(`procesa_solicitudes_total{ruta="directorio",codigo="202"} = %v, se esperaba 8`, v)
	}
	// esperar=1 answers with the image itself.
	r := get(t, base+"/sub/dentro.jpg?esperar=1&formato=png&ancho=15")
	if r.status != 200 {
		t.Fatalf("GET /sub/dentro.jpg?esperar=1: %v", r)
	}
	checkImage(t, decodeImage(t, r.body), "png", 15, 10, true)
	// PUT and the other routes still work with --directorio on.
	if r := get(t, base+"/salud"); r.status != 200 {
		t.Errorf("/salud con --directorio: %v", r)
	}
	id := checkAccepted(t, do(t, "PUT", base+"/subida.jpg", fileBody(t, photo(t))))
	waitDone(t, base, id)
}
