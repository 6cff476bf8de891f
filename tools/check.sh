#!/usr/bin/env bash
# tools/check.sh — the quality gates (`make check`, part of `make test` and so of CI). Offline, from a clean clone.
#
#   tools/check.sh                 run every gate
#   tools/check.sh GATE...         run only these gates: hygiene fmt tflint trivy golangci vet goreleaser release
#
# Each gate prints one line `check: GATE PASS|FAIL — summary` (details above it); the run ends with
# `check: N passed, N failed` and exits non-zero when any gate failed.
#
#   hygiene     nothing built in git: no tracked executable binary (ELF, Mach-O, PE) and no tracked file over 1 MB
#               outside the generated docs/
#   fmt         `tofu fmt -check` over the Terraform roots and gofmt over the Go files
#   tflint      tflint (.tflint.hcl, bundled terraform ruleset, all rules) in every directory with .tf files
#   trivy       `trivy config` (trivy.yaml: embedded checks, offline, plus the project's REFARCH-* Rego checks below:
#               no wildcard IAM action) — fails on any HIGH or CRITICAL finding;
#               MEDIUM findings are listed and each must be named (by its ID) in the module's README.md
#   golangci    golangci-lint run ./... (.golangci.yml), for the default build and for -tags aws
#   vet         go vet ./..., for the default build and for -tags aws
#   goreleaser  goreleaser check, then tools/releasecheck (no build): .goreleaser.yml names the 6 targets
#               (linux/darwin/windows × amd64/arm64), the registry's binary and zip names and a SHA256SUMS that
#               lists <name>_<version>_manifest.json; terraform-registry-manifest.json declares protocol 6.0
#   release     not a default gate (`make release-check`): the goreleaser gate, then a snapshot release (no
#               publish, no signing) into a temporary dist, and the registry layout check on it: 6 zips, each
#               with the binary terraform-provider-refarch_v<version>[.exe] built for that platform, a SHA256SUMS
#               that covers every zip and the <name>_<version>_manifest.json
#
# Environment:
#   CHECK_TF_ROOTS   Terraform roots the fmt/tflint/trivy gates scan (default: "modules examples")
#   CHECK_GO         0 skips the Go-side parts of fmt (gofmt) — used by tools/check_selftest.sh
#   REFARCH_TOFU     the tofu/terraform CLI (default: the pinned OpenTofu, like the GNUmakefile)
#   REFARCH_TIMINGS  when set, one row per gate with its seconds is appended there (tools/timings.sh)
# Tools (tflint, trivy, golangci-lint, goreleaser) are built through tools/tool.sh if not cached yet.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

roots=${CHECK_TF_ROOTS:-modules examples}
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=(hygiene fmt tflint trivy golangci vet goreleaser)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/refarch-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0 failed_names=()
result() { # result GATE STATUS SUMMARY
  if [ "$2" = 0 ]; then
    passed=$((passed + 1)); echo "check: $1 PASS — $3"
  else
    failed=$((failed + 1)); failed_names+=("$1"); echo "check: $1 FAIL — $3"
  fi
}
tool() { "$root/tools/tool.sh" build "$1"; }

# Every directory under the Terraform roots that holds .tf files (not .terraform/ caches), sorted.
tf_dirs() {
  # shellcheck disable=SC2086
  find $roots -name .terraform -prune -o -name '*.tf' -type f -print 2>/dev/null | xargs -r -n1 dirname | sort -u
}

gate_hygiene() {
  local bad=() f size magic
  while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue
    size=$(stat -c %s "$f")
    if [ "$size" -gt 1048576 ] && [[ $f != docs/* ]]; then bad+=("$f: $size bytes (over 1 MB)"); continue; fi
    magic=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
    case "$magic" in
      7f454c46) bad+=("$f: ELF executable") ;;
      cffaedfe|cefaedfe|feedface|feedfacf) bad+=("$f: Mach-O executable") ;;
      4d5a*) [[ $f == *.exe || $f == *.dll ]] && bad+=("$f: PE executable") ;;
    esac
  done < <(git ls-files -z)
  if [ ${#bad[@]} -gt 0 ]; then
    printf '  %s\n' "${bad[@]}"; result hygiene 1 "${#bad[@]} built or oversized file(s) tracked: git rm --cached them (and ignore them)"
  else
    result hygiene 0 "no tracked binaries, no tracked file over 1 MB outside docs/"
  fi
}

gate_fmt() {
  local tofu=${REFARCH_TOFU:-${TOFU:-}} rc=0 bad
  [ -n "$tofu" ] || tofu=$("$root/tools/tool.sh" build tofu) || { result fmt 1 "no tofu CLI"; return; }
  # shellcheck disable=SC2086
  # (fmt reads no CLI configuration; /dev/null keeps a missing one from adding a warning to the file list)
  if ! bad=$(TF_CLI_CONFIG_FILE=/dev/null "$tofu" fmt -check -recursive -list=true $roots 2>"$tmp/fmt.err"); then
    # -list prints the files to reformat; without any, show why it failed (e.g. a syntax error).
    if [ -n "$bad" ]; then echo "$bad" | sed 's/^/  tofu fmt: /'; else sed 's/^/  tofu fmt: /' "$tmp/fmt.err"; bad=error; fi
    rc=1
  fi
  local gobad=""
  if [ "${CHECK_GO:-1}" != 0 ]; then
    gobad=$(gofmt -l $(git ls-files '*.go') 2>&1)
    [ -z "$gobad" ] || { echo "$gobad" | sed 's/^/  gofmt: /'; rc=1; }
  fi
  if [ $rc = 0 ]; then
    result fmt 0 "tofu fmt clean in $roots$([ "${CHECK_GO:-1}" = 0 ] || echo ", gofmt clean")"
  else
    result fmt 1 "unformatted files (run 'make fmt'): $(printf '%s\n%s\n' "$bad" "$gobad" | grep -c .)"
  fi
}

gate_tflint() {
  local tflint dirs d n=0 bad=0 out
  tflint=$(tool tflint) || { result tflint 1 "could not build tflint"; return; }
  mapfile -t dirs < <(tf_dirs)
  export TFLINT_DISABLE_VERSION_CHECK=1
  for d in "${dirs[@]}"; do
    n=$((n + 1))
    local extra=()
    case "$d" in
      # tfplugindocs input (rendered into docs/): fragments that show one resource/data source/function, with
      # `# ...` elisions — not modules or runnable roots, so the module-structure, version-pinning, documented-output
      # and unused-declaration rules do not apply (the snippet shows the provider's usage, nothing else).
      examples/provider|examples/data-sources/*|examples/resources/*|examples/functions/*)
        extra=(--disable-rule=terraform_standard_module_structure --disable-rule=terraform_required_version
          --disable-rule=terraform_required_providers --disable-rule=terraform_documented_outputs
          --disable-rule=terraform_unused_declarations) ;;
    esac
    if ! out=$("$tflint" --chdir="$d" --config="$root/.tflint.hcl" --format=compact --no-color "${extra[@]}" 2>&1); then
      bad=$((bad + 1))
      echo "== tflint $d"; echo "$out" | sed 's/^/  /'
    fi
  done
  if [ $bad = 0 ]; then result tflint 0 "$n directories, no findings"
  else result tflint 1 "findings in $bad of $n directories"; fi
}

# The project's own trivy checks (Rego, namespace user.refarch), written to a temp dir for --config-check.
# trivy's embedded wildcard check AWS-0057 is deprecated and empty in trivy-checks (no finding for Action "*"), so the
# "no wildcard IAM action" rule is ours: REFARCH-0001 on trivy's cloud model (managed, user, group and role policies,
# aws_iam_policy_document), REFARCH-0002 on the raw Terraform (every aws_iam_*policy resource — the cloud model keeps
# only the first aws_iam_role_policy of a role).
write_trivy_checks() {
  mkdir -p "$1"
  cat >"$1/refarch_iam_wildcard_action.rego" <<'REGO'
# METADATA
# title: IAM policy allows every action of every service, or of a whole service
# description: |
#   An Allow statement whose Action is "*" or "<service>:*" grants far more than a function or service needs.
#   Name the actions (least privilege), e.g. ["dynamodb:GetItem", "dynamodb:PutItem"].
# scope: package
# schemas:
#   - input: schema["cloud"]
# custom:
#   id: REFARCH-0001
#   avd_id: REFARCH-0001
#   long_id: refarch-iam-no-wildcard-action
#   provider: aws
#   service: iam
#   severity: CRITICAL
#   short_code: no-wildcard-action
#   recommended_action: Name the exact actions the principal needs instead of "*" or "<service>:*".
#   input:
#     selector:
#       - type: cloud
#         subtypes:
#           - service: iam
#             provider: aws
package user.refarch.iam.refarch0001

import rego.v1

as_list(x) := x if is_array(x)
as_list(x) := [x] if is_string(x)

wildcard(a) if a == "*"
wildcard(a) if endswith(a, ":*")

bad_actions(doc) := [a |
	value := json.unmarshal(doc)
	some st in as_list(value.Statement)
	lower(object.get(st, "Effect", "")) == "allow"
	some a in as_list(object.get(st, "Action", []))
	wildcard(a)
]

policies contains p if some p in input.aws.iam.policies
policies contains p if {
	some kind in ["roles", "users", "groups"]
	some holder in object.get(input.aws.iam, kind, [])
	some p in object.get(holder, "policies", [])
}

deny contains res if {
	some p in policies
	some a in bad_actions(p.document.value)
	res := result.new(sprintf("IAM policy allows the wildcard action %q", [a]), p.document)
}
REGO
  cat >"$1/refarch_iam_wildcard_action_raw.rego" <<'REGO'
# METADATA
# title: IAM policy resource allows a wildcard action
# description: |
#   An Allow statement whose Action is "*" or "<service>:*" in the policy of an aws_iam_policy, aws_iam_role_policy,
#   aws_iam_user_policy or aws_iam_group_policy. (Scans every such resource: trivy's cloud model keeps only one
#   inline policy per role.)
# scope: package
# schemas:
#   - input: schema["terraform-raw"]
# custom:
#   id: REFARCH-0002
#   avd_id: REFARCH-0002
#   long_id: refarch-iam-no-wildcard-action-raw
#   provider: aws
#   service: iam
#   severity: CRITICAL
#   short_code: no-wildcard-action-raw
#   recommended_action: Name the exact actions the principal needs instead of "*" or "<service>:*".
#   input:
#     selector:
#       - type: terraform-raw
package user.refarch.iam.refarch0002

import rego.v1

policy_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}

as_list(x) := x if is_array(x)
as_list(x) := [x] if is_string(x)

wildcard(a) if a == "*"
wildcard(a) if endswith(a, ":*")

deny contains res if {
	some module in input.modules
	some block in module.blocks
	block.kind == "resource"
	policy_types[block.type]
	attr := block.attributes.policy
	attr.known
	is_string(attr.value)
	doc := json.unmarshal(attr.value)
	some st in as_list(doc.Statement)
	lower(object.get(st, "Effect", "")) == "allow"
	some a in as_list(object.get(st, "Action", []))
	wildcard(a)
	res := result.new(sprintf("%s.%s allows the wildcard action %q", [block.type, block.name, a]), attr)
}
REGO
}

gate_trivy() {
  local trivy rc=0 r out total=0
  trivy=$(tool trivy) || { result trivy 1 "could not build trivy"; return; }
  write_trivy_checks "$tmp/trivy-checks"
  local common=(config --config "$root/trivy.yaml" --ignorefile "$root/.trivyignore" --cache-dir "$tmp/trivy-cache" --quiet
    --config-check "$tmp/trivy-checks" --check-namespaces user --raw-config-scanners terraform)
  # HIGH/CRITICAL: the gate (severity and exit-code come from trivy.yaml).
  for r in $roots; do
    [ -d "$r" ] || continue
    if ! out=$("$trivy" "${common[@]}" --format table "$r" 2>&1); then
      rc=1; echo "== trivy $r (HIGH/CRITICAL)"; echo "$out" | sed 's/^/  /'
    fi
  done
  # MEDIUM: accepted only when a README names the check (its ID) with the reason: the README of the module whose file
  # the finding is in, or — for a finding in an example's own file — the README of a module that example calls.
  local d id file json readme readmes missing=()
  for d in $(tf_dirs); do
    case "$d" in */tests|*/tests/*) continue ;; esac
    json=$("$trivy" "${common[@]}" --severity MEDIUM --exit-code 0 --format json "$d" 2>/dev/null) || { rc=1; echo "  trivy failed on $d"; continue; }
    while IFS=$'\t' read -r id file title; do
      [ -n "$id" ] || continue
      total=$((total + 1))
      readmes="$(dirname "$(realpath -m "$d/$file")")/README.md $d/README.md"
      readmes+=" $(grep -ho 'source *= *"\.\./\.\./modules/[a-z0-9-]*"' "$d"/*.tf 2>/dev/null | sed 's|.*"\.\./\.\./\(modules/[a-z0-9-]*\)"|\1/README.md|' | tr '\n' ' ')"
      for readme in $readmes; do
        grep -qs -- "$id" "$readme" && continue 2
      done
      missing+=("$d: $id ($file) $title")
    done < <(printf '%s' "$json" | jq -r '[.Results[]? | .Target as $t | .Misconfigurations[]? | select(.Status=="FAIL")
      | [(.AVDID // .ID), $t, .Title] | @tsv] | unique | .[]')
  done
  if [ ${#missing[@]} -gt 0 ]; then
    rc=1
    echo "== trivy MEDIUM findings not accepted in the module README (name the ID and the reason there, or fix them):"
    printf '  %s\n' "${missing[@]}"
  fi
  if [ $rc = 0 ]; then result trivy 0 "no HIGH/CRITICAL in $roots; $total MEDIUM (per dir) all accepted in READMEs"
  else result trivy 1 "HIGH/CRITICAL findings or unaccepted MEDIUM (${#missing[@]})"; fi
}

gate_golangci() {
  local gl out rc=0 tags n
  gl=$(tool golangci-lint) || { result golangci 1 "could not build golangci-lint"; return; }
  # Twice: the default build, and -tags aws (the real-AWS tier's files, which the default build leaves out).
  # --allow-serial-runners: another clone's run on this machine holds golangci-lint's lock; wait for it, not fail.
  for tags in "" aws; do
    if ! out=$("$gl" run --allow-serial-runners --config "$root/.golangci.yml" ${tags:+--build-tags=$tags} ./... 2>&1); then
      rc=1; echo "== golangci-lint${tags:+ -tags $tags}"; echo "$out" | sed 's/^/  /'
    fi
  done
  if [ $rc = 0 ]; then
    result golangci 0 "golangci-lint run ./... (default and -tags aws): 0 issues"
  else
    n=$(echo "$out" | grep -Eo '^[0-9]+ issues?' | head -1)
    result golangci 1 "golangci-lint reported issues${n:+ ($n in the last run)}"
  fi
}

gate_vet() {
  local out rc=0 tags
  for tags in "" aws; do
    out=$(go vet ${tags:+-tags $tags} ./... 2>&1) || { rc=1; echo "== go vet${tags:+ -tags $tags}"; echo "$out" | sed 's/^/  /'; }
  done
  if [ $rc = 0 ]; then result vet 0 "go vet ./... (default and -tags aws): clean"
  else result vet 1 "go vet ./... reported problems"; fi
}

# The cheap part of the release checks (every run): the configuration, and the layout it describes. Prints the
# problems; returns non-zero when there are any.
release_config_ok() {
  local gr=$1 out
  if ! out=$("$gr" check 2>&1); then
    echo "$out" | sed 's/^/  /'; echo "  goreleaser check failed"; return 1
  fi
  if ! out=$(go run ./tools/releasecheck 2>&1); then
    echo "$out" | sed 's/^/  /'; return 1
  fi
}

gate_goreleaser() {
  local gr
  gr=$(tool goreleaser) || { result goreleaser 1 "could not build goreleaser"; return; }
  if release_config_ok "$gr"; then
    result goreleaser 0 "goreleaser check ok; .goreleaser.yml: 6 targets, registry zip/binary/SHA256SUMS/manifest names; protocol 6.0 (the snapshot build: make release-check)"
  else
    result goreleaser 1 "release configuration"
  fi
}

gate_release() {
  local gr cfg dist out
  gr=$(tool goreleaser) || { result release 1 "could not build goreleaser"; return; }
  release_config_ok "$gr" || { result release 1 "release configuration (see the goreleaser gate)"; return; }
  cfg=$tmp/goreleaser.yml dist=$tmp/dist
  { cat .goreleaser.yml; printf '\ndist: %s\n' "$dist"; } >"$cfg"
  if ! out=$("$gr" release --config "$cfg" --snapshot --clean --skip=publish,sign 2>&1); then
    echo "$out" | tail -n 40 | sed 's/^/  /'; result release 1 "snapshot release failed"; return
  fi
  local problems=() name=terraform-provider-refarch version os arch zip bin ext sums manifest
  version=$(jq -r .version "$dist/metadata.json")
  for os in linux darwin windows; do
    for arch in amd64 arm64; do
      zip=$dist/${name}_${version}_${os}_${arch}.zip
      ext=""; [ $os = windows ] && ext=.exe
      bin=${name}_v${version}${ext}
      if [ ! -f "$zip" ]; then problems+=("missing $(basename "$zip")"); continue; fi
      if ! unzip -Z1 "$zip" | grep -qx "$bin"; then problems+=("$(basename "$zip") lacks $bin"); continue; fi
      unzip -q -o "$zip" "$bin" -d "$tmp/unz-$os-$arch"
      out=$(go version -m "$tmp/unz-$os-$arch/$bin" 2>&1)
      echo "$out" | grep -q "GOOS=$os\$" && echo "$out" | grep -q "GOARCH=$arch\$" ||
        problems+=("$bin in $(basename "$zip") is not built for $os/$arch")
    done
  done
  sums=$dist/${name}_${version}_SHA256SUMS
  manifest=${name}_${version}_manifest.json
  if [ ! -f "$sums" ]; then problems+=("missing $(basename "$sums")")
  else
    grep -q "  $manifest\$" "$sums" || problems+=("$(basename "$sums") does not list $manifest")
    [ "$(grep -c '\.zip$' "$sums")" = 6 ] || problems+=("$(basename "$sums") lists $(grep -c '\.zip$' "$sums") zips, want 6")
    # The release step uploads terraform-registry-manifest.json under the manifest name; check it against the sums.
    cp terraform-registry-manifest.json "$dist/$manifest"
    (cd "$dist" && sha256sum --quiet -c "$(basename "$sums")") >/dev/null 2>&1 || problems+=("SHA256SUMS does not verify")
  fi
  [ "$(jq -c .metadata.protocol_versions terraform-registry-manifest.json)" = '["6.0"]' ] ||
    problems+=("terraform-registry-manifest.json: protocol_versions must be [\"6.0\"] (main.go serves protocol 6)")
  # The layout, for the log: each release file and, for a zip, what it holds.
  for f in "$dist"/${name}_${version}_*; do
    case "$f" in *.zip) echo "  $(basename "$f"): $(unzip -Z1 "$f" | tr '\n' ' ')" ;; *) echo "  $(basename "$f")" ;; esac
  done
  if [ ${#problems[@]} = 0 ]; then
    result release 0 "check ok; snapshot $version: 6 zips, SHA256SUMS with manifest, binaries per platform verified"
  else
    printf '  %s\n' "${problems[@]}"
    result release 1 "archive layout: ${#problems[@]} problem(s)"
  fi
}

for g in "${gates[@]}"; do
  case "$g" in
    hygiene|fmt|tflint|trivy|golangci|vet|goreleaser|release)
      echo "== check $g"
      start=$(date +%s.%N) before=$failed
      "gate_$g"
      "$root/tools/timings.sh" row "quality gates" "$g" \
        "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" "$([ $failed = $before ] && echo ok || echo FAIL)" ;;
    *) echo "check: unknown gate '$g' (want hygiene fmt tflint trivy golangci vet goreleaser release)" >&2; exit 2 ;;
  esac
done
[ $failed = 0 ] || echo "check: failed gates: ${failed_names[*]}"
echo "check: $passed passed, $failed failed"
[ $failed = 0 ]
