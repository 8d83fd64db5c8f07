#!/usr/bin/python3
"""Time procesa against Pillow (and libvips, when present) on the same
images, interleaved, in one run.

Usage (bench_vs_pillow.sh fetches the images and builds the binaries):

    bench_vs_pillow.py --bin PROCESA [--reps 5] IMAGE@F1,F2 ...
    bench_vs_pillow.py --bin GO_BENCH --directo [--reps 5] IMAGE@F1,F2 ...
    bench_vs_pillow.py --bin PROCESA --url http://127.0.0.1:8090 [--reps 5] IMAGE@F1,F2 ...

Each case is one image and one factor. For every case the default mode
starts a fresh server (PROCESA -p 0 -i 127.0.0.1 -w 1 --datos TMP), waits for
its single worker process, and then runs the repetitions, rotating the order
of the tools in each one:

- procesa: curl POSTs the file to /procesar?escala=F&esperar=1 and writes
  the answer (the processed image) to a file;
- Pillow: python3 doing the original's steps: Image.open, resize to
  floor(w*f) x floor(h*f) with its default filter (BICUBIC), convert("L"),
  save as JPEG q75;
- libvips (if libvips.so.42 loads, from Debian's libvips42, which
  libvips-tools pulls in): python3 calling libvips through ctypes: for JPEG
  at 1/2, 1/4 or 1/8, jpegload with shrink=N (libjpeg's DCT-domain shrink on
  load), colourspace b-w, jpegsave Q=75; otherwise load, colourspace b-w
  (gray first, so that only one band is resampled), resize with the cubic
  kernel, jpegsave Q=75. libvips uses its own threads (all cores).

Time: in-process, each tool timing itself: Pillow and libvips from after
the imports and vips_init to the saved file (time.perf_counter inside the
python3 process), so neither interpreter start-up nor `import PIL` counts;
procesa as curl's time_total for the request (connect, upload, the
server's work and disk writes, download), without curl's own start-up.
With --pared the wall-clock time of each whole command is used instead.
Every command runs under GNU time (/usr/bin/time), which reports its peak
RSS.

Memory of one task: for procesa, VmHWM of the server's worker process (read
from /proc after the repetitions, so the largest over them); for Pillow,
the peak RSS of its python3 process (GNU time's %M; the largest over the
repetitions). GNU time is used because the rusage of a direct child of this
script would include this script's own size, inherited through fork/vfork.

With --directo, procesa is instead the Go command GO_BENCH
(scripts/procesa-bench: imgproc.Process in one process, file to file,
reading the file included, which it times itself), measured like Pillow.
With --url, a server already running is used and its memory is not
reported.
"""

import argparse
import math
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PILLOW_JOB = r"""
import math, sys, time
from PIL import Image
t = time.perf_counter()
src, f, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
im = Image.open(src)
w, h = im.size
im = im.resize((max(1, math.floor(w * f)), max(1, math.floor(h * f))))
im = im.convert("L")
im.save(out, "JPEG", quality=75)
print("%.3f" % ((time.perf_counter() - t) * 1000))
"""

# libvips through ctypes: the varargs calls end their option lists with
# None (NULL); enum values are looked up by nickname.
VIPS_JOB = r"""
import ctypes, sys, time
v = ctypes.CDLL("libvips.so.42")
if v.vips_init(b"bench") != 0:
    sys.exit("vips_init")
for fn in ("vips_interpretation_get_type", "vips_kernel_get_type"):
    getattr(v, fn).restype = ctypes.c_size_t
v.vips_enum_from_nick.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
v.vips_error_buffer.restype = ctypes.c_char_p
v.vips_image_new_from_file.restype = ctypes.c_void_p
BW = v.vips_enum_from_nick(b"bench", v.vips_interpretation_get_type(), b"b-w")
CUBIC = v.vips_enum_from_nick(b"bench", v.vips_kernel_get_type(), b"cubic")
P = ctypes.c_void_p

def ok(r):
    if r != 0:
        sys.exit(v.vips_error_buffer().decode(errors="replace"))

t = time.perf_counter()
src, f, jpeg, out = sys.argv[1].encode(), float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4].encode()
shrink = {0.5: 2, 0.25: 4, 0.125: 8}.get(f) if jpeg else None
im = P()
if shrink:
    ok(v.vips_jpegload(src, ctypes.byref(im), b"shrink", ctypes.c_int(shrink), None))
else:
    im = P(v.vips_image_new_from_file(src, None))
    ok(0 if im.value else 1)
gray = P()
ok(v.vips_colourspace(im, ctypes.byref(gray), ctypes.c_int(BW), None))
if not shrink:
    small = P()
    ok(v.vips_resize(gray, ctypes.byref(small), ctypes.c_double(f), b"kernel", ctypes.c_int(CUBIC), None))
    v.g_object_unref(gray)
    gray = small
ok(v.vips_jpegsave(gray, out, b"Q", ctypes.c_int(75), None))
v.g_object_unref(gray)
v.g_object_unref(im)
print("%.3f" % ((time.perf_counter() - t) * 1000))
"""

PY = "/usr/bin/python3"


class Failed(Exception):
    pass


def run_timed(cmd, shell=False):
    """Run cmd under GNU time; return (wall ms, peak RSS MiB, stdout)."""
    with tempfile.NamedTemporaryFile(mode="r") as rss:
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss.name]
        argv += ["/bin/sh", "-c", cmd] if shell else cmd
        t0 = time.perf_counter()
        p = subprocess.run(argv, capture_output=True)
        ms = (time.perf_counter() - t0) * 1000
        if p.returncode != 0:
            what = cmd if shell else " ".join(cmd)
            raise Failed(f"falló {what}:\n{p.stderr.decode(errors='replace').strip()}")
        kib = int(rss.read().split()[-1])
    return ms, kib / 1024, p.stdout.decode(errors="replace")


def hwm(pid):
    """VmHWM (peak resident set) of a process in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise Failed(f"sin VmHWM en /proc/{pid}/status")


class Server:
    """A procesa server with one worker, started for one case."""

    def __init__(self, binary, tmp):
        self.datos = tempfile.mkdtemp(prefix="datos-", dir=tmp)
        self.log = open(self.datos + ".log", "w+b")
        self.proc = subprocess.Popen(
            [binary, "-p", "0", "-i", "127.0.0.1", "-w", "1", "--datos", self.datos,
             "--max-cuerpo", "1GiB", "--max-pixeles", "200M"],
            stdout=subprocess.PIPE, stderr=self.log)
        try:
            self.url = self._read_url()
            self.worker = self._wait_worker()
        except Failed as e:
            raise Failed(f"{e}\n{self.stop()}") from None

    def _read_url(self):
        deadline = time.monotonic() + 10
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Failed("el servidor no mostró «escuchando en» en 10 s")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise Failed("el servidor terminó al arrancar")
            buf += chunk
        line = buf.split(b"\n")[0].decode()
        prefix = "escuchando en "
        if not line.startswith(prefix):
            raise Failed(f"línea inesperada del servidor: {line!r}")
        return line[len(prefix):].strip()

    def children(self):
        pids = []
        base = f"/proc/{self.proc.pid}/task"
        try:
            for tid in os.listdir(base):
                with open(f"{base}/{tid}/children") as f:
                    pids += [int(x) for x in f.read().split()]
        except OSError:
            pass
        return pids

    def _wait_worker(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            kids = self.children()
            if len(kids) == 1:
                return kids[0]
            time.sleep(0.02)
        raise Failed(f"no apareció el proceso de trabajo del servidor (hijos: {self.children()})")

    def worker_hwm(self):
        """VmHWM of the worker in MiB, or None if it is no longer the same process."""
        if self.children() != [self.worker]:
            return None
        return hwm(self.worker)

    def server_hwm(self):
        return hwm(self.proc.pid)

    def stop(self):
        """Stop the server with SIGTERM; return the tail of its log."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace").strip().splitlines()[-5:]
        self.log.close()
        shutil.rmtree(self.datos, ignore_errors=True)
        return "\n".join(tail)


def curl_cmd(url, image, f, out):
    """curl doing one request; it prints its time_total in seconds."""
    return ["curl", "-sS", "-f", "-o", out, "-w", "%{time_total}", "--data-binary", "@" + image,
            "-H", "Content-Type: application/octet-stream",
            f"{url}/procesar?escala={f}&esperar=1"]


def has_libvips():
    """Whether python3 can load libvips.so.42 (for VIPS_JOB)."""
    return subprocess.run([PY, "-c", "import ctypes; ctypes.CDLL('libvips.so.42')"],
                          capture_output=True).returncode == 0


def timed(job, inner, wall):
    """Wrap job (returning run_timed's tuple) to return (ms, RSS MiB, wall ms):
    ms is the in-process time inner(stdout) unless wall is set."""
    def run():
        ms, rss, out = job()
        return (ms if wall else inner(out)), rss, ms
    return run


def describe(image):
    """(megapixels, kind, PIL format) of an image."""
    from PIL import Image, JpegImagePlugin
    with Image.open(image) as im:
        mp = im.size[0] * im.size[1] / 1e6
        if im.format == "JPEG":
            kind = "prog" if im.info.get("progressive") or im.info.get("progression") else "base"
            sub = {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}.get(JpegImagePlugin.get_sampling(im), "gris")
            return mp, f"{kind} {sub}", im.format
        return mp, f"{im.format.lower()} {im.mode}", im.format


def psnr(a, b):
    """PSNR in dB of JPEG b against JPEG a (gray), over their common top-left
    area: vips rounds the output size where Pillow and procesa floor it."""
    from PIL import Image, ImageChops
    with Image.open(a) as ia, Image.open(b) as ib:
        box = (0, 0, min(ia.width, ib.width), min(ia.height, ib.height))
        h = ImageChops.difference(ia.convert("L").crop(box), ib.convert("L").crop(box)).histogram()
    n = sum(h)
    mse = sum(i * i * c for i, c in enumerate(h)) / n
    return float("inf") if mse == 0 else 10 * math.log10(255 * 255 / mse)


def image_name(path):
    parts = path.split(os.sep)
    if "contents" in parts:  # plasma: wallpapers/NAME/contents/images/WxH.ext
        return parts[parts.index("contents") - 1] + "/" + parts[-1]
    return parts[-1]


def parse_cases(args):
    cases = []
    for a in args:
        image, _, fs = a.rpartition("@")
        if not image or not fs:
            sys.exit(f"caso inválido {a!r}: se espera IMAGEN@F1,F2")
        if not os.path.isfile(image):
            sys.exit(f"no existe {image}")
        for f in fs.split(","):
            cases.append((image, float(f)))
    return cases


def main():
    ap = argparse.ArgumentParser(description="procesa contra Pillow (y libvips) sobre fotos reales")
    ap.add_argument("--bin", required=True,
                    help="binario de procesa (un servidor nuevo por caso) o, con --directo, de procesa-bench")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--directo", action="store_true",
                      help="procesa-bench: imgproc.Process en un proceso, sin servidor")
    mode.add_argument("--url", help="servidor procesa ya en marcha (sin memoria)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sin-vips", action="store_true", help="no medir libvips")
    ap.add_argument("--pared", action="store_true",
                    help="tiempo de pared de cada orden completa en vez del tiempo en proceso")
    ap.add_argument("cases", nargs="+", metavar="IMAGEN@F1,F2")
    a = ap.parse_args()
    if a.reps < 1:
        sys.exit("--reps debe ser al menos 1")
    cases = parse_cases(a.cases)
    for tool in ["/usr/bin/time"] + (["curl"] if not a.directo else []):
        if not shutil.which(tool):
            sys.exit(f"falta {tool}")
    vips = None if a.sin_vips or not has_libvips() else "libvips"
    tmp = tempfile.mkdtemp(prefix="bench-procesa-")
    start = time.monotonic()
    rows = []
    startup = []  # Pillow: wall ms minus its own in-process ms
    server_mem = 0.0  # largest VmHWM of a server's main process
    try:
        for image, f in cases:
            mp, kind, fmt = describe(image)
            with open(image, "rb") as fh:  # into the page cache
                fh.read()
            out = {t: os.path.join(tmp, t + ".jpg") for t in ("procesa", "Pillow", "vips")}
            try:
                server = None if a.directo or a.url else Server(a.bin, tmp)
            except Failed as e:
                sys.exit(f"{image_name(image)} ×{f}: {e}")
            url = server.url if server else a.url
            first = lambda out: float(out.split()[0])
            jobs = {
                "procesa": timed(lambda: run_timed([a.bin, "-escala", str(f), "-o", out["procesa"], image]),
                                 first, a.pared)
                if a.directo else
                timed(lambda: run_timed(curl_cmd(url, image, f, out["procesa"])),
                      lambda out: 1000 * float(out.split()[0]), a.pared),
                "Pillow": timed(lambda: run_timed([PY, "-c", PILLOW_JOB, image, str(f), out["Pillow"]]),
                                first, a.pared),
            }
            if vips:
                jobs["vips"] = timed(lambda: run_timed([PY, "-c", VIPS_JOB, image, str(f),
                                                        "1" if fmt == "JPEG" else "0", out["vips"]]),
                                     first, a.pared)
            res = {t: [] for t in jobs}
            order = list(jobs)
            try:
                for rep in range(a.reps):
                    k = rep % len(order)
                    for t in order[k:] + order[:k]:
                        r = jobs[t]()
                        res[t].append(r)
                        if t == "Pillow":
                            startup.append(r[2] - r[0])
                    if rep == 0:
                        quality = psnr(out["Pillow"], out["procesa"])
                        vquality = psnr(out["Pillow"], out["vips"]) if vips else None
                pmem = None
                if server:
                    pmem = server.worker_hwm()
                    server_mem = max(server_mem, server.server_hwm())
                    if pmem is None:
                        print(f"aviso: el proceso de trabajo cambió durante {image_name(image)} ×{f}",
                              file=sys.stderr)
                elif a.directo:
                    pmem = max(x[1] for x in res["procesa"])
            except Failed as e:
                tail = server.stop() if server else ""
                server = None
                sys.exit(f"{image_name(image)} ×{f}: {e}" + (f"\nregistro del servidor:\n{tail}" if tail else ""))
            finally:
                if server:
                    server.stop()
            med = {t: statistics.median(x[0] for x in v) for t, v in res.items()}
            rows.append(dict(name=image_name(image), mp=mp, kind=kind, f=f, med=med, pmem=pmem,
                             qmem=max(x[1] for x in res["Pillow"]), psnr=quality, vpsnr=vquality))
            print(f"  {image_name(image)} ×{f}: procesa {med['procesa']:.0f} ms, Pillow {med['Pillow']:.0f} ms"
                  + (f", vips {med['vips']:.0f} ms" if vips else ""), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(a, rows, vips, statistics.median(startup), server_mem, time.monotonic() - start)


def report(a, rows, vips, startup, server_mem, elapsed):
    say = print
    if a.pared:
        say(f"Tiempo: reloj de pared de cada orden completa, de su lanzamiento a su fin; mediana de {a.reps},")
    else:
        say(f"Tiempo: en proceso, medido por cada herramienta (sin arrancar intérpretes ni procesos); mediana")
        say(f"  de {a.reps},")
    say(f"  herramientas intercaladas en orden rotado; CPUs: {os.cpu_count()}.")
    if a.directo:
        say("  procesa: scripts/procesa-bench (imgproc.Process, archivo a archivo), un proceso por tarea;")
        say("    memoria: su RSS máximo (GNU time %M), máximo de las repeticiones.")
    elif a.url:
        say(f"  procesa: curl POST del archivo a {a.url}/procesar?escala=F&esperar=1 (servidor ya en")
        say("    marcha; sin memoria); tiempo: time_total de curl.")
    else:
        say("  procesa: curl POST del archivo a /procesar?escala=F&esperar=1 y respuesta a un archivo;")
        say("    un servidor nuevo por caso (-w 1, 127.0.0.1), ya arrancado con su proceso de trabajo;")
        say("    tiempo: time_total de curl (la petición entera, sin el arranque de curl);")
        say("    memoria: VmHWM del proceso de trabajo tras las repeticiones (pico de una tarea).")
    say("  Pillow: python3 por tarea: open, resize a floor(w·f)×floor(h·f) (BICUBIC), convert(\"L\"),")
    say("    save JPEG q75; memoria: RSS máximo del proceso (GNU time %M), máximo de las repeticiones.")
    say(f"    Arrancar python3 e importar PIL (no incluido en proceso) cuesta unos {startup:.0f} ms.")
    if vips:
        ver = subprocess.run([PY, "-c", "import ctypes; v = ctypes.CDLL('libvips.so.42'); "
                              "v.vips_version_string.restype = ctypes.c_char_p; "
                              "print(v.vips_version_string().decode())"],
                             capture_output=True, text=True).stdout.strip()
        say(f"  libvips {ver} (ctypes, en proceso, con sus hilos): JPEG a ×1/2, ×1/4 o ×1/8: jpegload")
        say("    shrink=N, colourspace b-w, jpegsave Q=75; los demás: carga, colourspace b-w, resize")
        say("    kernel cubic, jpegsave Q=75. Su b-w es la luminancia CIE calculada en RGB lineal, no la")
        say("    luma BT.601 de convert(\"L\"): de ahí su PSNR más bajo con colores saturados.")
    elif a.sin_vips:
        say("  vips: omitido (--sin-vips).")
    else:
        say("  vips: no se pudo cargar libvips.so.42 (apt-get install libvips42): columnas omitidas.")
    say("  PSNR: salida de procesa (y de vips) frente a la de Pillow, todas JPEG q75; vips redondea el")
    say("    tamaño de salida donde Pillow y procesa truncan: se compara el área común.")
    print()
    head = (f"{'imagen':<34} {'MP':>5} {'tipo':<11} {'f':>4} {'procesa ms':>10} {'Pillow ms':>9} "
            f"{'t/Pillow':>8}")
    if vips:
        head += f" {'vips ms':>7} {'t/vips':>6}"
    head += f" {'procesa MiB':>11} {'Pillow MiB':>10} {'mem/Pillow':>10} {'PSNR dB':>7}"
    if vips:
        head += f" {'PSNR vips':>9}"
    print(head)
    for r in rows:
        m = r["med"]
        line = (f"{r['name']:<34} {r['mp']:5.1f} {r['kind']:<11} {r['f']:4g} {m['procesa']:10.0f} "
                f"{m['Pillow']:9.0f} {m['procesa'] / m['Pillow']:8.2f}")
        if vips:
            line += f" {m['vips']:7.0f} {m['procesa'] / m['vips']:6.2f}"
        if r["pmem"] is None:
            line += f" {'-':>11} {r['qmem']:10.0f} {'-':>10}"
        else:
            line += f" {r['pmem']:11.0f} {r['qmem']:10.0f} {r['pmem'] / r['qmem']:10.2f}"
        line += f" {r['psnr']:7.1f}"
        if vips:
            line += f" {r['vpsnr']:9.1f}"
        print(line)
    print()
    if server_mem:
        print(f"Proceso principal del servidor (sin la tarea): VmHWM máximo {server_mem:.0f} MiB.")
    print(f"({len(rows)} casos en {elapsed:.0f} s)")


if __name__ == "__main__":
    main()
