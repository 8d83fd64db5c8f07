package imgproc

import (
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"sync"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	fastjpeg "procesa/imgproc/jpeg"
)

// codec holds the header reader and the pixel decoder of one input format.
// This table is the one place where a decoder is swapped for another.
// decode gets the header Check read and a hint of what is needed.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func(in input, h header, hint decodeHint) (image.Image, error)
}

// decodeHint says what the pipeline needs from a decoder.
type decodeHint struct {
	// gray says that only luma is needed, which lets a decoder skip the
	// chroma work.
	gray bool
	// shrink, 1, 2, 4 or 8, lets the decoder return ceil(w/shrink) ×
	// ceil(h/shrink) pixels (JPEG only: the others ignore it).
	shrink int
	// spent, when not nil, takes the buffers of the decoded image that
	// the decoder owns alone (JPEG only).
	spent *spent
}

// reader adapts an io.Reader decoder.
func reader(f func(io.Reader) (image.Image, error)) func(input, header, decodeHint) (image.Image, error) {
	return func(in input, _ header, _ decodeHint) (image.Image, error) { return f(in.open()) }
}

// codecs maps the names returned by Sniff to their decoders.
var codecs = map[string]codec{
	"jpeg": {fastjpeg.DecodeConfig, decodeJPEG},
	"png":  {png.DecodeConfig, reader(png.Decode)},
	"gif":  {gif.DecodeConfig, reader(gif.Decode)}, // the first frame
	"bmp":  {bmp.DecodeConfig, reader(bmp.Decode)},
	"tiff": {tiff.DecodeConfig, reader(tiff.Decode)},
	"webp": {webp.DecodeConfig, reader(webp.Decode)},
}

// decodeJPEG decodes with our imgproc/jpeg decoder (luma only when gray is
// enough, reduced in the DCT domain when asked) and falls back to
// image/jpeg, at full size, for the streams it leaves to it. An RGB (not
// YCbCr) JPEG is decoded in full and, when its G and B are stored at
// reduced resolution, they are upsampled as libjpeg does.
func decodeJPEG(in input, h header, hint decodeHint) (image.Image, error) {
	if h.colorModel == color.RGBAModel {
		hint = decodeHint{shrink: 1}
	}
	m, err := fastjpeg.Decode(in.open(), fastjpeg.DecodeOptions{GrayOnly: hint.gray, Shrink: hint.shrink})
	if err == nil {
		// Its planes are separate allocations (image/jpeg's share one).
		switch m := m.(type) {
		case *image.Gray:
			hint.spent.add(m.Pix)
		case *image.YCbCr:
			hint.spent.add(m.Y)
			hint.spent.add(m.Cb)
			hint.spent.add(m.Cr)
		}
	}
	if errors.Is(err, fastjpeg.ErrUnsupported) {
		slog.Info("JPEG que nuestro decodificador no admite; se usa image/jpeg", "motivo", err)
		m, err = jpeg.Decode(in.open())
	}
	if rgba, ok := m.(*image.RGBA); ok && err == nil {
		hs, vs := jpegRGBSampling(in.data) // the SOF is among the headers
		fancyRGB(rgba, hs, vs)
	}
	return m, err
}

// jpegHeadersEnd returns the length of the headers of the JPEG stream b:
// the offset just past the first SOS segment, where the entropy-coded data
// begin, or 0 if b does not hold them all (or they are not laid out
// plainly: then the whole stream is read).
func jpegHeadersEnd(b []byte) int {
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return 0
	}
	p := 2
	for p+4 <= len(b) {
		if b[p] != 0xff {
			return 0
		}
		marker := b[p+1]
		if marker == 0xff { // fill byte
			p++
			continue
		}
		if marker == 0 || marker == 0x01 || marker == 0xd8 || marker == 0xd9 || (marker >= 0xd0 && marker <= 0xd7) {
			return 0 // no stand-alone markers before the first scan
		}
		n := int(b[p+2])<<8 | int(b[p+3])
		if n < 2 || p+2+n > len(b) {
			return 0
		}
		p += 2 + n
		if marker == 0xda {
			return p
		}
	}
	return 0
}

// jpegShrink returns the DCT-domain reduction (1, 2, 4 or 8) to ask of the
// JPEG decoder for an output of tw×th from a stored w×h source: the largest
// that leaves the resampler at least a 2:1 reduction on both axes, so that
// the bicubic filter, not the DCT scaling, shapes the result (on photos the
// output then differs from the full decode's by less than the JPEG noise:
// over 50 dB PSNR, see TestJPEGShrink). Nearest keeps 1: it promises
// source pixels.
func jpegShrink(w, h, tw, th int, filter string) int {
	s := 1
	if filter == FilterNearest {
		return s
	}
	for _, c := range []int{2, 4, 8} {
		if (w+c-1)/c >= 2*tw && (h+c-1)/c >= 2*th {
			s = c
		}
	}
	return s
}

// decode decodes src, whose header h Check has read.
func decode(h header, src []byte, hint decodeHint) (image.Image, error) {
	return decodeInput(h, input{data: src}, hint)
}

// decodeInput is decode on an input.
func decodeInput(h header, in input, hint decodeHint) (image.Image, error) {
	if hint.shrink == 0 {
		hint.shrink = 1
	}
	return codecs[h.Format].decode(in, h, hint)
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
