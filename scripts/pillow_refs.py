#!/usr/bin/python3
"""Make the Pillow references of imgproc's fidelity test.

Run once, from the repository root, with Debian's python3-pil:

    /usr/bin/python3 scripts/pillow_refs.py

For every input it writes imgproc/testdata/pillow/<input>__<m><pct>.png:
m is "g" (gray) or "c" (colour), pct the scale factor x100. The steps are
the original TP2 server's (open, resize to floor(w*f) x floor(h*f) with
Pillow's default BICUBIC filter, convert("L")), plus what procesa
adds or fixes, each applied before resizing:

- the EXIF orientation is applied (ImageOps.exif_transpose);
- transparent pixels are composited over white (procesa writes JPEG);
- palette images are converted to RGB(A) first (Pillow would otherwise
  resize them with NEAREST whatever filter is asked);
- 16-bit grayscale ("I") is scaled to 8 bits (Pillow 9's convert("L")
  clips it to 255 instead).

Inputs: the JPEGs and PNGs of $(go env GOROOT)/src/image/testdata, a few
PNGs of src/image/png/testdata and its PNG suite (interlaced, 16-bit,
palette, alpha), and the generated
images of imgproc/testdata/fidelity. Inputs Pillow cannot read are skipped
with a message.
"""

import glob
import math
import os
import subprocess
import sys

from PIL import Image, ImageOps, __version__ as pil_version

GRAY_FACTORS = (0.3, 0.5, 1.5)
COLOUR_FACTORS = (0.5,)
# Extra PNGs of the Go tree: interlaced, 16-bit, low bit depth, palette
# with and without transparency, gray+alpha, RGBA.
PNG_TESTDATA = ("benchRGB-interlace.png", "gray-gradient.interlaced.png")
PNGSUITE = (
    "basn0g02.png", "basn0g16.png", "basn2c16.png", "basn3p04.png",
    "basn3p08-trns.png", "basn4a08.png", "basn4a16.png", "basn6a16.png",
)


def inputs(root):
    goroot = subprocess.run(["go", "env", "GOROOT"], check=True,
                            capture_output=True, text=True).stdout.strip()
    testdata = os.path.join(goroot, "src", "image", "testdata")
    files = sorted(glob.glob(os.path.join(testdata, "*.jpeg")) +
                   glob.glob(os.path.join(testdata, "*.png")))
    pngdata = os.path.join(goroot, "src", "image", "png", "testdata")
    files += [os.path.join(pngdata, n) for n in PNG_TESTDATA]
    files += [os.path.join(pngdata, "pngsuite", n) for n in PNGSUITE]
    files += sorted(glob.glob(os.path.join(root, "imgproc", "testdata", "fidelity", "*")))
    return files


def prepare(im):
    """Orient, normalise the mode, composite over white; return RGB or L."""
    im = ImageOps.exif_transpose(im)
    if im.mode in ("I", "I;16", "I;16B"):
        im = im.point(lambda v: v / 256).convert("L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("LA", "PA", "RGBA", "La", "RGBa") or "transparency" in im.info:
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        white.alpha_composite(im)
        im = white.convert("RGB")
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")
    return im


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "imgproc", "testdata", "pillow")
    os.makedirs(out, exist_ok=True)
    print("Pillow", pil_version)
    made = 0
    for path in inputs(root):
        name = os.path.basename(path)
        try:
            with Image.open(path) as im:
                im.load()
                base = prepare(im)
        except Exception as e:  # unreadable or truncated: not a reference
            print(f"skip {name}: {e}", file=sys.stderr)
            continue
        w, h = base.size
        jobs = [("g", f) for f in GRAY_FACTORS] + [("c", f) for f in COLOUR_FACTORS]
        for mode, f in jobs:
            size = (max(1, math.floor(w * f)), max(1, math.floor(h * f)))
            im = base.resize(size, Image.BICUBIC)
            im = im.convert("L") if mode == "g" else im.convert("RGB")
            im.save(os.path.join(out, f"{name}__{mode}{round(f * 100):03d}.png"), optimize=True)
            made += 1
    print(f"{made} references in {out}")


if __name__ == "__main__":
    main()
