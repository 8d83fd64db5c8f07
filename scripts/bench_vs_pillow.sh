#!/bin/sh
# Time procesa against Pillow on real 15-20 MP photos from Debian's
# wallpaper packages, interleaved, in one run (see bench_vs_pillow.py).
#
#   scripts/bench_vs_pillow.sh [--url http://127.0.0.1:8090] [--reps N]
#
# The packages are fetched with apt-get download and unpacked with dpkg -x
# into $BENCH_DIR (default /tmp/procesa-bench-imgs): nothing is installed
# and nothing is committed. Needs Debian's python3-pil (/usr/bin/python3)
# and GNU time (/usr/bin/time); with --url, curl and a running server.
set -eu
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/procesa-bench-imgs}
mkdir -p "$dir"
if [ ! -d "$dir/root" ]; then
	(cd "$dir" && apt-get download mate-backgrounds plasma-workspace-wallpapers >/dev/null)
	for deb in "$dir"/*.deb; do dpkg -x "$deb" "$dir/root"; done
fi
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
	echo "falta python3-pil (apt-get install python3-pil)" >&2
	exit 1
fi
bg=$dir/root/usr/share/backgrounds/mate/abstract
wp=$dir/root/usr/share/wallpapers
# A 17.9 MP progressive 4:2:2 JPEG, a 14.7 MP baseline 4:2:0 JPEG, and a
# 14.7 MP RGB PNG photo (Debian has no larger PNG photo).
set -- "$@" "$bg/Elephants_5640x3172.jpg" \
	"$wp/SafeLanding/contents/images/5120x2880.jpg" \
	"$wp/MilkyWay/contents/images/5120x2880.png"
go build -o "$dir/procesa-bench" ./scripts/procesa-bench
exec /usr/bin/python3 scripts/bench_vs_pillow.py "$dir/procesa-bench" "$@"
