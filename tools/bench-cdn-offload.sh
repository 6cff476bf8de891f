#!/usr/bin/env bash
# Origin offload of the Software updates architecture (175): N clients downloading versioned update files, straight
# from the origin vs through CloudFront (the local sandbox's edge, kumo), counted at the origin. Prints a Markdown
# table "clients, files, origin fetches without CDN, origin fetches with CDN, offload".
#
#   tools/bench-cdn-offload.sh                                  # 10,100,1000 clients, 5 files of 256 KiB, 16 downloads in flight
#   tools/bench-cdn-offload.sh -clients 50,500 -files 3 -concurrency 32
#
# Needs the pinned toolchain (`make tools build` once): OpenTofu, kumo and the provider mirror. Takes about a minute
# (most of it the CloudFront distribution's apply and destroy).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(make -s env)"
exec go run ./tools/bench-cdn-offload "$@"
