package client

import (
	"os"
	"path/filepath"
	"testing"
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
