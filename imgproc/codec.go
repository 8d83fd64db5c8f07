package imgproc

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	fastjpeg "procesa/imgproc/jpeg"
)

// codec holds the header reader and the pixel decoder of one input format.
// This table is the one place where a decoder is swapped for another.
// decode gets the header Check read; gray says that only luma is needed,
// which lets a decoder skip the chroma work.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func(src []byte, h header, gray bool) (image.Image, error)
}

// reader adapts an io.Reader decoder.
func reader(f func(io.Reader) (image.Image, error)) func([]byte, header, bool) (image.Image, error) {
	return func(b []byte, _ header, _ bool) (image.Image, error) { return f(bytes.NewReader(b)) }
}

// codecs maps the names returned by Sniff to their decoders.
var codecs = map[string]codec{
	"jpeg": {jpeg.DecodeConfig, decodeJPEG},
	"png":  {png.DecodeConfig, reader(png.Decode)},
	"gif":  {gif.DecodeConfig, reader(gif.Decode)}, // the first frame
	"bmp":  {bmp.DecodeConfig, reader(bmp.Decode)},
	"tiff": {tiff.DecodeConfig, reader(tiff.Decode)},
	"webp": {webp.DecodeConfig, reader(webp.Decode)},
}

// decodeJPEG decodes with our imgproc/jpeg decoder, luma only when gray is
// enough, and falls back to image/jpeg for the streams it leaves to it.
// An RGB (not YCbCr) JPEG is decoded in full and, when its G and B are
// stored at reduced resolution, they are upsampled as libjpeg does.
func decodeJPEG(src []byte, h header, gray bool) (image.Image, error) {
	rgb := h.colorModel == color.RGBAModel
	m, err := fastjpeg.Decode(bytes.NewReader(src), fastjpeg.DecodeOptions{GrayOnly: gray && !rgb})
	if errors.Is(err, fastjpeg.ErrUnsupported) {
		m, err = jpeg.Decode(bytes.NewReader(src))
	}
	if rgba, ok := m.(*image.RGBA); ok && err == nil {
		hs, vs := jpegRGBSampling(src)
		fancyRGB(rgba, hs, vs)
	}
	return m, err
}

// decode decodes src, whose header h Check has read.
func decode(h header, src []byte, gray bool) (image.Image, error) {
	return codecs[h.Format].decode(src, h, gray)
}

// pngEncoder is shared: its buffer pool makes repeated encodes cheaper.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngPool{}}

// encode writes m to w in the format named by o.Format. This is the one
// place where an encoder is swapped for another.
func encode(w io.Writer, m image.Image, o Options) error {
	if o.Format == FormatPNG {
		return pngEncoder.Encode(w, m)
	}
	return fastjpeg.Encode(w, m, fastjpeg.EncodeOptions{Quality: o.Quality})
}

// pngPool is a png.EncoderBufferPool backed by a sync.Pool.
type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }
