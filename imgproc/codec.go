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
	decode func(io.Reader) (image.Image, error)
}

// codecs maps the names returned by Sniff to their decoders.
var codecs = map[string]codec{
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"png":  {png.DecodeConfig, png.Decode},
	"gif":  {gif.DecodeConfig, gif.Decode}, // Decode returns the first frame
	"bmp":  {bmp.DecodeConfig, bmp.Decode},
	"tiff": {tiff.DecodeConfig, tiff.Decode},
	"webp": {webp.DecodeConfig, webp.Decode},
}

// pngEncoder is shared: its buffer pool makes repeated encodes cheaper.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngPool{}}

// encode writes m to w in the format named by o.Format. This is the one
// place where an encoder is swapped for another.
func encode(w io.Writer, m image.Image, o Options) error {
	if o.Format == FormatPNG {
		return pngEncoder.Encode(w, m)
	}
	return jpeg.Encode(w, m, &jpeg.Options{Quality: o.Quality})
}

// decode decodes src with the codec of format.
func decode(format string, src []byte) (image.Image, error) {
	return codecs[format].decode(bytes.NewReader(src))
}

// pngPool is a png.EncoderBufferPool backed by a sync.Pool.
type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }
