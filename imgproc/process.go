package imgproc

import (
	"image"
	"io"

	"golang.org/x/image/draw"
)

// Process decodes src, applies the EXIF orientation, converts to gray when
// o.Gray, scales to o.OutputSize and encodes the result into w. It checks the
// header first, as Check does, so an image over the pixel limit is refused
// before any pixel is decoded. Errors are *Error; an error from w is
// reported as a *Error of KindDecode too, so callers that care about w
// should watch their writer.
func Process(src []byte, w io.Writer, o Options) (Info, error) {
	h, err := checkHeader(src, o)
	if err != nil {
		return Info{}, err
	}
	m, err := decode(h.Format, src)
	if err != nil {
		return Info{}, errDecode
	}
	if b := m.Bounds(); b.Dx() != h.srcW || b.Dy() != h.srcH {
		return Info{}, errDecode
	}
	// Temporary pipeline, replaced by the gray/resample stages.
	dst := image.NewRGBA(image.Rect(0, 0, h.OutWidth, h.OutHeight))
	draw.CatmullRom.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Src, nil)
	var out image.Image = dst
	if o.Gray {
		g := image.NewGray(dst.Bounds())
		draw.Draw(g, g.Bounds(), dst, image.Point{}, draw.Src)
		out = g
	}
	if err := encode(w, out, o); err != nil {
		return Info{}, errEncode
	}
	return h.Info, nil
}
