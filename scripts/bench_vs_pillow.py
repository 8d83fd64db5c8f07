#!/usr/bin/python3
"""Time procesa against Pillow on the same images, interleaved, in one run.

Usage (see bench_vs_pillow.sh, which fetches the images and builds the Go
command):

    bench_vs_pillow.py GO_BENCH [--url http://127.0.0.1:8090] [--reps 3] IMAGE...

For every image and factor (0.5 and 1.5), each repetition runs, in
alternating order:

- procesa: the Go command GO_BENCH (imgproc.Process, the worker's code: gray,
  bicubic, floor(w*f) x floor(h*f), JPEG q75), one process per job; or, with
  --url, a POST to a running server's /procesar?escala=F&esperar=1 (the
  time is then the whole HTTP round trip);
- Pillow, doing the original's steps: Image.open, resize to
  floor(w*f) x floor(h*f) with its default filter (BICUBIC), convert("L"),
  save as JPEG q75; one python3 process per job.

The time of a job is measured inside its process (file read to file
written), so that interpreter start-up does not count against Pillow. The
peak memory is the process's peak RSS (GNU time's %M). The table
gives medians, the ratios procesa/Pillow, and the PSNR of procesa's JPEG
against Pillow's (both q75, so it includes the noise of two encoders).
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

PILLOW_JOB = r"""
import math, sys, time
t0 = time.perf_counter()
from PIL import Image
t1 = time.perf_counter()
src, f, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
im = Image.open(src)
w, h = im.size
im = im.resize((max(1, math.floor(w * f)), max(1, math.floor(h * f))))
im = im.convert("L")
im.save(out, "JPEG", quality=75)
print("%.1f ms" % ((time.perf_counter() - t1) * 1000))
"""


def run_rusage(cmd):
    """Run cmd; return (its own reported ms, peak RSS in MiB).

    The peak comes from GNU time, whose child is forked from a small
    process: the rusage of a child of this script would include this
    script's own size, inherited at fork time.
    """
    with tempfile.NamedTemporaryFile(mode="r") as rss:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd,
                           capture_output=True)
        if p.returncode != 0:
            sys.exit(f"falló {' '.join(cmd)}: {p.stderr.decode(errors='replace').strip()}")
        kib = int(rss.read().split()[-1])
    return float(p.stdout.split()[0]), kib / 1024


def procesa_url(url, image, f, out):
    t0 = time.perf_counter()
    r = subprocess.run(
        ["curl", "-sS", "-f", "-o", out, "--data-binary", "@" + image,
         "-H", "Content-Type: application/octet-stream",
         f"{url}/procesar?escala={f}&esperar=1"],
        capture_output=True)
    if r.returncode != 0:
        sys.exit(f"falló curl: {r.stderr.decode(errors='replace').strip()}")
    return (time.perf_counter() - t0) * 1000, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="servidor procesa en marcha (usa ?esperar=1)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--factors", default="0.5,1.5")
    ap.add_argument("gobench")
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    factors = [float(x) for x in a.factors.split(",")]
    py = "/usr/bin/python3"
    tmp = tempfile.mkdtemp(prefix="bench-procesa-")
    res = {}  # (image, f, tool) -> list of (ms, rss)
    psnrs = {}  # (image, f) -> PSNR of procesa's output against Pillow's
    for rep in range(a.reps):
        for image in a.images:
            for f in factors:
                jobs = [
                    ("procesa", lambda: procesa_url(a.url, image, f, os.path.join(tmp, "p.jpg")) if a.url
                     else run_rusage([a.gobench, "-escala", str(f), "-o", os.path.join(tmp, "p.jpg"), image])),
                    ("Pillow", lambda: run_rusage([py, "-c", PILLOW_JOB, image, str(f), os.path.join(tmp, "q.jpg")])),
                ]
                if rep % 2 == 1:
                    jobs.reverse()
                for tool, job in jobs:
                    res.setdefault((image, f, tool), []).append(job())
                if rep == 0:
                    psnrs[(image, f)] = psnr(os.path.join(tmp, "p.jpg"), os.path.join(tmp, "q.jpg"))
    print(f"procesa ({'servidor ' + a.url if a.url else 'imgproc.Process, un proceso por tarea'}) "
          f"contra Pillow, mediana de {a.reps}, intercalados; CPUs: {os.cpu_count()}")
    print(f"{'imagen':<34} {'MP':>5} {'f':>4} {'procesa ms':>10} {'Pillow ms':>10} {'t/Pillow':>8} "
          f"{'procesa MiB':>11} {'Pillow MiB':>10} {'mem/Pillow':>10} {'PSNR dB':>7}")
    from PIL import Image
    for image in a.images:
        with Image.open(image) as im:
            mp = im.size[0] * im.size[1] / 1e6
        name = image_name(image)
        for f in factors:
            p, q = res[(image, f, "procesa")], res[(image, f, "Pillow")]
            pt, qt = statistics.median(x[0] for x in p), statistics.median(x[0] for x in q)
            qm = max(x[1] for x in q)
            if p[0][1] is None:
                pm, ratio_m = "-", "-"
            else:
                pmv = max(x[1] for x in p)
                pm, ratio_m = f"{pmv:.0f}", f"{pmv / qm:.2f}"
            print(f"{name:<34} {mp:5.1f} {f:4.1f} {pt:10.0f} {qt:10.0f} {pt / qt:8.2f} "
                  f"{pm:>11} {qm:10.0f} {ratio_m:>10} {psnrs[(image, f)]:7.1f}")


def psnr(a, b):
    """PSNR in dB of JPEG b against JPEG a (both gray, same size)."""
    from PIL import Image, ImageChops
    with Image.open(a) as ia, Image.open(b) as ib:
        if ia.size != ib.size:
            return 0.0
        h = ImageChops.difference(ia.convert("L"), ib.convert("L")).histogram()
    n = sum(h)
    mse = sum(i * i * c for i, c in enumerate(h)) / n
    return float("inf") if mse == 0 else 10 * math.log10(255 * 255 / mse)


def image_name(path):
    parts = path.split(os.sep)
    if "contents" in parts:  # plasma: wallpapers/NAME/contents/images/WxH.ext
        return parts[parts.index("contents") - 1] + "/" + parts[-1]
    return parts[-1]


if __name__ == "__main__":
    main()
