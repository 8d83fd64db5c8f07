#!/bin/sh
# Time procesa, through its real server and ?esperar=1, against Pillow doing
# the original's steps and libvips doing the same job (both in-process,
# without interpreter start-up), interleaved, in one run, on real photos
# from Debian's wallpaper packages (see bench_vs_pillow.py for exactly what
# is measured).
#
#   scripts/bench_vs_pillow.sh [--reps N] [--sin-vips] [--pared]
#   scripts/bench_vs_pillow.sh --directo [--reps N]     # imgproc.Process, no server
#   scripts/bench_vs_pillow.sh --url http://127.0.0.1:8090 [--reps N]
#
# The packages are fetched with apt-get download and unpacked with dpkg -x
# into $BENCH_DIR (default /tmp/procesa-bench-imgs): nothing is installed
# and nothing is committed (apt-get update must have run once). Needs
# Debian's python3-pil (/usr/bin/python3), GNU time (/usr/bin/time) and
# curl; libvips42 (which libvips-tools pulls in) is optional (skipped, and
# said so, when missing).
set -eu
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/procesa-bench-imgs}
mkdir -p "$dir"
for pkg in mate-backgrounds plasma-workspace-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04; do
	[ -e "$dir/.unpacked-$pkg" ] && continue
	if ! ls "$dir/${pkg}"_*.deb >/dev/null 2>&1; then
		if ! (cd "$dir" && apt-get download "$pkg" >/dev/null 2>&1); then
			echo "no se pudo descargar $pkg (¿falta apt-get update?)" >&2
			exit 1
		fi
	fi
	dpkg -x "$dir/${pkg}"_*.deb "$dir/root"
	touch "$dir/.unpacked-$pkg"
done
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
	echo "falta python3-pil (apt-get install python3-pil)" >&2
	exit 1
fi
for t in /usr/bin/time curl; do
	if ! command -v "$t" >/dev/null; then
		echo "falta $t (apt-get install time curl)" >&2
		exit 1
	fi
done
bg=$dir/root/usr/share/backgrounds
wp=$dir/root/usr/share/wallpapers
# The cases, IMAGE@FACTORS (none of these packages has a PNG photo: the big
# PNGs are 14.7 MP renders; Patak is the heaviest to decode):
# - Kleiber (lomiri-wallpapers-20.04): 20.4 MP baseline 4:2:2 JPEG photo, 6028x3391
# - seeding (lomiri-wallpapers-16.04): 15.9 MP progressive 4:2:0 JPEG photo, 5312x2988
# - Elephants (mate-backgrounds): 17.9 MP progressive 4:2:2 JPEG photo, 5640x3172, 16 MB
# - SafeLanding (plasma-workspace-wallpapers): 14.7 MP baseline 4:2:0 JPEG photo, 5120x2880
# - RainDrops (mate-backgrounds): 2.3 MP baseline 4:2:0 JPEG photo, 1920x1200
# - Patak (plasma-workspace-wallpapers): 14.7 MP RGBA PNG, 5120x2880, 13 MB
# - MilkyWay (plasma-workspace-wallpapers): 14.7 MP RGB PNG, 5120x2880, 2.3 MB
set -- "$@" \
	"$bg/Kleiber_by_Lukas_Baubkus.jpg@0.5,1.5,0.25" \
	"$bg/seeding_by_Clements_Engelhardt.jpg@0.5,1.5" \
	"$bg/mate/abstract/Elephants_5640x3172.jpg@0.5,1.5" \
	"$wp/SafeLanding/contents/images/5120x2880.jpg@0.5,1.5" \
	"$bg/mate/nature/RainDrops.jpg@0.5" \
	"$wp/Patak/contents/images/5120x2880.png@0.5,1.5" \
	"$wp/MilkyWay/contents/images/5120x2880.png@0.5,1.5"
bin=$dir/procesa
for arg; do
	case $arg in --directo) bin=$dir/procesa-bench ;; esac
done
if [ "$bin" = "$dir/procesa" ]; then
	CGO_ENABLED=0 go build -o "$bin" .
else
	go build -o "$bin" ./scripts/procesa-bench
fi
exec /usr/bin/python3 scripts/bench_vs_pillow.py --bin "$bin" "$@"
