package imgproc

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// codec holds the header reader and the pixel decoder of one input format.
// This table is the one place where a decoder is swapped for another.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

// reader adapts an io.Reader decoder to a byte slice.
func reader(f func(io.Reader) (image.Image, error)) func([]byte) (image.Image, error) {
	return func(b []byte) (image.Image, error) { return f(bytes.NewReader(b)) }
}

// decodeJPEG decodes with image/jpeg and, for the rare RGB (not YCbCr)
// JPEG with reduced G and B, redoes their upsampling as libjpeg does.
func decodeJPEG(src []byte) (image.Image, error) {
	m, err := jpeg.Decode(bytes.NewReader(src))
	if rgba, ok := m.(*image.RGBA); ok && err == nil {
		hs, vs := jpegRGBSampling(src)
		fancyRGB(rgba, hs, vs)
	}
	return m, err
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

// pngEncoder is shared: its buffer pool makes repeated encodes cheaper.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngPool{}}

// encode writes m to w in the format named by o.Format. This is the one
// place where an encoder is swapped for another.
func encode(w io.Writer, m image.Image, o Options) error {
	if o.Format == FormatPNG {
		return pngEncoder.Encode(w, m)
	}
	return encodeJPEG(w, m, o.Quality)
}

// decode decodes src with the codec of format.
func decode(format string, src []byte) (image.Image, error) {
	return codecs[format].decode(src)
}

// pngPool is a png.EncoderBufferPool backed by a sync.Pool.
type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }
