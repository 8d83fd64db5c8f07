package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"procesa/proto"
)

func TestResultExt(t *testing.T) {
	for _, tc := range []struct{ ctype, want string }{
		{"image/jpeg", ".jpg"},
		{"image/png", ".png"},
		{"IMAGE/PNG; q=1", ".png"},
		{"image/webp", ".webp"},
		{"image/x-icon", ".x-icon"},
		{"image/a.b", ".img"},
	} {
		if got, err := resultExt(tc.ctype); err != nil || got != tc.want {
			t.Errorf("resultExt(%q) = %q, %v; quería %q", tc.ctype, got, err, tc.want)
		}
	}
	for _, ctype := range []string{"", "application/json", "text/plain", ";;"} {
		if got, err := resultExt(ctype); err == nil {
			t.Errorf("resultExt(%q) = %q, nil; quería un error", ctype, got)
		}
	}
}

func TestOutputPath(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ output, image, ext, want string }{
		{"", "foto.png", ".jpg", "foto_procesada.jpg"},
		{"", "/tmp/fotos/foto.png", ".jpg", "foto_procesada.jpg"},
		{"", "archivo.tar.gz", ".png", "archivo.tar_procesada.png"},
		{"", "sin-extension", ".jpg", "sin-extension_procesada.jpg"},
		{"", ".png", ".jpg", ".png_procesada.jpg"},
		{"gris.jpg", "foto.png", ".png", "gris.jpg"},
		{dir, "a/b/foto.gif", ".jpg", filepath.Join(dir, "foto_procesada.jpg")},
	} {
		if got := outputPath(tc.output, tc.image, tc.ext); got != tc.want {
			t.Errorf("outputPath(%q, %q, %q) = %q; quería %q", tc.output, tc.image, tc.ext, got, tc.want)
		}
	}
}

func TestOpenImageRejectsDirectory(t *testing.T) {
	_, _, err := openImage(t.TempDir())
	if err == nil {
		t.Fatal("openImage(directorio) = nil; quería un error")
	}
	if _, _, err := openImage(filepath.Join(t.TempDir(), "nada")); err == nil || !os.IsNotExist(err) && err.Error() == "" {
		t.Fatalf("openImage(inexistente) = %v", err)
	}
}

func TestOutputFormat(t *testing.T) {
	dir := t.TempDir()
	pngDir := filepath.Join(dir, "fotos.png")
	os.Mkdir(pngDir, 0o755)
	for _, tc := range []struct{ output, want string }{
		{"", ""},
		{"gris.png", "png"},
		{"GRIS.PNG", "png"},
		{"gris.jpg", "jpeg"},
		{"gris.jpeg", "jpeg"},
		{"gris.gif", ""},
		{"gris", ""},
		{pngDir, ""},
	} {
		if got := outputFormat(tc.output); got != tc.want {
			t.Errorf("outputFormat(%q) = %q; quería %q", tc.output, got, tc.want)
		}
	}
}

func TestServerError(t *testing.T) {
	for _, tc := range []struct {
		status int
		reason string
		header proto.Header
		body   string
		want   string
	}{
		{415, "Unsupported Media Type", nil, `{"error": "no es una imagen"}`,
			"el servidor respondió con el estado 415: no es una imagen"},
		{409, "Conflict", nil, `{"id_tarea":"x","estado":"En progreso"}`,
			"el servidor respondió con el estado 409: la tarea está en progreso"},
		{500, "Internal Server Error", nil, "algo\x1b[2Jfalló\nsegunda línea\n",
			"el servidor respondió con el estado 500 Internal Server Error: algo [2Jfalló"},
		{502, "Bad Gateway", nil, "", "el servidor respondió con el estado 502 Bad Gateway"},
		{503, "Service Unavailable", proto.Header{{Name: "Retry-After", Value: "5"}}, `{"error":"cola llena"}`,
			"el servidor respondió con el estado 503: cola llena (reintente en 5 s)"},
		{400, "", nil, strings.Repeat("x", 400), "el servidor respondió con el estado 400: " + strings.Repeat("x", 80) + "..."},
		// Another HTTP server (python3 -m http.server): its page is not repeated.
		{501, "Unsupported method ('POST')", proto.Header{{Name: "Content-Type", Value: "text/html;charset=utf-8"}},
			"<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<title>Error response</title>\n</head>\n<body><h1>Error response</h1></body></html>\n",
			"el servidor respondió con el estado 501 Unsupported method ('POST')"},
		{404, "Not Found", nil, "\n  <html><body>404</body></html>", "el servidor respondió con el estado 404 Not Found"},
	} {
		s := &session{c: &conn{}}
		head := &proto.ResponseHead{Status: tc.status, Reason: tc.reason, Header: tc.header}
		err := s.serverError(head, strings.NewReader(tc.body))
		var se *ServerError
		if !errors.As(err, &se) || se.Status != tc.status || err.Error() != tc.want {
			t.Errorf("serverError(%d, %q) = %v; quería %q", tc.status, tc.body, err, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		status int
		value  string
		want   time.Duration
		ok     bool
	}{
		{503, "5", 5 * time.Second, true},
		{503, "0", 0, true},
		{503, "3600", maxRetryWait, true},
		{503, "", 0, false},
		{503, "Wed, 21 Oct 2026 07:28:00 GMT", 0, false},
		{503, "-1", 0, false},
		{429, "5", 0, false},
	} {
		head := &proto.ResponseHead{Status: tc.status, Header: proto.Header{{Name: "Retry-After", Value: tc.value}}}
		if got, ok := retryAfter(head); got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%d, %q) = %v, %v; quería %v, %v", tc.status, tc.value, got, ok, tc.want, tc.ok)
		}
	}
}
