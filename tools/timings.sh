#!/usr/bin/env bash
# tools/timings.sh — the timing table that `make test` prints at its end (also when a stage failed).
#
#   tools/timings.sh stage NAME CMD...      run CMD, append "stage NAME SECONDS ok|FAIL" to $REFARCH_TIMINGS, keep its
#                                           exit status
#   tools/timings.sh since NAME START       append "stage NAME SECONDS ok" for the time since START (date +%s.%N)
#   tools/timings.sh row GROUP NAME SECONDS STATUS
#                                           append one row (what tools/module_tests.sh, check.sh and fuzz.sh call
#                                           per suite, gate and fuzz target; nothing when REFARCH_TIMINGS is unset)
#   tools/timings.sh table TSV [GOJSON [START]]
#                                           print the table: the stages in the order they ended, each with its rows,
#                                           and for the Go tests (GOJSON: gotestsum --jsonfile) the seconds per
#                                           package and every top-level test that took TIMINGS_MIN_TEST seconds
#                                           (default 30) or more; then the wall-clock total since START (date
#                                           +%s.%N; stages that ran side by side overlap, so it is less than their
#                                           sum); ends with the stages that failed, if any
#
# $REFARCH_TIMINGS is a tab-separated file: GROUP, NAME, SECONDS, STATUS (GROUP "stage" for a stage's own row).
set -euo pipefail

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
row() {
  [ -n "${REFARCH_TIMINGS:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$REFARCH_TIMINGS"
}

table() {
  local tsv=$1 json=${2:-} start=${3:-} min=${TIMINGS_MIN_TEST:-30} gorows="" wall=""
  [ -z "$start" ] || wall=$(secs "$start" "$(now)")
  [ -f "$tsv" ] || tsv=/dev/null
  if [ -n "$json" ] && [ -s "$json" ]; then
    # Package results are the pass/fail events without a Test field; top-level tests have no "/" in their name.
    gorows=$(jq -rs --argjson min "$min" '
      (map(select(.Test != null and (.Test | contains("/") | not) and (.Action == "pass" or .Action == "fail")
          and (.Elapsed // 0) >= $min))) as $tests
      | map(select(.Test == null and (.Action == "pass" or .Action == "fail"))) | sort_by(-(.Elapsed // 0)) | .[]
      | . as $p
      | (["    " + ($p.Package | sub("^github.com/[^/]+/[^/]+/?"; "./")), ($p.Elapsed // 0),
          (if $p.Action == "pass" then "ok" else "FAIL" end)] | @tsv),
        ($tests | map(select(.Package == $p.Package)) | sort_by(-.Elapsed) | .[]
          | ["      " + .Test, .Elapsed, (if .Action == "pass" then "ok" else "FAIL" end)] | @tsv)
    ' "$json" 2>&1) || gorows="    (could not read $json: $gorows)"
    gorows="    (per package; below a package its top-level tests of ${min}s or more)"$'\n'"$gorows"
  fi
  echo
  echo "== ${TIMINGS_TITLE:-make test} timings (seconds)"
  # A stage's row is written when it ends, after its parts: print each stage, then its parts (the Go tests' from
  # the gotestsum JSON).
  GOROWS=$gorows WALL=$wall awk -F'\t' '
    function line(indent, name, secs, status) {
      printf "%s%-*s %8s%s\n", indent, 62 - length(indent), name, secs, (status == "" ? "" : "  " status)
    }
    $1 != "stage" { parts[$1] = parts[$1] $0 "\n"; next }
    {
      line("  ", $2, sprintf("%.1f", $3), $4); total += $3; what = ""; wsep = ""
      n = split(parts[$2], p, "\n")
      for (i = 1; i < n; i++) {
        split(p[i], f, "\t"); line("    ", f[2], sprintf("%.1f", f[3]), f[4])
        if (f[4] != "ok") { what = what wsep f[2]; wsep = ", " }
      }
      if ($2 == "go tests" && ENVIRON["GOROWS"] != "") {
        n = split(ENVIRON["GOROWS"], p, "\n")
        for (i = 1; i <= n; i++) {
          if (split(p[i], f, "\t") < 3) { print p[i]; continue }
          match(f[1], /^ */); name = substr(f[1], RLENGTH + 1)
          line(substr(f[1], 1, RLENGTH), name, sprintf("%.1f", f[2]), f[3])
          if (f[3] != "ok" && RLENGTH == 4) { what = what wsep name; wsep = ", " }
        }
      }
      if ($4 != "ok") { failed = failed sep $2 (what == "" ? "" : " (" what ")"); sep = "; " }
    }
    END {
      if (ENVIRON["WALL"] != "") {
        line("  ", "sum of the stages", sprintf("%.1f", total), "")
        line("  ", "total (wall clock)", ENVIRON["WALL"], "")
      } else line("  ", "total", sprintf("%.1f", total), "")
      if (failed != "") print "  FAILED: " failed
    }' "$tsv"
}

case "${1:-}" in
  stage)
    [ $# -ge 3 ] || { echo "usage: tools/timings.sh stage NAME CMD..." >&2; exit 2; }
    name=$2; shift 2
    start=$(now) rc=0
    "$@" || rc=$?
    row stage "$name" "$(secs "$start" "$(now)")" "$([ $rc = 0 ] && echo ok || echo FAIL)"
    exit $rc ;;
  since) row stage "$2" "$(secs "$3" "$(now)")" ok ;;
  row) row "$2" "$3" "$4" "$5" ;;
  table) table "$2" "${3:-}" "${4:-}" ;;
  *) echo "usage: tools/timings.sh stage NAME CMD... | since NAME START | row GROUP NAME SECONDS STATUS | table TSV [GOJSON]" >&2
     exit 2 ;;
esac
