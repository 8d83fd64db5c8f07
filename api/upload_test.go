package api

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func multipartBody(t testing.TB, fields map[string]string, file []byte) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, err := mw.CreateFormFile("imagen", "foto.jpg")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func TestRequestImage(t *testing.T) {
	img := []byte("\xff\xd8\xff\xe0 not really a jpeg")
	ct, body := multipartBody(t, map[string]string{"nota": "hola"}, img)
	noFileCT, noFile := multipartBody(t, map[string]string{"a": "b"}, nil)
	fieldCT, field := multipartBody(t, map[string]string{"imagen": string(img)}, nil)
	// A part head the size of many forms' worth: refused without keeping it.
	hugeCT := "multipart/form-data; boundary=x"
	huge := []byte("--x\r\nContent-Disposition: form-data; name=\"imagen\"; filename=\"" +
		strings.Repeat("a", 1<<20) + "\"\r\n\r\n" + string(img) + "\r\n--x--\r\n")
	// A big field is content, streamed past, not a head.
	bigFieldCT, bigField := multipartBody(t, map[string]string{"nota": strings.Repeat("b", 1<<20)}, img)
	for _, tc := range []struct {
		name, ct string
		body     []byte
		want     []byte
		wantErr  error
	}{
		{"raw body", "image/jpeg", img, img, nil},
		{"raw body, no type", "", img, img, nil},
		{"form: first file part", ct, body, img, nil},
		{"form without a file", noFileCT, noFile, nil, errNoFilePart},
		{"form: a field holding an image", fieldCT, field, img, nil},
		{"form without boundary", "multipart/form-data", body, nil, errBadForm},
		{"form with a huge part head", hugeCT, huge, nil, errFormHeads},
		{"form with a big plain field first", bigFieldCT, bigField, img, nil},
		{"broken form", ct, body[:len(body)/2], nil, errBadForm},
	} {
		got, err := requestImage(tc.ct, &sourceReader{r: bytes.NewReader(tc.body)})
		var data []byte
		if err == nil {
			data, err = io.ReadAll(got.image)
			if err != nil && tc.wantErr != nil {
				err = errBadForm // a part that breaks midway
			}
		}
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && !bytes.Equal(data, tc.want)) {
			t.Errorf("%s: got %q, %v; want %q, %v", tc.name, data, err, tc.want, tc.wantErr)
		}
	}
}

// TestRequestImageForm checks what an HTML form sends besides the image:
// its file name, and the parameter fields before the file (empty ones and
// fields that are not parameters left out).
func TestRequestImageForm(t *testing.T) {
	img := []byte("\xff\xd8\xff\xe0 not really a jpeg")
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("escala", "0.5")
	mw.WriteField("ancho", "")
	mw.WriteField("formato", "png")
	mw.WriteField("nota", "hola")
	// As a browser sends it: '"' as %22 (multipart.Writer would send \").
	fw, _ := mw.CreateFormFile("imagen", `C:\fotos\<script>alert(%22x%22)&amp;.jpg`)
	fw.Write(img)
	mw.WriteField("calidad", "5") // after the file: not read
	mw.Close()
	got, err := requestImage(mw.FormDataContentType(), &sourceReader{r: &b})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.image)
	want := url.Values{"escala": {"0.5"}, "formato": {"png"}}
	if !bytes.Equal(data, img) || got.name != `<script>alert("x")&amp;.jpg` || !reflect.DeepEqual(got.fields, want) {
		t.Errorf("requestImage = %q, name %q, fields %v; want the image, name %q, fields %v",
			data, got.name, got.fields, `<script>alert("x")&amp;.jpg`, want)
	}

	long := strings.Repeat("1", maxFieldBytes+1)
	ct, body := multipartBody(t, map[string]string{"escala": long}, img)
	if _, err := requestImage(ct, &sourceReader{r: bytes.NewReader(body)}); err == nil || !strings.Contains(err.Error(), "«escala»") {
		t.Errorf("a %d-byte escala field: err = %v; want a 400 naming escala", len(long), err)
	}
}

// FuzzRequestImage feeds arbitrary bodies and Content-Types to the upload
// body reader: it must never panic, and a body it accepts must read to an
// end.
func FuzzRequestImage(f *testing.F) {
	ct, body := multipartBody(f, map[string]string{"nota": "hola"}, []byte("\x89PNG\r\n\x1a\nIHDR"))
	f.Add(ct, body)
	f.Add("image/png", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"b\"\r\n\r\nzz\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r, err := requestImage(ct, &sourceReader{r: bytes.NewReader(body)})
		if err != nil {
			return
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(r.image, int64(len(body))+1))
		if n > int64(len(body)) {
			t.Fatalf("read %d bytes out of a %d-byte body", n, len(body))
		}
	})
}
