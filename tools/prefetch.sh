#!/usr/bin/env bash
# tools/prefetch.sh — build tools in the background, at low CPU priority, while `make test` runs stages that do not
# need them yet; the stage that does need one calls `tools/tool.sh build NAME`, which waits on the build's lock (or
# returns at once when the build is done). On a warm cache every tool is already there and this does nothing.
#
#   tools/prefetch.sh start LOGDIR CHAIN...   start one background chain per argument (tools separated by ","),
#                                             each building its tools in order; print the chains' process ids
#   tools/prefetch.sh stop PID...             stop chains still running (`make test` calls it when it ends)
#
# Why chains: on 2 cores the quality-gate tools (trivy alone is ~30 minutes cold) would otherwise be built one after
# another after the tests that could have run meanwhile; the tests' sandbox suites spend most of their time waiting
# on emulated AWS, which leaves a core to the builds. A build that fails here is retried, visibly, by the stage that
# needs it (tools/tool.sh keeps no half-built tool).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:-}; shift || true
case "$cmd" in
  start)
    logdir=${1:?usage: tools/prefetch.sh start LOGDIR CHAIN...}; shift
    mkdir -p "$logdir"
    for chain in "$@"; do
      missing=()
      for t in ${chain//,/ }; do "$here/tool.sh" path "$t" >/dev/null 2>&1 || missing+=("$t"); done
      [ ${#missing[@]} -gt 0 ] || continue
      echo "refarch: building ${missing[*]} in the background (log: $logdir/${chain//,/-}.log)" >&2
      # setsid: its own process group, so `stop` ends the go build under it as well.
      setsid nice -n 15 bash -c 'for t; do "$0" build "$t" || true; done' "$here/tool.sh" "${missing[@]}" \
        >"$logdir/${chain//,/-}.log" 2>&1 </dev/null &
      echo $!
    done
    ;;
  stop)
    for pid in "$@"; do kill -- "-$pid" 2>/dev/null || true; done
    ;;
  *) echo "usage: tools/prefetch.sh start LOGDIR CHAIN... | stop PID..." >&2; exit 2 ;;
esac
