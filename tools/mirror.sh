#!/usr/bin/env bash
# tools/mirror.sh — put providers into the project's filesystem mirror and write the CLI config that uses it, so
# `tofu init` (or `terraform init`) finds hashicorp/aws and refarch/refarch offline.
#
#   tools/mirror.sh aws                     link the cached hashicorp/aws build into the mirror
#   tools/mirror.sh refarch BINARY VERSION  copy a refarch provider build into the mirror as VERSION
#   tools/mirror.sh cliconfig               print the CLI config file's path (writing it if needed)
#
# Both registry host names are mirrored, so `hashicorp/aws` resolves for OpenTofu and for Terraform alike.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${REFARCH_CACHE:-$HOME/.cache/refarch}
mirror=$cache/mirror
platform=$(go env GOOS)_$(go env GOARCH)
hosts="registry.opentofu.org registry.terraform.io"

die() { echo "mirror: $*" >&2; exit 2; }

cliconfig() {
  local f=$cache/tofurc tmp
  mkdir -p "$cache"
  tmp=$(mktemp "$f.XXXXXX") # concurrent `make env` runs each write their own, then rename atomically
  cat >"$tmp" <<CFG
# Written by tools/mirror.sh: providers come from the refarch filesystem mirror, never from the network.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws", "registry.opentofu.org/refarch/refarch", "registry.terraform.io/refarch/refarch"]
  }
  direct {
    exclude = ["registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws", "registry.opentofu.org/refarch/refarch", "registry.terraform.io/refarch/refarch"]
  }
}
CFG
  chmod 644 "$tmp"
  mv "$tmp" "$f"
  echo "$f"
}

place() { # place NAMESPACE TYPE VERSION SOURCE MODE(link|copy)
  local ns=$1 type=$2 version=$3 src=$4 mode=$5 host dir
  for host in $hosts; do
    dir=$mirror/$host/$ns/$type/$version/$platform
    mkdir -p "$dir"
    rm -f "$dir/terraform-provider-${type}_v$version"
    if [ "$mode" = link ]; then
      ln -s "$src" "$dir/terraform-provider-${type}_v$version"
    else
      cp "$src" "$dir/terraform-provider-${type}_v$version.tmp"
      mv "$dir/terraform-provider-${type}_v$version.tmp" "$dir/terraform-provider-${type}_v$version"
    fi
  done
}

case "${1:-}" in
  aws)
    bin=$("$here/tool.sh" path aws) || die "hashicorp/aws $AWS_VERSION is not built yet: run 'make tools'"
    place hashicorp aws "$AWS_MIRROR_VERSION" "$bin" link
    cliconfig >/dev/null ;;
  refarch)
    [ -x "${2:-}" ] || die "usage: tools/mirror.sh refarch BINARY VERSION (no executable at '${2:-}')"
    [ -n "${3:-}" ] || die "usage: tools/mirror.sh refarch BINARY VERSION"
    place refarch refarch "$3" "$2" copy
    cliconfig >/dev/null ;;
  cliconfig) cliconfig ;;
  *) die "usage: tools/mirror.sh aws | refarch BINARY VERSION | cliconfig" ;;
esac
