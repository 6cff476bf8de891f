#!/usr/bin/env bash
# tools/module_tests.sh — `make module-tests`: `tofu init` + `tofu test` (mock providers) in every modules/*/ and
# examples/*/ that has tests/, MODULE_TEST_JOBS suites at a time (default 3).
#
# Each suite runs in its own directory with its own `init` (they are independent roots). Its output is kept together
# and printed when the suite ends, headed `== tofu test DIR: PASS|FAIL (N s)`; the run ends with
# `module-tests: N suites, N failed` naming the failed ones, and exits non-zero when any failed.
#
# Providers come from the project's filesystem mirror (TF_CLI_CONFIG_FILE, set by the GNUmakefile); its packages are
# unpacked directories, so init symlinks them into .terraform/providers (nothing is copied). What init spends its
# second or two on is hashing the provider binaries (~900 MB hashicorp/aws) for the lock file, which it does with or
# without a plugin cache. A shared TF_PLUGIN_CACHE_DIR is deliberately not used: the lock file is removed before
# each init (`make build` rewrites refarch/refarch 0.1.0 in the mirror, so an old checksum would not match), and
# without a lock entry OpenTofu 1.12 re-installs every provider into the cache on every init (remove, then symlink
# again) — also with TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE — while the other suites start providers from
# that same cache entry.
#
# Environment: REFARCH_TOFU (the CLI, required), MODULE_TEST_JOBS, REFARCH_TIMINGS (tools/timings.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tofu=${REFARCH_TOFU:?set REFARCH_TOFU to the tofu/terraform CLI}

# One suite (called by xargs below): run_suite DIR OUTDIR
run_suite() {
  local d=$1 out=$2 log start rc=0 secs status
  log=$out/$(echo "$d" | tr / _).log
  start=$(date +%s.%N)
  (
    cd "$d" || exit 1
    rm -f .terraform.lock.hcl
    "$tofu" init -backend=false -input=false -no-color >"$log.init" 2>&1 || { cat "$log.init"; exit 1; }
    TF_REATTACH_PROVIDERS=${MODULE_TESTS_REATTACH:-} "$tofu" test -no-color
  ) >"$log" 2>&1 || rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  status=PASS; [ $rc = 0 ] || status=FAIL
  printf '%s\t%s\t%s\n' "$d" "$secs" "$status" >>"$out/results"
  "$root/tools/timings.sh" row "module tests" "$d" "$secs" "$([ $rc = 0 ] && echo ok || echo FAIL)"
  # One suite's output at a time, whole.
  {
    flock 9
    echo "== tofu test $d: $status (${secs}s)"
    cat "$log"
  } 9>>"$out/print.lock"
}

if [ "${1:-}" = --suite ]; then
  run_suite "$2" "$3"
  exit 0
fi

jobs=${MODULE_TEST_JOBS:-3}
out=$(mktemp -d "${TMPDIR:-/tmp}/refarch-module-tests.XXXXXX")
trap 'rm -rf "$out"' EXIT
: >"$out/results"

# Whether DIR's configuration tree (DIR and the local modules it calls, transitively) has an ephemeral resource.
has_ephemeral() {
  local d=$1 src
  grep -qs '^ephemeral "' "$d"/*.tf && return 0
  for src in $(sed -n 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"\(\.\.*\/[^"]*\)".*/\1/p' "$d"/*.tf 2>/dev/null | sort -u); do
    has_ephemeral "$(cd "$d/$src" && pwd)" && return 0
  done
  return 1
}

# HashiCorp Terraform v1.15's mock provider cannot stand in for ephemeral resources: it fails while validating
# any `ephemeral "aws_..."` block of the tree, also with count = 0 and in a child module under override_module
# (OpenTofu's mock provider can). Under Terraform such suites are left to modules/terraform_ephemeral_test.go
# (TestTerraformEphemeralSuites, which `make test-terraform` runs): the same run blocks and assertions with a real
# hashicorp/aws whose resources and data sources are all overridden, and kumo answering the ephemeral resources.
# They are named here; `make test-terraform` also applies the architectures that contain those modules in the
# sandbox (real providers, real ephemeral resources), see DEVELOPERS.md.
# (No pipe into head: the CLI would die of SIGPIPE on its later lines, and pipefail would end this script.)
engine=$("$tofu" version 2>/dev/null || true)
engine=${engine%% *}
suites=() notrun=()
for d in modules/*/ examples/*/; do
  [ -d "$d/tests" ] || continue
  if [ "$engine" = Terraform ] && has_ephemeral "${d%/}"; then
    notrun+=("${d%/}")
    continue
  fi
  suites+=("${d%/}")
done
echo "module-tests: ${#suites[@]} suites, $jobs at a time (${engine:-unknown CLI})"
for d in "${notrun[@]}"; do
  echo "== tofu test $d: left to TestTerraformEphemeralSuites under Terraform (ephemeral resources in its tree; Terraform's mock provider has none)"
  "$root/tools/timings.sh" row "module tests" "$d" 0 "in TestTerraformEphemeralSuites"
done
export REFARCH_TOFU="$tofu"

# One hashicorp/aws process serves every suite's `test` (TF_REATTACH_PROVIDERS, the CLIs' documented way to use a
# provider started in debug mode). The suites mock aws, so the plugin only answers schema and validation calls,
# which hold no state; but OpenTofu starts it once or more per run block (myblog: 51 starts for 20 runs), and its
# start-up was most of the CPU of `tofu test` (~0.6 CPU s a start; measured on myblog: 45 CPU s → 32). `init` runs
# without it, as before. If the provider does not start, the suites start their own (a line says so).
aws_pid=
start_shared_aws() {
  local bin log line i
  bin=$("$root/tools/tool.sh" path aws 2>/dev/null) && [ -x "$bin" ] || return 1
  log=$out/aws-provider.log
  "$bin" -debug >"$log" 2>&1 &
  aws_pid=$!
  for i in $(seq 200); do # its address within 20 s, or not at all
    line=$(grep -o "TF_REATTACH_PROVIDERS='[^']*'" "$log" || true)
    [ -n "$line" ] && break
    kill -0 "$aws_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  [ -n "$line" ] || return 1
  line=${line#TF_REATTACH_PROVIDERS=\'}
  line=${line%\'}
  # The provider names itself registry.terraform.io/hashicorp/aws; OpenTofu looks for registry.opentofu.org's.
  MODULE_TESTS_REATTACH=$(printf '%s' "$line" | jq -c 'to_entries[0].value as $v | {"registry.terraform.io/hashicorp/aws": $v, "registry.opentofu.org/hashicorp/aws": $v}') || return 1
  export MODULE_TESTS_REATTACH
}
trap '[ -z "$aws_pid" ] || kill "$aws_pid" 2>/dev/null; rm -rf "$out"' EXIT
if ! start_shared_aws; then
  echo "module-tests: could not start a shared hashicorp/aws (each suite starts its own): $(tail -c 300 "$out/aws-provider.log" 2>/dev/null)"
  unset MODULE_TESTS_REATTACH
fi
# (A suite's failure is in results, not in xargs' status; a broken run shows up as a missing result below.)
printf '%s\n' "${suites[@]}" | xargs -P "$jobs" -I{} "$root/tools/module_tests.sh" --suite {} "$out" ||
  echo "module-tests: xargs exited $?" >&2

failed=$(awk -F'\t' '$3 != "PASS" { printf "%s ", $1 }' "$out/results")
ran=$(wc -l <"$out/results")
[ "$ran" = ${#suites[@]} ] || failed="$failed(only $ran of ${#suites[@]} suites reported)"
echo "module-tests: ${#suites[@]} suites, $(awk -F'\t' '$3 != "PASS"' "$out/results" | wc -l) failed${failed:+: $failed}${notrun:+; left to TestTerraformEphemeralSuites: ${notrun[*]}}"
[ -z "$failed" ]
