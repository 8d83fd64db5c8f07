#!/usr/bin/env bash
# Compara dos versiones de procesa en una sola pasada: el tiempo de una
# subida síncrona (esperar=1) de una imagen de 2 MP y de otra de 20 MP,
# medido con curl de punta a punta, y BenchmarkProcess* de imgproc.
# Las dos versiones se alternan en cada vuelta para repartir el ruido.
#
#	scripts/aislamiento-bench.sh [REV_ANTES] [VUELTAS]
#
# REV_ANTES es la revisión con la que se compara el árbol de trabajo
# (por omisión, 52d4d82: antes de pasar descriptores y aislar los procesos).
set -euo pipefail
cd "$(dirname "$0")/.."
antes=${1:-52d4d82}
vueltas=${2:-7}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== compilando $antes y el árbol de trabajo"
mkdir -p "$tmp/antes"
git archive "$antes" | tar -x -C "$tmp/antes"
(cd "$tmp/antes" && CGO_ENABLED=0 go build -o "$tmp/procesa-antes" .)
CGO_ENABLED=0 go build -o "$tmp/procesa-despues" .
go run ./scripts/imagen-grande -ancho 1732 -alto 1155 -o "$tmp/2mp.jpg"
go run ./scripts/imagen-grande -ancho 5477 -alto 3652 -o "$tmp/20mp.jpg"

arrancar() { # binario puerto
	"$1" -i 127.0.0.1 -p "$2" -w 2 --max-cuerpo 64MiB --datos "$tmp/datos-$2" >/dev/null 2>&1 &
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$2/salud" && return 0
		sleep 0.1
	done
	echo "no arrancó $1" >&2
	exit 1
}
arrancar "$tmp/procesa-antes" 18931
arrancar "$tmp/procesa-despues" 18932

subir() { # puerto imagen
	curl -s -o /dev/null -w '%{time_total}\n' --data-binary "@$2" \
		"http://127.0.0.1:$1/procesar?esperar=1&escala=0.5"
}
mediana() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

for img in 2mp 20mp; do
	subir 18931 "$tmp/$img.jpg" >/dev/null # calentamiento
	subir 18932 "$tmp/$img.jpg" >/dev/null
	: >"$tmp/a" && : >"$tmp/d"
	for _ in $(seq "$vueltas"); do
		subir 18931 "$tmp/$img.jpg" >>"$tmp/a"
		subir 18932 "$tmp/$img.jpg" >>"$tmp/d"
	done
	printf '%-5s subida síncrona, mediana de %d: antes %.3f s, después %.3f s\n' \
		"$img" "$vueltas" "$(mediana <"$tmp/a")" "$(mediana <"$tmp/d")"
done

echo "== BenchmarkProcess* (antes, después)"
(cd "$tmp/antes" && go test -run XXX -bench Process -count 3 ./imgproc) | grep -E '^Benchmark' | sed 's/^/antes   /'
go test -run XXX -bench Process -count 3 ./imgproc | grep -E '^Benchmark' | sed 's/^/después /'
