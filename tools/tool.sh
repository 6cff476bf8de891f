#!/usr/bin/env bash
# tools/tool.sh — build one pinned tool from the Go module proxy into the per-version cache, or print where it is.
#
#   tools/tool.sh path  NAME   print the binary's path if it is built (exit 1 if not)
#   tools/tool.sh build NAME   build it unless cached, showing progress; print the binary's path
#
# NAME is tofu, terraform, aws, kumo, gotestsum, tfplugindocs, tflint, trivy, golangci-lint or goreleaser
# (versions in tools/versions.env). The cache lives outside the clone, keyed by version:
# ${REFARCH_CACHE:-$HOME/.cache/refarch}/tools/<name>/<version>/<binary>, so fresh clones and CI reuse it.
# A tool with patches (<NAME>_PATCHES in versions.env: a directory of unified diffs, applied in name order with
# `patch -p1` to the module's source before `go build`) is cached as <version>+refarch.<hash>, the hash covering
# the patch files' names and contents, so changing a patch rebuilds and an unpatched build is never mistaken for it.
# hashicorp/aws is also trimmed (AWS_SERVICES: tools/awstrim keeps only the listed service packages); the list's
# package names join the hash, so a trimmed build is never mistaken for a full one or for another list's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${REFARCH_CACHE:-$HOME/.cache/refarch}

die() { echo "tools: $*" >&2; exit 2; }

cmd=${1:-}; name=${2:-}
case "$name" in
  tofu) module=$TOFU_MODULE version=$TOFU_VERSION pkg=$TOFU_PKG bin=tofu ldflags=${TOFU_LDFLAGS:-} ;;
  terraform) module=$TERRAFORM_MODULE version=$TERRAFORM_VERSION pkg=$TERRAFORM_PKG bin=terraform ldflags=${TERRAFORM_LDFLAGS:-} patches=${TERRAFORM_PATCHES:-} ;;
  aws)  module=$AWS_MODULE  version=$AWS_VERSION  pkg=$AWS_PKG  bin=terraform-provider-aws patches=${AWS_PATCHES:-} services=${AWS_SERVICES:-} ;;
  kumo) module=$KUMO_MODULE version=$KUMO_VERSION pkg=$KUMO_PKG bin=kumo patches=${KUMO_PATCHES:-} ;;
  gotestsum) module=$GOTESTSUM_MODULE version=$GOTESTSUM_VERSION pkg=$GOTESTSUM_PKG bin=gotestsum ;;
  tfplugindocs) module=$TFPLUGINDOCS_MODULE version=$TFPLUGINDOCS_VERSION pkg=$TFPLUGINDOCS_PKG bin=tfplugindocs ;;
  tflint) module=$TFLINT_MODULE version=$TFLINT_VERSION pkg=$TFLINT_PKG bin=tflint ;;
  trivy) module=$TRIVY_MODULE version=$TRIVY_VERSION pkg=$TRIVY_PKG bin=trivy ldflags=${TRIVY_LDFLAGS:-} goexperiment=${TRIVY_GOEXPERIMENT:-} ;;
  golangci-lint) module=$GOLANGCI_MODULE version=$GOLANGCI_VERSION pkg=$GOLANGCI_PKG bin=golangci-lint ldflags=${GOLANGCI_LDFLAGS:-} ;;
  goreleaser) module=$GORELEASER_MODULE version=$GORELEASER_VERSION pkg=$GORELEASER_PKG bin=goreleaser ldflags=${GORELEASER_LDFLAGS:-} ;;
  *) die "unknown tool '${name}' (want tofu, terraform, aws, kumo, gotestsum, tfplugindocs, tflint, trivy, golangci-lint or goreleaser)" ;;
esac
cachever=$version
patchfiles=()
if [ -n "${patches:-}" ]; then
  patchdir=$here/../$patches
  for p in "$patchdir"/*.patch; do [ -f "$p" ] && patchfiles+=("$p"); done
  [ ${#patchfiles[@]} -gt 0 ] || die "no *.patch files in $patches (${name}'s patch set in tools/versions.env)"
fi
servicelist=
if [ -n "${services:-}" ]; then
  servicelist=$here/../$services
  [ -f "$servicelist" ] || die "no service list $services (${name}'s AWS_SERVICES in tools/versions.env)"
fi
if [ ${#patchfiles[@]} -gt 0 ] || [ -n "$servicelist" ]; then
  sum=$({ for p in "${patchfiles[@]}"; do printf '%s\n' "${p##*/}"; cat "$p"; done
          # Only the service package names key the build (the list's comments do not).
          [ -z "$servicelist" ] || { echo services; sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$servicelist" | awk '{print $1}'; }
        } | sha256sum)
  cachever=$version+refarch.${sum:0:12}
fi
dir=$cache/tools/$name/$cachever
out=$dir/$bin

case "$cmd" in
  path) [ -x "$out" ] && { echo "$out"; exit 0; }; exit 1 ;;
  build) ;;
  *) die "usage: tools/tool.sh path|build tofu|terraform|aws|kumo|gotestsum|tfplugindocs|tflint|trivy|golangci-lint|goreleaser" ;;
esac

if [ -x "$out" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH: install Go 1.26 (https://go.dev/dl) and retry"

mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9                                   # two builds of the same tool wait for each other instead of racing
if [ -x "$out" ]; then echo "$out"; exit 0; fi

start=$(date +%s)
log=$dir/build.log
echo "tools: building $name $cachever (log: $log)" >&2
(
  set -e
  src=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' || true)
  [ -d "$src" ] || { echo "tools: the Go module proxy has no $module@$version: check the version in tools/versions.env" >&2; exit 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/refarch-$name.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  cd "$work"
  for p in "${patchfiles[@]}"; do
    echo "tools: applying ${p##*/}"
    patch -p1 --forward --no-backup-if-mismatch <"$p"
  done
  go mod download
  if [ -n "$servicelist" ]; then
    echo "tools: trimming $name to the service packages in ${servicelist##*/}"
    (cd "$here/.." && go run ./tools/awstrim apply -aws "$work" -services "$servicelist")
  fi
  CGO_ENABLED=0 GOEXPERIMENT=${goexperiment:-} go build -trimpath -ldflags "-s -w ${ldflags:-}" -o "$out.tmp" "$pkg"
  mv "$out.tmp" "$out"
) >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' INT TERM
ticks=0
while kill -0 $pid 2>/dev/null; do
  sleep 1
  ticks=$((ticks + 1))
  if [ $((ticks % 30)) -eq 0 ] && kill -0 $pid 2>/dev/null; then
    echo "tools: still building $name $cachever … $(( $(date +%s) - start ))s" >&2
  fi
done
if ! wait $pid; then
  tail -n 20 "$log" | sed 's/^/  | /' >&2
  die "building $name $cachever failed after $(( $(date +%s) - start ))s; see $log"
fi
echo "tools: built $name $cachever in $(( $(date +%s) - start ))s" >&2
echo "$out"
