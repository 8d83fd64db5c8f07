package api

import (
	"mime"
	"strings"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"foto_procesada.jpg", `inline; filename="foto_procesada.jpg"; filename*=UTF-8''foto_procesada.jpg`},
		{"mi foto.png", `inline; filename="mi foto.png"; filename*=UTF-8''mi%20foto.png`},
		{"año ñandú.jpg", `inline; filename="a_o _and_.jpg"; filename*=UTF-8''a%C3%B1o%20%C3%B1and%C3%BA.jpg`},
		{`<script>"a"\b;c%.jpg`, `inline; filename="<script>_a__b;c%.jpg"; filename*=UTF-8''%3Cscript%3E%22a%22%5Cb%3Bc%25.jpg`},
		{"a\r\nSet-Cookie: x.jpg", `inline; filename="a__Set-Cookie: x.jpg"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.jpg`},
		{"bad\xff.jpg", `inline; filename="bad_.jpg"; filename*=UTF-8''bad%EF%BF%BD.jpg`},
	} {
		got := contentDisposition(tc.name)
		if got != tc.want {
			t.Errorf("contentDisposition(%q) =\n %s\nwant\n %s", tc.name, got, tc.want)
		}
		if strings.ContainsAny(got, "\r\n\x00") {
			t.Errorf("contentDisposition(%q) holds a control character", tc.name)
		}
		// A standard parser reads the exact name back from filename*.
		_, params, err := mime.ParseMediaType(got)
		if want := strings.ToValidUTF8(tc.name, "\uFFFD"); err != nil || params["filename"] != want {
			t.Errorf("mime.ParseMediaType(%q) = %v, %v; want filename %q", got, params, err, want)
		}
	}
}

func TestCleanAndDownloadName(t *testing.T) {
	for _, tc := range []struct{ in, clean, download string }{
		{"foto.png", "foto.png", "foto_procesada.jpg"},
		{"/fotos/viaje/foto.jpeg", "foto.jpeg", "foto_procesada.jpg"},
		{`C:\fotos\foto.gif`, "foto.gif", "foto_procesada.jpg"},
		{"sin-extension", "sin-extension", "sin-extension_procesada.jpg"},
		{".oculta", ".oculta", ".oculta_procesada.jpg"},
		{"a.b.c.webp", "a.b.c.webp", "a.b.c_procesada.jpg"},
		{"  espacio \t.png ", "espacio .png", "espacio _procesada.jpg"},
		{"con\x00nulo\x7f.png", "connulo.png", "connulo_procesada.jpg"},
		{"..", "", ""},
		{"/", "", ""},
		{strings.Repeat("ñ", 200) + ".png", strings.Repeat("ñ", 127), strings.Repeat("ñ", 127) + "_procesada.jpg"},
	} {
		got := cleanName(tc.in)
		if got != tc.clean {
			t.Errorf("cleanName(%q) = %q; want %q", tc.in, got, tc.clean)
			continue
		}
		if got != "" {
			if d := downloadName(got, "jpg"); d != tc.download {
				t.Errorf("downloadName(%q, jpg) = %q; want %q", got, d, tc.download)
			}
		}
	}
}
