package imgproc

import (
	"bytes"
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
		return header{}, errHeader
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxSide || cfg.Height > maxSide {
		return header{}, errBadSizes
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
