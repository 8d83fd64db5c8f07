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
peak memory is the process's peak RSS (getrusage of the child). The table
gives medians and the ratio procesa/Pillow.
"""

import argparse
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
    """Run cmd and return (reported ms, peak RSS MiB, stdout)."""
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, so.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, se.fileno(), 2),
        ])
        _, status, ru = os.wait4(pid, 0)
        so.seek(0)
        se.seek(0)
        out, err = so.read().decode(), se.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"falló {' '.join(cmd)}: {err.strip()}")
    return float(out.split()[0]), ru.ru_maxrss / 1024, out


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
    for rep in range(a.reps):
        for image in a.images:
            for f in factors:
                jobs = [
                    ("procesa", lambda: procesa_url(a.url, image, f, os.path.join(tmp, "p.jpg")) if a.url
                     else run_rusage([a.gobench, "-escala", str(f), "-o", os.path.join(tmp, "p.jpg"), image])[:2]),
                    ("Pillow", lambda: run_rusage([py, "-c", PILLOW_JOB, image, str(f), os.path.join(tmp, "q.jpg")])[:2]),
                ]
                if rep % 2 == 1:
                    jobs.reverse()
                for tool, job in jobs:
                    res.setdefault((image, f, tool), []).append(job())
    print(f"procesa ({'servidor ' + a.url if a.url else 'imgproc.Process, un proceso por tarea'}) "
          f"contra Pillow, mediana de {a.reps}, intercalados; CPUs: {os.cpu_count()}")
    print(f"{'imagen':<34} {'MP':>5} {'f':>4} {'procesa ms':>10} {'Pillow ms':>10} {'t/Pillow':>8} "
          f"{'procesa MiB':>11} {'Pillow MiB':>10} {'mem/Pillow':>10}")
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
                  f"{pm:>11} {qm:10.0f} {ratio_m:>10}")


def image_name(path):
    parts = path.split(os.sep)
    if "contents" in parts:  # plasma: wallpapers/NAME/contents/images/WxH.ext
        return parts[parts.index("contents") - 1] + "/" + parts[-1]
    return parts[-1]


if __name__ == "__main__":
    main()
