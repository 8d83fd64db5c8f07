package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Accept values as clients send them.
const (
	chromiumAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
	firefoxAccept  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	curlAccept     = "*/*"
)

func TestAcceptPreference(t *testing.T) {
	for _, tc := range []struct {
		accept     string
		html, text bool
	}{
		{"", false, false},
		{curlAccept, false, false},
		{"application/json", false, false},
		{"text/plain", false, true},
		{"TEXT/PLAIN", false, true},
		{chromiumAccept, true, false},
		{firefoxAccept, true, false},
		{"text/html", true, false},
		{"Text/HTML; charset=utf-8", true, false},
		{"application/xhtml+xml", true, false},
		{"text/html;q=0", false, false},
		{"text/*", false, false},
		{"application/json, text/html;q=0.5", false, false},
		{"text/html;q=0.5, application/json;q=0.4", true, false},
		{"text/html, application/json", false, false}, // a tie prefers nothing
		{"text/plain, text/html;q=0.9", false, true},
		{"text/html, text/plain;q=0.5", true, true},
		{"text/html;q=abc", true, false}, // a bad weight counts as 1
	} {
		a := parseAccept(tc.accept)
		if a.prefersHTML() != tc.html || a.prefersText() != tc.text {
			t.Errorf("Accept %q: prefersHTML %v, prefersText %v; want %v, %v",
				tc.accept, a.prefersHTML(), a.prefersText(), tc.html, tc.text)
		}
	}
}

// goPNG returns a PNG from GOROOT's test images.
func goPNG(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.png"))
	if err != nil {
		t.Skip("no se encuentra la imagen de prueba de GOROOT:", err)
	}
	return b
}

// finishedTask uploads img with PUT /<name> and waits for its task to end.
func finishedTask(t *testing.T, base, name string, img []byte) string {
	t.Helper()
	req, _ := http.NewRequest("PUT", base+"/"+name, bytes.NewReader(img))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var acc struct {
		ID string `json:"id_tarea"`
	}
	json.NewDecoder(resp.Body).Decode(&acc)
	resp.Body.Close()
	if resp.StatusCode != 202 || acc.ID == "" {
		t.Fatalf("PUT /%s: %d", name, resp.StatusCode)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, body := do(t, "GET", base+"/estado/"+acc.ID, "text/plain")
		if body == "Completada\n" || body == "Error\n" {
			return acc.ID
		}
	}
	t.Fatalf("task %s did not finish", acc.ID)
	return ""
}

// TestNegotiatedReplies checks, for each Accept value, what GET / and GET
// /estado/<id> answer: a page only for a browser; the JSON or text of
// before for every other client, byte for byte; Vary: Accept on all.
func TestNegotiatedReplies(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(1)
	base := serveAPI(t, w)
	id := finishedTask(t, base, "foto.png", goPNG(t))
	unknown := "6f1c1e8a-0000-4000-8000-000000000000"
	_, statusJSON := do(t, "GET", base+"/estado/"+id, "application/json")
	if !strings.HasPrefix(statusJSON, `{"id_tarea":"`+id+`","estado":"Completada","resultado_url":"/resultado/`+id+`","ancho":150,"alto":103,"bytes":`) {
		t.Fatalf("status JSON = %q", statusJSON)
	}
	notFoundJSON := `{"id_tarea":"` + unknown + `","estado":"No encontrado"}` + "\n"

	type want struct {
		status int
		ctype  string
		body   string // exact, or for a page a piece it must hold
	}
	for _, tc := range []struct {
		path, accept string
		want         want
	}{
		{"/", "", want{200, "text/plain; charset=utf-8", helpText}},
		{"/", curlAccept, want{200, "text/plain; charset=utf-8", helpText}},
		{"/", "application/json", want{200, "text/plain; charset=utf-8", helpText}},
		{"/", "text/plain", want{200, "text/plain; charset=utf-8", helpText}},
		{"/", chromiumAccept, want{200, "text/html; charset=utf-8", `<form id="formulario" method="post" action="/procesar" enctype="multipart/form-data">`}},
		{"/", firefoxAccept, want{200, "text/html; charset=utf-8", `<input id="imagen" name="imagen" type="file"`}},
		{"/estado/" + id, "", want{200, "application/json; charset=utf-8", statusJSON}},
		{"/estado/" + id, curlAccept, want{200, "application/json; charset=utf-8", statusJSON}},
		{"/estado/" + id, "application/json", want{200, "application/json; charset=utf-8", statusJSON}},
		{"/estado/" + id, "text/plain", want{200, "text/plain; charset=utf-8", "Completada\n"}},
		{"/estado/" + id, chromiumAccept, want{200, "text/html; charset=utf-8", `<strong id="estado">Completada</strong>`}},
		{"/estado/" + unknown, curlAccept, want{404, "application/json; charset=utf-8", notFoundJSON}},
		{"/estado/" + unknown, "text/plain", want{404, "text/plain; charset=utf-8", "No encontrado\n"}},
		{"/estado/" + unknown, firefoxAccept, want{404, "text/html; charset=utf-8", "<h1>Tarea no encontrada</h1>"}},
	} {
		resp, body := do(t, "GET", base+tc.path, tc.accept)
		page := strings.HasPrefix(tc.want.ctype, "text/html")
		ok := resp.StatusCode == tc.want.status && resp.Header.Get("Content-Type") == tc.want.ctype &&
			resp.Header.Get("Vary") == "Accept"
		if page {
			ok = ok && strings.Contains(body, tc.want.body) && strings.HasPrefix(body, "<!doctype html>\n<html lang=\"es\">") &&
				resp.Header.Get("Content-Security-Policy") == "default-src 'self'" &&
				resp.Header.Get("X-Content-Type-Options") == "nosniff"
		} else {
			ok = ok && body == tc.want.body && resp.Header.Get("Content-Security-Policy") == ""
		}
		if !ok {
			t.Errorf("GET %s, Accept %q: %d %q Vary=%q CSP=%q\n%s\nwant %d %q with %q", tc.path, tc.accept,
				resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Vary"),
				resp.Header.Get("Content-Security-Policy"), body, tc.want.status, tc.want.ctype, tc.want.body)
		}
	}
}

// formUpload posts img as an HTML form does: the parameter fields, then
// the file named name.
func formUpload(t *testing.T, base, accept, name string, img []byte, fields ...string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("imagen", name)
	fw.Write(img)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/procesar", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestFormUploadRedirects checks Post/Redirect/Get: a browser's form
// upload gets 303 to its task page, with the form's fields applied and
// its file name kept for the download; curl -F keeps its 202.
func TestFormUploadRedirects(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(1)
	base := serveAPI(t, w)
	img := goPNG(t)

	resp := formUpload(t, base, chromiumAccept, "mi foto.png", img, "escala", "0.5", "ancho", "", "formato", "png", "gris", "0")
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/estado/")
	if resp.StatusCode != 303 || !ok || resp.Header.Get("Vary") != "Accept" {
		t.Fatalf("browser form upload: %d Location %q Vary %q; want 303 to /estado/<id>", resp.StatusCode, loc, resp.Header.Get("Vary"))
	}
	var st struct{ Estado string }
	for deadline := time.Now().Add(10 * time.Second); st.Estado != "Completada" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, body := do(t, "GET", base+loc, "application/json")
		json.Unmarshal([]byte(body), &st)
	}
	if st.Estado != "Completada" {
		t.Errorf("task of the form upload: %+v; want Completada", st)
	}
	r, err := http.Get(base + "/resultado/" + id)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if cd := r.Header.Get("Content-Disposition"); r.Header.Get("Content-Type") != "image/png" ||
		cd != `inline; filename="mi foto_procesada.png"; filename*=UTF-8''mi%20foto_procesada.png` {
		t.Errorf("result: %s, Content-Disposition %q; want a PNG named mi foto_procesada.png", r.Header.Get("Content-Type"), cd)
	}

	for _, accept := range []string{"", curlAccept, "application/json"} {
		resp := formUpload(t, base, accept, "foto.png", img)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 || !strings.HasPrefix(string(body), `{"id_tarea":"`) ||
			resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("form upload with Accept %q: %d %q; want the 202 JSON", accept, resp.StatusCode, body)
		}
	}

	// (This test's runner copies the image: the result's type shows that
	// the form's formato=png was applied; e2e checks the scaling.)

	// A browser's failed upload gets a page, with the same status.
	resp = formUpload(t, base, chromiumAccept, "nota.txt", []byte("no es una imagen"))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 415 || !strings.Contains(string(body), "no es una imagen en un formato admitido") ||
		resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("browser upload of a text file: %d %s %q; want a 415 page", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// TestPagesEscapeNames checks that a file name cannot put markup into the
// task page: html/template writes it as text in the text and attributes.
func TestPagesEscapeNames(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(1)
	base := serveAPI(t, w)
	name := `<script>alert("x")<script>&"'.png`
	resp := formUpload(t, base, chromiumAccept, name, goPNG(t))
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	var page string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, page = do(t, "GET", base+loc, chromiumAccept); strings.Contains(page, "Completada") {
			break
		}
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, `"x"`) ||
		!strings.Contains(page, `&lt;script&gt;alert(&#34;x&#34;)&lt;script&gt;&amp;&#34;&#39;.png`) {
		t.Errorf("the task page does not escape the name %q:\n%s", name, page)
	}
	if strings.Contains(page, "<script") && !strings.Contains(page, `<script src="/estaticos/`) {
		t.Errorf("a script element in the task page:\n%s", page)
	}
}

func TestStaticFiles(t *testing.T) {
	w := &countedWorkers{}
	w.alive.Store(1)
	base := serveAPI(t, w)
	for _, tc := range []struct {
		path   string
		status int
		ctype  string
	}{
		{"/estaticos/app.js", 200, "text/javascript; charset=utf-8"},
		{"/estaticos/estilo.css", 200, "text/css; charset=utf-8"},
		{"/estaticos/icono.svg", 200, "image/svg+xml"},
		{"/estaticos/nada.js", 404, "application/json; charset=utf-8"},
		{"/estaticos/", 404, "application/json; charset=utf-8"},
		{"/estaticos/../page.go", 404, "application/json; charset=utf-8"},
		{"/estaticos/%2e%2e/page.go", 404, "application/json; charset=utf-8"},
	} {
		resp, body := do(t, "GET", base+tc.path, "")
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ctype ||
			(tc.status == 200 && (resp.Header.Get("X-Content-Type-Options") != "nosniff" || len(body) == 0)) {
			t.Errorf("GET %s: %d %q (%d bytes); want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), tc.status, tc.ctype)
		}
	}
}
