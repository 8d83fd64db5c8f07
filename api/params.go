package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"procesa/imgproc"
)

// queryParams are the query parameters the routes read (see the README).
var queryParams = [...]string{"escala", "ancho", "alto", "gris", "formato", "calidad", "filtro", "esperar"}

// parseQuery decodes a query string as url.ParseQuery does, except that a
// pair of ours whose value cannot be percent-decoded is a 400 naming it
// instead of a pair silently dropped. Other bad pairs are ignored, as any
// parameter the server does not know.
func parseQuery(raw string) (url.Values, error) {
	q := url.Values{}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			if slices.Contains(queryParams[:], key) {
				return nil, badParam(key, "tiene una secuencia «%» mal formada")
			}
			continue
		}
		q[key] = append(q[key], val)
	}
	return q, nil
}

// parseWait reads esperar: 1 to wait, 0 (or none) not to.
func parseWait(q url.Values) (bool, error) {
	v, ok := q["esperar"]
	if !ok || len(v) == 0 {
		return false, nil
	}
	switch v[0] {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, badParam("esperar", "use 1 o 0")
}

// parseOptions reads the upload parameters (escala … esperar) from q over the
// server's defaults, and reports whether the client wants to wait
// (esperar=1).
func parseOptions(q url.Values, def imgproc.Options) (o imgproc.Options, wait bool, err error) {
	o = def
	get := func(name string) (string, bool) {
		v, ok := q[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	if v, ok := get("escala"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0) || f > 1e6 {
			return o, false, badParam("escala", "debe ser un número mayor que 0 y no mayor que 1000000")
		}
		o.Scale = f
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"ancho", &o.Width}, {"alto", &o.Height}} {
		if v, ok := get(p.name); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1<<20 {
				return o, false, badParam(p.name, "debe ser un entero entre 1 y 1048576")
			}
			*p.dst = n
		}
	}
	if v, ok := get("gris"); ok {
		switch v {
		case "1":
			o.Gray = true
		case "0":
			o.Gray = false
		default:
			return o, false, badParam("gris", "use 1 o 0")
		}
	}
	if v, ok := get("formato"); ok {
		switch v {
		case "jpeg", "jpg":
			o.Format = imgproc.FormatJPEG
		case "png":
			o.Format = imgproc.FormatPNG
		default:
			return o, false, badParam("formato", "use «jpeg» o «png»")
		}
	}
	if v, ok := get("calidad"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return o, false, badParam("calidad", "debe ser un entero entre 1 y 100")
		}
		o.Quality = n
	}
	if v, ok := get("filtro"); ok {
		switch v {
		case imgproc.FilterNearest, imgproc.FilterBilinear, imgproc.FilterBicubic:
			o.Filter = v
		default:
			return o, false, badParam("filtro", "use «cercano», «bilineal» o «bicubico»")
		}
	}
	if wait, err = parseWait(q); err != nil {
		return o, false, err
	}
	return o, wait, o.Validate()
}
