#!/usr/bin/env bash
# Makes docs/pagina.png, the screenshot of the upload page the README shows:
# builds procesa, starts it on a free loopback port with a throw-away data
# directory, and has headless Chromium (Debian package chromium, the one
# e2e/browser_test.go drives) load http://127.0.0.1:PORT/ as a browser,
# so it gets the page and not the text help.
#
# Usage: scripts/captura.sh [salida.png] [ancho] [alto]   (a window of 720×980 by default;
# headless Chromium keeps some of its height for its own bar)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/pagina.png}
width=${2:-720}
height=${3:-980}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "captura: falta chromium (apt-get install chromium)" >&2
	exit 1
fi

tmp=$(mktemp -d)
server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/procesa" .
"$tmp/procesa" -p 0 -i 127.0.0.1 -w 1 --datos "$tmp/datos" >"$tmp/salida" 2>"$tmp/registro" &
server=$!
url=""
for _ in $(seq 100); do
	url=$(sed -n 's/^escuchando en \(http:\/\/[^ ]*\)$/\1/p' "$tmp/salida" | head -n 1)
	[ -n "$url" ] && break
	sleep 0.1
done
if [ -z "$url" ]; then
	echo "captura: el servidor no arrancó:" >&2
	cat "$tmp/registro" >&2
	exit 1
fi

mkdir -p "$(dirname "$out")"
# --no-sandbox: the sandbox refuses to start as root (containers, CI).
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$tmp/perfil" --force-device-scale-factor=1 --lang=es \
	--window-size="$width,$height" --screenshot="$PWD/$out" "$url/" 2>"$tmp/chromium" || {
	cat "$tmp/chromium" >&2
	exit 1
}
echo "captura: $out ($(wc -c <"$out") bytes)"
