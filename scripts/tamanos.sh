#!/usr/bin/env bash
# Prints the size of the procesa binary for every supported target, plain
# and stripped (-ldflags='-s -w'), as the README's "Plataformas" table.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }' | tr . ,; }
echo "| destino | go build | con -s -w |"
for t in linux/amd64 linux/arm64 linux/arm/6 linux/arm/7 linux/riscv64 linux/386 \
	darwin/amd64 darwin/arm64 freebsd/amd64 freebsd/arm64 openbsd/amd64 netbsd/amd64 windows/amd64; do
	IFS=/ read -r os arch arm <<<"$t"
	export CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOARM="${arm:-}"
	go build -o "$out/plain" .
	go build -ldflags='-s -w' -o "$out/stripped" .
	echo "| $t | $(mib "$(stat -c %s "$out/plain")") | $(mib "$(stat -c %s "$out/stripped")") |"
done
