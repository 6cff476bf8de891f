#!/usr/bin/env bash
# Compares the thumbnail Lambda's pure-Go image path (lambda-src/internal/thumbs
# via its cmd/thumbbench CLI; go-default is what the Lambda runs: JPEG
# shrink-on-load, box pre-shrink, CatmullRom; go-fulldecode is the same without
# shrink-on-load; the -direct rows also skip the box pre-shrink) with
# vipsthumbnail and ImageMagick's `convert -thumbnail`: per-image wall time and
# peak RSS (GNU time -v), median of RUNS runs, same inputs, same target width,
# one table, with each row's ratio to vipsthumbnail on the same image. The last
# lines check go-default against the goal of issue 14 on the photo: within 1.5x
# of vipsthumbnail's wall time and under 2x its peak memory.
#
#   tools/bench-thumbs.sh            # RUNS=5 WIDTH=320
#   RUNS=3 WIDTH=640 tools/bench-thumbs.sh
#
# Needs: Go, GNU time (/usr/bin/time, Debian package `time`), ImageMagick
# (`imagemagick`, used to generate the inputs too) and vipsthumbnail
# (`libvips-tools`). ImageMagick is called as /usr/bin/convert when present,
# so a wrapper earlier on PATH does not add its own start-up to the numbers.
set -euo pipefail

RUNS=${RUNS:-5}
WIDTH=${WIDTH:-320}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-thumbs.XXXXXX")
trap 'rm -rf "$work"' EXIT

need() { command -v "$1" >/dev/null || { echo "bench-thumbs: $1 not found (apt-get install $2)" >&2; exit 1; }; }
TIME=/usr/bin/time
[[ -x $TIME ]] || { echo "bench-thumbs: $TIME not found (apt-get install time)" >&2; exit 1; }
need vipsthumbnail libvips-tools
need vips libvips-tools
if [[ -x /usr/bin/convert ]]; then CONVERT=/usr/bin/convert; else need convert imagemagick; CONVERT=$(command -v convert); fi

echo "==> building thumbbench (lambda-src/internal/thumbs/cmd/thumbbench)" >&2
(cd "$root" && go build -trimpath -o "$work/thumbbench" ./lambda-src/internal/thumbs/cmd/thumbbench)

echo "==> generating inputs with $CONVERT" >&2
# A photo-like 4000x3000 JPEG (noise + gradient, so it does not compress to
# nothing) and a 4000x3000 8-bit RGBA PNG (16-bit PNGs decode to NRGBA64, which
# skips the pre-shrink: the go-catmullrom-direct cost), plus a 12000x8000 JPEG (96 MP) that the
# Go path must refuse from its header alone (MAX_SOURCE_PIXELS = 50 MP).
"$CONVERT" -size 4000x3000 plasma:fractal -seed 42 -attenuate 0.3 +noise Gaussian -quality 92 "$work/photo-4000x3000.jpg"
"$CONVERT" -size 4000x3000 gradient:'#1e90ff-#ff8c00' \( -size 4000x3000 radial-gradient:white-black \) \
  -alpha off -compose copy_opacity -composite -depth 8 "$work/alpha-4000x3000.png"
# (made with vips: Debian's ImageMagick policy caps pictures at 128 MP of cache.)
vips black "$work/huge-12000x8000.jpg[Q=80]" 12000 8000

# measure CMD... → prints "wall_s rss_mib status": medians over RUNS runs. Wall
# time is taken around GNU time with $EPOCHREALTIME (µs; time's own -v clock
# has 10 ms steps), RSS is time's "Maximum resident set size".
measure() {
  local walls=() rsss=() status=ok i t0 t1
  for ((i = 0; i < RUNS; i++)); do
    t0=$EPOCHREALTIME
    if ! "$TIME" -v -o "$work/time.txt" "$@" >"$work/out.log" 2>&1; then status="error: $(tail -n1 "$work/out.log" | cut -c1-70)"; fi
    t1=$EPOCHREALTIME
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")")
  done
  printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" \
    "$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" "$status"
}

# ratio A B → "A/B" with two decimals, or "-" when either is missing or 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

printf '\n%-22s %-24s %9s %9s %8s %8s  %-12s %s\n' image tool "wall s" "RSS MiB" "wall/vips" "RSS/vips" output status
printf '%s\n' "$(printf '%.0s-' {1..120})"
goal_wall=- goal_rss=-
for img in photo-4000x3000.jpg alpha-4000x3000.png huge-12000x8000.jpg; do
  ext=${img##*.}
  in="$work/$img"
  vips_wall=0 vips_rss=0
  # vipsthumbnail first: the other rows' ratios are to it.
  for tool in vipsthumbnail go-default go-fulldecode go-catmullrom-direct go-bilinear-direct convert-thumbnail; do
    out="$work/out-$tool.$ext"
    rm -f "$out"
    case $tool in
      go-default) cmd=("$work/thumbbench" -width "$WIDTH" -scaler catmullrom "$in" "$out") ;;
      go-fulldecode) cmd=("$work/thumbbench" -width "$WIDTH" -scaler catmullrom-fulldecode "$in" "$out") ;;
      go-catmullrom-direct) cmd=("$work/thumbbench" -width "$WIDTH" -scaler catmullrom-direct "$in" "$out") ;;
      go-bilinear-direct) cmd=("$work/thumbbench" -width "$WIDTH" -scaler bilinear-direct "$in" "$out") ;;
      vipsthumbnail) cmd=(vipsthumbnail "$in" --size "${WIDTH}x" -o "$out[Q=85]") ;;
      convert-thumbnail) cmd=("$CONVERT" "$in" -thumbnail "${WIDTH}x" -quality 85 "$out") ;;
    esac
    read -r wall rss status < <(measure "${cmd[@]}")
    size=-
    [[ -s $out ]] && size=$(identify -format '%wx%h' "$out" 2>/dev/null || echo "?")
    if [[ $tool == vipsthumbnail && $status == ok ]]; then vips_wall=$wall vips_rss=$rss; fi
    rw=- rr=-
    if [[ $status == ok ]]; then rw=$(ratio "$wall" "$vips_wall") rr=$(ratio "$rss" "$vips_rss"); fi
    if [[ $img == photo-* && $tool == go-default ]]; then goal_wall=$rw goal_rss=$rr; fi
    printf '%-22s %-24s %9.3f %9s %8s %8s  %-12s %s\n' "$img" "$tool" "$wall" "$rss" "$rw" "$rr" "$size" "$status"
  done
done
echo
verdict() { awk -v r="$1" -v lim="$2" -v op="$3" 'BEGIN { if (r == "-") print "n/a"; else if ((op == "le" && r + 0 <= lim) || (op == "lt" && r + 0 < lim)) print "met"; else print "NOT met" }'; }
echo "goal (issue 14), go-default vs vipsthumbnail on photo-4000x3000.jpg:" \
  "wall ${goal_wall}x (≤ 1.5x: $(verdict "$goal_wall" 1.5 le)), peak RSS ${goal_rss}x (< 2x: $(verdict "$goal_rss" 2 lt))"
echo "median of $RUNS runs each, width $WIDTH; inputs: $(cd "$work" && for f in photo-*.jpg alpha-*.png huge-*.jpg; do printf '%s %s KiB  ' "$f" $(($(stat -c %s "$f") / 1024)); done)"
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
