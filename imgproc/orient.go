package imgproc

// orient returns p transformed by EXIF orientation o so that it shows
// upright. Orientation 1 returns p itself; the others allocate a new plane.
func orient(p plane, o int) plane {
	if o <= orientNormal || o > orientRotate270 {
		return p
	}
	w, h := p.w, p.h
	if swapsAxes(o) {
		w, h = h, w
	}
	dst := newPlane(w, h, p.n)
	n, st := p.n, p.stride
	right, bottom := (p.w-1)*n, (p.h-1)*st // offsets of the last column and row
	// The source of destination pixel (x, y) starts at byte base + x*dx + y*dy.
	var base, dx, dy int
	switch o {
	case orientFlipH: // (x, y) <- (w-1-x, y)
		base, dx, dy = right, -n, st
	case orientRotate180: // (x, y) <- (w-1-x, h-1-y)
		base, dx, dy = bottom+right, -n, -st
	case orientFlipV: // (x, y) <- (x, h-1-y)
		base, dx, dy = bottom, n, -st
	case orientTranspose: // (x, y) <- (y, x)
		base, dx, dy = 0, st, n
	case orientRotate90CW: // (x, y) <- (y, h-1-x)
		base, dx, dy = bottom, -st, n
	case orientTransverse: // (x, y) <- (w-1-y, h-1-x)
		base, dx, dy = bottom+right, -st, -n
	case orientRotate270: // (x, y) <- (w-1-y, x)
		base, dx, dy = right, st, -n
	}
	// Walk in tiles so that the column reads of the transposing
	// orientations stay in cache.
	const tile = 64
	parallelRows((h+tile-1)/tile, w*n*tile, func(t0, t1 int) {
		for ty := t0 * tile; ty < min(t1*tile, h); ty += tile {
			for tx := 0; tx < w; tx += tile {
				for y := ty; y < min(ty+tile, h); y++ {
					out := dst.row(y)
					s := base + y*dy + tx*dx
					if n == 1 {
						for x := tx; x < min(tx+tile, w); x++ {
							out[x] = p.pix[s]
							s += dx
						}
						continue
					}
					for x := tx; x < min(tx+tile, w); x++ {
						copy(out[x*n:x*n+n], p.pix[s:s+n])
						s += dx
					}
				}
			}
		}
	})
	return dst
}
