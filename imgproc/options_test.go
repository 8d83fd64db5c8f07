package imgproc

import (
	"errors"
	"math"
	"testing"
)

func TestValidate(t *testing.T) {
	mod := func(f func(*Options)) Options {
		o := DefaultOptions()
		f(&o)
		return o
	}
	tests := []struct {
		name  string
		o     Options
		param string // "" = valid
	}{
		{"defaults", DefaultOptions(), ""},
		{"png ignores quality", mod(func(o *Options) { o.Format, o.Quality = "png", 0 }), ""},
		{"width only", mod(func(o *Options) { o.Scale, o.Width = 0, 10 }), ""},
		{"height only", mod(func(o *Options) { o.Scale, o.Height = 0, 10 }), ""},
		{"zero scale", mod(func(o *Options) { o.Scale = 0 }), "escala"},
		{"negative scale", mod(func(o *Options) { o.Scale = -1 }), "escala"},
		{"NaN scale", mod(func(o *Options) { o.Scale = math.NaN() }), "escala"},
		{"Inf scale", mod(func(o *Options) { o.Scale = math.Inf(1) }), "escala"},
		{"negative width", mod(func(o *Options) { o.Width = -1 }), "ancho"},
		{"negative height", mod(func(o *Options) { o.Height = -3 }), "alto"},
		{"bad format", mod(func(o *Options) { o.Format = "gif" }), "formato"},
		{"empty format", mod(func(o *Options) { o.Format = "" }), "formato"},
		{"quality 0", mod(func(o *Options) { o.Quality = 0 }), "calidad"},
		{"quality 101", mod(func(o *Options) { o.Quality = 101 }), "calidad"},
		{"quality 1", mod(func(o *Options) { o.Quality = 1 }), ""},
		{"quality 100", mod(func(o *Options) { o.Quality = 100 }), ""},
		{"bad filter", mod(func(o *Options) { o.Filter = "lanczos" }), "filtro"},
		{"filters", mod(func(o *Options) { o.Filter = "cercano" }), ""},
		{"bilineal", mod(func(o *Options) { o.Filter = "bilineal" }), ""},
		{"negative max", mod(func(o *Options) { o.MaxPixels = -1 }), "max_pixeles"},
		{"no limit", mod(func(o *Options) { o.MaxPixels = 0 }), ""},
	}
	for _, tt := range tests {
		err := tt.o.Validate()
		if tt.param == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v; want nil", tt.name, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindParam || e.Param != tt.param || e.Status() != 400 {
			t.Errorf("%s: Validate() = %#v; want KindParam %q", tt.name, err, tt.param)
			continue
		}
		if !containsFold(e.Msg, tt.param) {
			t.Errorf("%s: message %q does not name %q", tt.name, e.Msg, tt.param)
		}
	}
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestOutputSize(t *testing.T) {
	tests := []struct {
		o          Options
		w, h       int
		wantW, wan int
	}{
		{Options{Scale: 1}, 640, 480, 640, 480},
		{Options{Scale: 0.5}, 641, 481, 320, 240},  // floor
		{Options{Scale: 1.5}, 5, 3, 7, 4},          // floor(7.5), floor(4.5)
		{Options{Scale: 0.001}, 640, 480, 1, 1},    // at least 1
		{Options{Scale: 0.3}, 10, 10, 3, 3},        // 10*0.3 = 3.0000000000000004
		{Options{Scale: 0.7}, 10, 10, 7, 7},        // 10*0.7 = 7
		{Options{Width: 100}, 640, 480, 100, 75},   // aspect kept
		{Options{Height: 100}, 640, 480, 133, 100}, // 133.33 rounds down
		{Options{Height: 3}, 640, 480, 4, 3},       // 4
		{Options{Width: 5}, 640, 480, 5, 4},        // 3.75 rounds up
		{Options{Width: 1}, 10, 1000, 1, 100},      //
		{Options{Width: 100}, 10000, 1, 100, 1},    // 0.01 -> at least 1
		{Options{Width: 30, Height: 7}, 640, 480, 30, 7},
		{Options{Scale: 1e300}, 640, 480, maxSide, maxSide},
		{Options{Scale: 2}, 0, 10, 0, 0},
	}
	for _, tt := range tests {
		w, h := tt.o.OutputSize(tt.w, tt.h)
		if w != tt.wantW || h != tt.wan {
			t.Errorf("%+v.OutputSize(%d, %d) = %d, %d; want %d, %d", tt.o, tt.w, tt.h, w, h, tt.wantW, tt.wan)
		}
	}
}

func TestContentTypeExt(t *testing.T) {
	o := DefaultOptions()
	if o.ContentType() != "image/jpeg" || o.Ext() != "jpg" {
		t.Errorf("jpeg: %q %q", o.ContentType(), o.Ext())
	}
	o.Format = "png"
	if o.ContentType() != "image/png" || o.Ext() != "png" {
		t.Errorf("png: %q %q", o.ContentType(), o.Ext())
	}
}

func TestErrorStatus(t *testing.T) {
	for k, want := range map[Kind]int{KindParam: 400, KindFormat: 415, KindTooLarge: 413, KindDecode: 422, 0: 500} {
		if got := (&Error{Kind: k}).Status(); got != want {
			t.Errorf("Kind %v: Status() = %d; want %d", k, got, want)
		}
	}
}
