package api

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"procesa/imgproc"
	"procesa/proto"
)

func TestParseOptions(t *testing.T) {
	def := imgproc.DefaultOptions()
	def.Scale = 0.5 // as if the server ran with -e 0.5
	tests := []struct {
		query     string
		want      func(o *imgproc.Options)
		wantWait  bool
		wantParam string // the parameter a 400 must name; "" for success
	}{
		{"", func(o *imgproc.Options) {}, false, ""},
		{"escala=2", func(o *imgproc.Options) { o.Scale = 2 }, false, ""},
		{"escala=0.25&gris=0&formato=png", func(o *imgproc.Options) { o.Scale, o.Gray, o.Format = 0.25, false, "png" }, false, ""},
		{"ancho=100", func(o *imgproc.Options) { o.Width = 100 }, false, ""},
		{"alto=7&ancho=9", func(o *imgproc.Options) { o.Width, o.Height = 9, 7 }, false, ""},
		{"calidad=100&filtro=cercano", func(o *imgproc.Options) { o.Quality, o.Filter = 100, "cercano" }, false, ""},
		{"formato=jpg", func(o *imgproc.Options) {}, false, ""},
		{"esperar=1", func(o *imgproc.Options) {}, true, ""},
		{"desconocido=1", func(o *imgproc.Options) {}, false, ""},
		{"escala=0", nil, false, "escala"},
		{"escala=-1", nil, false, "escala"},
		{"escala=abc", nil, false, "escala"},
		{"escala=NaN", nil, false, "escala"},
		{"escala=Inf", nil, false, "escala"},
		{"ancho=0", nil, false, "ancho"},
		{"alto=1.5", nil, false, "alto"},
		{"gris=2", nil, false, "gris"},
		{"formato=gif", nil, false, "formato"},
		{"calidad=0", nil, false, "calidad"},
		{"calidad=101", nil, false, "calidad"},
		{"filtro=lanczos", nil, false, "filtro"},
		{"esperar=si", nil, false, "esperar"},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		got, wait, err := parseOptions(q, def)
		if tc.wantParam != "" {
			pe, ok := err.(*proto.Error)
			if !ok || pe.Status != 400 || !strings.Contains(pe.Error(), "«"+tc.wantParam+"»") {
				t.Errorf("parseOptions(%q) error = %v; want a 400 naming %q", tc.query, err, tc.wantParam)
			}
			continue
		}
		want := def
		tc.want(&want)
		if err != nil || got != want || wait != tc.wantWait {
			t.Errorf("parseOptions(%q) = %+v, %v, %v; want %+v, %v, nil", tc.query, got, wait, err, want, tc.wantWait)
		}
	}
}

func TestWantsText(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                   false,
		"*/*":                                false,
		"text/plain":                         true,
		"text/plain; charset=utf-8":          true,
		"application/json":                   false,
		"application/json, text/plain;q=0.5": false,
		"TEXT/PLAIN":                         true,
		"Text/Plain; Charset=UTF-8":          true,
		"text/plain;q=0":                     false,
		"text/plain; q=0.0, */*":             false,
		"text/plain, application/json;q=0.9": true,
		"application/json;q=0.5, text/plain": true,
		"text/plain;q=0.5, application/json": false,
		"text/*":                             false,
		"text/plainx":                        false,
	} {
		if got := wantsText(accept); got != want {
			t.Errorf("wantsText(%q) = %v; want %v", accept, got, want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		raw       string
		want      url.Values
		wantParam string // the parameter a 400 must name
	}{
		{"", url.Values{}, ""},
		{"escala=0.5&formato=png&gris", url.Values{"escala": {"0.5"}, "formato": {"png"}, "gris": {""}}, ""},
		{"escala=%30.5&x=a+b", url.Values{"escala": {"0.5"}, "x": {"a b"}}, ""},
		{"&&escala=2&", url.Values{"escala": {"2"}}, ""},
		{"x=%zz&escala=2", url.Values{"escala": {"2"}}, ""}, // not ours: ignored
		{"%zz=1&escala=2", url.Values{"escala": {"2"}}, ""},
		{"escala=%zz", nil, "escala"},
		{"escala=0.5%", nil, "escala"},
		{"formato=%zz&escala=2", nil, "formato"},
		{"esc%61la=%2", nil, "escala"},
		{"esperar=%", nil, "esperar"},
	}
	for _, tc := range tests {
		q, err := parseQuery(tc.raw)
		if tc.wantParam != "" {
			pe, ok := err.(*proto.Error)
			if !ok || pe.Status != 400 || !strings.Contains(pe.Error(), "«"+tc.wantParam+"»") {
				t.Errorf("parseQuery(%q) error = %v; want a 400 naming %q", tc.raw, err, tc.wantParam)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(q, tc.want) {
			t.Errorf("parseQuery(%q) = %v, %v; want %v", tc.raw, q, err, tc.want)
		}
	}
}
