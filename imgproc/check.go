package imgproc

import (
	"bytes"
	"encoding/binary"
	"image/color"
)

// Info is what Check learns from an image header. Width and Height are the
// source size after EXIF orientation; OutWidth and OutHeight the output size.
type Info struct {
	Format              string
	Width, Height       int
	OutWidth, OutHeight int
}

// header is Info plus what Process needs to carry on.
type header struct {
	Info
	orientation int         // EXIF orientation, 1..8
	srcW, srcH  int         // stored (not oriented) size
	colorModel  color.Model // as DecodeConfig reports it
}

// Check validates o, sniffs the format, reads only the image header
// (DecodeConfig and the JPEG EXIF orientation) and refuses a source or an
// output over o.MaxPixels. It decodes no pixels and allocates little, even
// for a header declaring billions of pixels. Errors are *Error.
func Check(src []byte, o Options) (Info, error) {
	h, err := checkHeader(src, o)
	return h.Info, err
}

func checkHeader(src []byte, o Options) (header, error) {
	if err := o.Validate(); err != nil {
		return header{}, err
	}
	format := Sniff(src)
	if format == "" {
		return header{}, errFormat
	}
	cfg, err := codecs[format].config(bytes.NewReader(src))
	if err != nil {
		if w, h, ok := pngDeclaredSize(format, src); ok && (w > maxSide || h > maxSide ||
			o.MaxPixels > 0 && w*h > o.MaxPixels) {
			// image/png refuses sizes whose pixels would not fit in
			// memory ("dimension overflow"): too large, not damaged.
			return header{}, errSource
		}
		return header{}, errHeader
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return header{}, errBadSizes
	}
	if cfg.Width > maxSide || cfg.Height > maxSide {
		return header{}, errSource
	}
	h := header{orientation: orientNormal, srcW: cfg.Width, srcH: cfg.Height, colorModel: cfg.ColorModel}
	h.Format = format
	if format == "jpeg" {
		h.orientation = jpegOrientation(src)
	}
	h.Width, h.Height = cfg.Width, cfg.Height
	if swapsAxes(h.orientation) {
		h.Width, h.Height = h.Height, h.Width
	}
	if o.MaxPixels > 0 && int64(h.Width)*int64(h.Height) > o.MaxPixels {
		return header{}, errSource
	}
	h.OutWidth, h.OutHeight = o.OutputSize(h.Width, h.Height)
	if o.MaxPixels > 0 && int64(h.OutWidth)*int64(h.OutHeight) > o.MaxPixels {
		return header{}, errOutput
	}
	return h, nil
}

// pngDeclaredSize reads the width and height a PNG's IHDR declares, which
// the PNG format allows up to 2³¹-1 each.
func pngDeclaredSize(format string, src []byte) (w, h int64, ok bool) {
	if format != "png" || len(src) < 24 || string(src[12:16]) != "IHDR" {
		return 0, 0, false
	}
	w = int64(binary.BigEndian.Uint32(src[16:]))
	h = int64(binary.BigEndian.Uint32(src[20:]))
	return w, h, w > 0 && h > 0 && w < 1<<31 && h < 1<<31
}
