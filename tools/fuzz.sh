#!/usr/bin/env bash
# tools/fuzz.sh — `make fuzz` (FUZZTIME per target, default 15s) and the fuzzing stage of `make test` (2s): every Fuzz*
# target in lambda-src/, internal/, apps/, pkg/ and cmd/ replays its seed corpus (testdata/fuzz and f.Add) and is
# then fuzzed for FUZZTIME. Each package's test binary is compiled once, with the fuzzing instrumentation
# (`go test -c -fuzz`), and run once per target in the package's directory, as `go test -fuzz` would.
#
# A failing input (the engine writes it under the package's testdata/fuzz/FuzzX/) fails the run. A failure without
# one — the fuzzing engine itself, e.g. a worker starved under load — is retried once.
#
# Environment: FUZZTIME (default 15s), FUZZ_WORKERS (worker processes per target; default GOMAXPROCS),
# REFARCH_TIMINGS (tools/timings.sh: one row per target).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-15s}
workers=()
[ -z "${FUZZ_WORKERS:-}" ] || workers=(-test.parallel "$FUZZ_WORKERS")
cachedir=$(go env GOCACHE)/fuzz

tmp=$(mktemp -d "${TMPDIR:-/tmp}/refarch-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mapfile -t pkgs < <(grep -rl --include='*_test.go' '^func Fuzz' lambda-src internal apps pkg cmd 2>/dev/null |
  xargs -r -n1 dirname | sort -u)
n=0
for dir in "${pkgs[@]}"; do
  pkg=./$dir
  mapfile -t targets < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$dir"/*_test.go)
  [ ${#targets[@]} -gt 0 ] || continue
  bin=$tmp/$(echo "$dir" | tr / _).test
  start=$(date +%s.%N)
  # -fuzz with -c only selects the instrumented build; which target to fuzz is the binary's -test.fuzz below.
  if ! go test -c -fuzz=. -o "$bin" "$pkg"; then
    "$root/tools/timings.sh" row fuzzing "$pkg (build)" 0 FAIL
    echo "refarch: could not build the fuzz test binary for $pkg" >&2
    exit 1
  fi
  build=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  importpath=$(go list "$pkg")
  for f in "${targets[@]}"; do
    n=$((n + 1))
    echo "== fuzz $pkg $f ($fuzztime)"
    start=$(date +%s.%N)
    run() {
      (cd "$dir" && "$bin" -test.run "^$f\$" -test.fuzz "^$f\$" -test.fuzztime "$fuzztime" "${workers[@]}" \
        -test.fuzzcachedir "$cachedir/$importpath" 2>&1)
    }
    rc=0; out=$(run) || rc=$?
    if [ $rc -ne 0 ] && ! grep -q 'Failing input written to' <<<"$out"; then
      echo "$out" | tail -n 5
      echo "refarch: the fuzzing engine itself failed (no failing input; e.g. a worker starved under load) — once more"
      rc=0; out=$(run) || rc=$?
    fi
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" -v c="$build" 'BEGIN { printf "%.1f", b - a + c }')
    build=0 # the package's build is counted with its first target
    "$root/tools/timings.sh" row fuzzing "$pkg $f" "$secs" "$([ $rc = 0 ] && echo ok || echo FAIL)"
    echo "$out" | tail -n 2
    if [ $rc -ne 0 ]; then
      echo "$out" | tail -n 40
      echo "refarch: $f failed (a failing input is saved under $pkg/testdata/fuzz)" >&2
      exit 1
    fi
  done
done
echo "fuzz: $n targets in ${#pkgs[@]} packages, $fuzztime each"
