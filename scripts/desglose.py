#!/usr/bin/env python3
"""Where the end-to-end time of one synchronous job goes.

    scripts/desglose.py [--reps N] [--escala F] [--bin PROCESA --bench-bin PROCESA_BENCH] IMAGEN

Builds procesa and procesa-bench, starts a server with one worker on
127.0.0.1 (its own data directory under /tmp), sends IMAGEN N times with
curl to /procesar?escala=F&esperar=1, one after another, and splits the
median time of a job into:

  - HTTP and the server's side: curl's time_total minus the task's
    duracion (reading the request and the upload, storing the upload,
    answering with the result);
  - task bookkeeping and the socket: duracion minus trabajo (the task
    record, the descriptors and frames to and from the worker, the fsync
    and rename of the result);
  - the worker: trabajo, which the worker measures itself;
  - of which imgproc.Process on the same image in a warm loop
    (procesa-bench -n), for comparison: what is left of the worker's time
    is what a job in a worker costs beyond the pipeline itself.

duracion and trabajo come from the server's "tarea completada" log lines.
The first job is left out (it starts the worker's heap). With --bin and
--bench-bin it uses those binaries instead of building them (an older
version, say; one without trabajo in its log gets the worker's part left
blank).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def build(tmp):
    server = os.path.join(tmp, "procesa")
    bench = os.path.join(tmp, "procesa-bench")
    env = dict(os.environ, CGO_ENABLED="0")
    subprocess.run(["go", "build", "-o", server, "."], check=True, env=env)
    subprocess.run(["go", "build", "-o", bench, "./scripts/procesa-bench"], check=True, env=env)
    return server, bench


def duration_ms(s):
    """A Go duration as slog prints it (1.5ms, 250µs, 1.2s) in ms."""
    m = re.fullmatch(r"([0-9.]+)(ns|µs|us|ms|s)", s)
    if not m:
        raise ValueError(s)
    scale = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1, "s": 1000}[m.group(2)]
    return float(m.group(1)) * scale


def main():
    ap = argparse.ArgumentParser(description="desglose del tiempo de una tarea síncrona")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--escala", default="0.5")
    ap.add_argument("--bin", help="binario de procesa ya compilado")
    ap.add_argument("--bench-bin", help="binario de procesa-bench ya compilado")
    ap.add_argument("imagen")
    a = ap.parse_args()
    if not shutil.which("curl"):
        sys.exit("falta curl")
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    tmp = tempfile.mkdtemp(prefix="desglose-")
    try:
        if a.bin and a.bench_bin:
            server_bin, bench_bin = a.bin, a.bench_bin
        else:
            server_bin, bench_bin = build(tmp)
        log = open(os.path.join(tmp, "log"), "w+")
        srv = subprocess.Popen([server_bin, "-i", "127.0.0.1", "-p", "0", "-w", "1",
                                "--datos", os.path.join(tmp, "datos")],
                               stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            url = None
            deadline = time.monotonic() + 10
            while url is None and time.monotonic() < deadline:
                line = srv.stdout.readline()
                m = re.search(r"http://127\.0\.0\.1:\d+", line)
                if m:
                    url = m.group(0)
            if url is None:
                sys.exit("el servidor no dijo su dirección")
            time.sleep(0.5)  # the worker says ready
            total = []
            for _ in range(a.reps + 1):
                out = subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}",
                                      "--data-binary", "@" + a.imagen,
                                      "-H", "Content-Type: application/octet-stream",
                                      f"{url}/procesar?escala={a.escala}&esperar=1"],
                                     check=True, capture_output=True, text=True).stdout
                total.append(1000 * float(out))
        finally:
            srv.terminate()
            srv.wait()
        log.seek(0)
        dur, work = [], []
        for line in log:
            if "tarea completada" in line:
                dur.append(duration_ms(re.search(r"duracion=(\S+)", line).group(1)))
                m = re.search(r"trabajo=(\S+)", line)
                work.append(duration_ms(m.group(1)) if m else None)
        if len(dur) != len(total):
            sys.exit(f"{len(dur)} líneas «tarea completada» para {len(total)} peticiones")
        warm = subprocess.run([bench_bin, "-n", str(a.reps), "-escala", a.escala, a.imagen],
                              check=True, capture_output=True, text=True).stdout
        warm = float(warm.split()[0])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = lambda xs: statistics.median(xs[1:])
    t, d = med(total), med(dur)
    http = med([x - y for x, y in zip(total, dur)])
    if None in work:
        w = book = None
    else:
        w, book = med(work), med([x - y for x, y in zip(dur, work)])
    ms = lambda v: "      —   " if v is None else f"{v:7.1f} ms"
    print(f"{os.path.basename(a.imagen)} ×{a.escala}, mediana de {a.reps} tareas seguidas (sin la primera):")
    print(f"  de punta a punta (curl time_total)      {t:7.1f} ms")
    print(f"  HTTP, subida y respuesta                {http:7.1f} ms")
    print(f"  tarea en el servidor (duracion)         {d:7.1f} ms")
    print(f"    registro de la tarea, socket, fsync   {ms(book)}")
    print(f"    proceso de trabajo (trabajo)          {ms(w)}")
    print(f"    imgproc.Process en bucle caliente     {warm:7.2f} ms  (procesa-bench -n {a.reps}, la última)")


if __name__ == "__main__":
    main()
