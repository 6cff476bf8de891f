#!/usr/bin/env bash
# tools/docs.sh TOFU TFPLUGINDOCS — regenerate docs/ offline from the built provider's schema.
# tfplugindocs would otherwise download Terraform; instead we hand it the schema that `tofu providers schema` prints.
set -euo pipefail
tofu=$1 tfplugindocs=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/main.tf" <<'HCL'
terraform {
  required_providers {
    refarch = { source = "refarch/refarch" }
  }
}
HCL
cat >"$work/tofurc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/refarch/refarch" = "$root/bin"
    "registry.terraform.io/refarch/refarch" = "$root/bin"
  }
  direct {}
}
CFG
(cd "$work" && TF_CLI_CONFIG_FILE="$work/tofurc" "$tofu" providers schema -json 2>/dev/null) >"$work/schema.raw.json"
# tfplugindocs looks the provider up by its short name.
python3 - "$work/schema.raw.json" "$work/schema.json" <<'PY'
import json, sys
raw = json.load(open(sys.argv[1]))
ps = raw["provider_schemas"]
key = next(k for k in ps if k.endswith("/refarch/refarch"))
raw["provider_schemas"] = {"refarch": ps[key]}
json.dump(raw, open(sys.argv[2], "w"))
PY
cd "$root"
"$tfplugindocs" generate --provider-name refarch --providers-schema "$work/schema.json" >/dev/null
echo "docs: regenerated docs/"
