#!/bin/sh
# Run a package's benchmarks with imgproc's assembly kernels (the default
# build) and without them (-tags purego), alternating the two test binaries
# round by round, in one run, so that both see the same machine load. Each
# output line starts with "asm" or "purego".
#
#   scripts/bench_purego.sh PAQUETE PATRÓN [RONDAS [argumentos del binario...]]
#   scripts/bench_purego.sh ./imgproc/jpeg '(Decode|Encode)/.*/ours' 3 -test.benchtime 4x
set -eu
cd "$(dirname "$0")/.."
pkg=$1
pattern=$2
rounds=${3:-3}
[ $# -ge 3 ] && shift 3 || shift $#
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/asm.test" "$pkg"
go test -tags purego -c -o "$tmp/purego.test" "$pkg"
dir=$(go list -f '{{.Dir}}' "$pkg")
i=0
while [ "$i" -lt "$rounds" ]; do
	for b in asm purego; do
		(cd "$dir" && "$tmp/$b.test" -test.run '^$' -test.bench "$pattern" "$@") |
			grep '^Benchmark' | sed "s/^/$b /"
	done
	i=$((i + 1))
done
