package imgproc

import "math"

// Filter names accepted in Options.Filter.
const (
	FilterNearest  = "cercano"
	FilterBilinear = "bilineal"
	FilterBicubic  = "bicubico"
)

// Output format names accepted in Options.Format.
const (
	FormatJPEG = "jpeg"
	FormatPNG  = "png"
)

// maxSide caps each output side computed by OutputSize, so that a huge scale
// factor cannot overflow int; the pixel limit refuses such sizes anyway.
const maxSide = 1 << 30

// Options says what Process produces. Start from DefaultOptions and
// override fields; Validate checks them. The JSON names are the Spanish
// query parameters of the HTTP API.
type Options struct {
	// Scale is the scale factor, > 0; used only when Width and Height are 0.
	Scale float64 `json:"escala,omitempty"`
	// Width is the target width; 0 means from Height keeping the aspect
	// ratio, or from Scale when Height is 0 too.
	Width int `json:"ancho,omitempty"`
	// Height is the target height; 0 as for Width.
	Height int `json:"alto,omitempty"`
	// Gray asks for an 8-bit grayscale result (BT.601 luma).
	Gray bool `json:"gris"`
	// Format is the output format: "jpeg" or "png".
	Format string `json:"formato"`
	// Quality is the JPEG quality, 1..100; ignored for PNG.
	Quality int `json:"calidad"`
	// Filter is the resampling filter: "cercano", "bilineal" or "bicubico".
	Filter string `json:"filtro"`
	// MaxPixels limits both the source and the output size in pixels;
	// 0 means no limit.
	MaxPixels int64 `json:"max_pixeles"`
}

// DefaultOptions returns the defaults of the HTTP API: scale 1, gray, JPEG at
// quality 75, bicubic filter, 50 megapixels.
func DefaultOptions() Options {
	return Options{
		Scale:     1,
		Gray:      true,
		Format:    FormatJPEG,
		Quality:   75,
		Filter:    FilterBicubic,
		MaxPixels: 50_000_000,
	}
}

// Validate reports the first bad field as a *Error of KindParam whose Param
// is the Spanish parameter name ("escala", "ancho", "alto", "formato",
// "calidad", "filtro", "max_pixeles").
func (o Options) Validate() error {
	if o.Width < 0 {
		return paramError("ancho", "parámetro «ancho» inválido: debe ser un entero mayor que 0")
	}
	if o.Height < 0 {
		return paramError("alto", "parámetro «alto» inválido: debe ser un entero mayor que 0")
	}
	if o.Width == 0 && o.Height == 0 {
		if !(o.Scale > 0) || math.IsInf(o.Scale, 0) {
			return paramError("escala", "parámetro «escala» inválido: debe ser un número mayor que 0")
		}
	}
	switch o.Format {
	case FormatJPEG, FormatPNG:
	default:
		return paramError("formato", "parámetro «formato» inválido: use «jpeg» o «png»")
	}
	if o.Format == FormatJPEG && (o.Quality < 1 || o.Quality > 100) {
		return paramError("calidad", "parámetro «calidad» inválido: debe ser un entero entre 1 y 100")
	}
	switch o.Filter {
	case FilterNearest, FilterBilinear, FilterBicubic:
	default:
		return paramError("filtro", "parámetro «filtro» inválido: use «cercano», «bilineal» o «bicubico»")
	}
	if o.MaxPixels < 0 {
		return paramError("max_pixeles", "parámetro «max_pixeles» inválido: debe ser 0 o mayor")
	}
	return nil
}

// OutputSize returns the output size for an (already oriented) source of
// w×h pixels. With Width and Height both 0 it is max(1, floor(w·Scale)) ×
// max(1, floor(h·Scale)), as the original computed it. With both set it is
// exactly Width×Height; with one alone, the other side keeps the aspect
// ratio, rounded to the nearest pixel and at least 1. Each side is capped at
// 2^30 so the result never overflows.
func (o Options) OutputSize(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	switch {
	case o.Width > 0 && o.Height > 0:
		return clampSide(float64(o.Width)), clampSide(float64(o.Height))
	case o.Width > 0:
		return clampSide(float64(o.Width)), clampSide(math.Round(float64(h) * float64(o.Width) / float64(w)))
	case o.Height > 0:
		return clampSide(math.Round(float64(w) * float64(o.Height) / float64(h))), clampSide(float64(o.Height))
	}
	return clampSide(math.Floor(float64(w) * o.Scale)), clampSide(math.Floor(float64(h) * o.Scale))
}

// clampSide converts a computed side to an int in [1, maxSide]; NaN gives 1.
func clampSide(v float64) int {
	if !(v >= 1) {
		return 1
	}
	if v > maxSide {
		return maxSide
	}
	return int(v)
}

// ContentType returns the MIME type of the output: "image/jpeg" or
// "image/png".
func (o Options) ContentType() string {
	if o.Format == FormatPNG {
		return "image/png"
	}
	return "image/jpeg"
}

// Ext returns the file extension of the output, without the dot: "jpg" or
// "png".
func (o Options) Ext() string {
	if o.Format == FormatPNG {
		return "png"
	}
	return "jpg"
}
