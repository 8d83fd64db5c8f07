#!/bin/sh
# Regenerates the small JPEG test files of this directory with libjpeg-turbo's
# cjpeg (Debian package libjpeg-turbo-progs) and Pillow (python3-pil): every
# chroma subsampling, progressive, restart intervals, odd sizes, optimized
# Huffman tables, RGB, CMYK and arithmetic coding (unsupported).
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A photo-like picture: smooth gradients, a few edges and some noise.
/usr/bin/python3 - "$tmp" <<'PY'
import sys, math, random
d = sys.argv[1]
random.seed(1)
def img(w, h):
    px = bytearray()
    for y in range(h):
        for x in range(w):
            r = 128 + 100*math.sin(x/7.0) * math.cos(y/11.0)
            g = 255*x/max(1, w-1)
            b = 255*y/max(1, h-1)
            if (x//9 + y//13) % 3 == 0:
                r, g = g, r
            n = random.randint(-12, 12)
            px += bytes(max(0, min(255, int(v + n))) for v in (r, g, b))
    return px
for w, h in ((61, 43), (131, 97), (17, 9), (1, 1)):
    p = img(w, h)
    open(f"{d}/c{w}x{h}.ppm", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + p)
    gray = bytes(p[i] * 299 // 1000 + p[i+1] * 587 // 1000 + p[i+2] * 114 // 1000 for i in range(0, len(p), 3))
    open(f"{d}/g{w}x{h}.pgm", "wb").write(b"P5\n%d %d\n255\n" % (w, h) + gray)
PY
c=$tmp/c61x43.ppm
C=$tmp/c131x97.ppm
cjpeg -quality 85 -sample 1x1 $c > s444.jpg
cjpeg -quality 85 -sample 2x1 $c > s422.jpg
cjpeg -quality 85 -sample 2x2 $C > s420.jpg
cjpeg -quality 85 -sample 1x2 $c > s440.jpg
cjpeg -quality 85 -sample 4x1 $C > s411.jpg
cjpeg -quality 85 -sample 4x2 $C > s410.jpg
cjpeg -quality 100 -sample 2x2 $c > s420q100.jpg
cjpeg -quality 20 -sample 2x2 -optimize $C > s420opt.jpg
cjpeg -quality 85 -sample 2x2 -restart 3B $C > s420rst3.jpg
cjpeg -quality 85 -sample 2x1 -restart 1 $C > s422rst1row.jpg
cjpeg -quality 85 -sample 2x2 -progressive $C > s420prog.jpg
cjpeg -quality 85 -sample 1x1 -progressive -restart 5B $c > s444progrst5.jpg
cjpeg -quality 85 -sample 2x2 -progressive -restart 2B $c > s420progrst2.jpg
cjpeg -quality 85 -grayscale -progressive -restart 7B $C > grayprogrst7.jpg
cjpeg -quality 85 -grayscale $tmp/g17x9.pgm > gray17x9.jpg
cjpeg -quality 85 -sample 2x2 $tmp/c17x9.ppm > s420_17x9.jpg
cjpeg -quality 85 -sample 2x2 -progressive $tmp/c1x1.ppm > s420prog1x1.jpg
# Baseline with one scan per component (non-interleaved scans).
printf '0;\n1;\n2;\n' > $tmp/sep.scans
cjpeg -quality 85 -sample 2x2 -scans $tmp/sep.scans $c > s420sep.jpg
cjpeg -quality 85 -sample 1x1 -restart 2B -scans $tmp/sep.scans $c > s444seprst.jpg
cjpeg -quality 85 -sample 2x2 -restart 2B -scans $tmp/sep.scans $c > s420seprst.jpg
cjpeg -quality 85 -rgb $c > rgb.jpg
cjpeg -quality 85 -arithmetic $c > arith.jpg
/usr/bin/python3 -c "
from PIL import Image
im = Image.open('$C').convert('CMYK')
im.save('cmyk.jpg', quality=85)
im.save('cmykprog.jpg', quality=85, progressive=True)
"
