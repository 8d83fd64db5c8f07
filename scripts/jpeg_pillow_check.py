#!/usr/bin/python3
"""Decode JPEG files with Pillow, to check that imgproc/jpeg's encoder output
is read by libjpeg as well as by image/jpeg.

Usage: jpeg_pillow_check.py IN.jpg OUT.pnm [IN.jpg OUT.pnm ...]

Each input is fully decoded and written as binary PGM (grayscale) or PPM
(colour). Exit status 0 when every file decodes, 1 otherwise (the error is
printed on stderr), 3 when Pillow is missing.
"""
import sys

try:
    from PIL import Image
except ImportError:
    print("Pillow (python3-pil) is not installed", file=sys.stderr)
    sys.exit(3)


def main(args):
    if len(args) == 0 or len(args) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    status = 0
    for src, dst in zip(args[0::2], args[1::2]):
        try:
            with Image.open(src) as im:
                if im.format != "JPEG":
                    raise ValueError("not a JPEG: %s" % im.format)
                im.load()
                im = im.convert("L" if im.mode == "L" else "RGB")
                im.save(dst, format="PPM")
        except Exception as e:  # report every failure, then go on
            print("%s: %s" % (src, e), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
