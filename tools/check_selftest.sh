#!/usr/bin/env bash
# tools/check_selftest.sh — proves that the quality gates (tools/check.sh, `make check`, run by `make test`) catch
# what they are for. It copies a module (default modules/user-storage: self-contained, has an S3 bucket and IAM) to a
# temporary directory and runs the Terraform gates (fmt, tflint, trivy) on:
#
#   0. the unchanged copy                         → every gate must PASS (the control)
#   a. + a public bucket (ACL public-read, public access block off)   → the trivy gate must FAIL
#   b. + an IAM policy with Action "*"                                 → the trivy gate must FAIL
#   b2. + a role's second inline policy with Action "dynamodb:*"       → the trivy gate must FAIL
#   c. + an unformatted .tf file                                       → the fmt gate must FAIL
#
# and fails unless each case came out as expected. Usage: tools/check_selftest.sh [modules/NAME]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
src=${1:-modules/user-storage}
[ -f "$src/main.tf" ] || { echo "selftest: $src has no main.tf" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/refarch-check-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok=0 bad=0
# run CASE EXPECT GATE [FILE CONTENT]: a fresh copy of the module plus FILE, then `check.sh GATE`; EXPECT is pass|fail.
run() {
  local name=$1 expect=$2 gate=$3 file=${4:-} dir out rc
  dir=$tmp/$name/$(basename "$src")
  mkdir -p "$tmp/$name"
  cp -r "$src" "$dir"
  rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  [ -z "$file" ] || printf '%s\n' "$5" >"$dir/$file"
  # (REFARCH_TIMINGS empty: these runs are not rows of `make test`'s timing table.)
  out=$(CHECK_TF_ROOTS="$tmp/$name" CHECK_GO=0 REFARCH_TIMINGS='' "$root/tools/check.sh" $gate 2>&1); rc=$?
  if { [ "$expect" = pass ] && [ $rc = 0 ]; } || { [ "$expect" = fail ] && [ $rc != 0 ]; }; then
    ok=$((ok + 1)); echo "selftest: $name: $gate $( [ $rc = 0 ] && echo PASSED || echo FAILED ), as expected"
    echo "$out" | grep -E "^check: [a-z]+ (PASS|FAIL)|(AWS|REFARCH)-[0-9]{4}|^  tofu fmt: .*\.tf$" | head -n 10 | sed 's/^/    /'
  else
    bad=$((bad + 1)); echo "selftest: $name: $gate exited $rc, expected it to $expect:"
    echo "$out" | tail -n 30 | sed 's/^/    /'
  fi
}

run control pass "fmt tflint trivy"

run public-bucket fail trivy selftest_public.tf '
resource "aws_s3_bucket" "selftest_public" {
  bucket_prefix = "selftest-public-"
}

resource "aws_s3_bucket_public_access_block" "selftest_public" {
  bucket                  = aws_s3_bucket.selftest_public.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_acl" "selftest_public" {
  bucket = aws_s3_bucket.selftest_public.id
  acl    = "public-read"
}'

run wildcard-iam fail trivy selftest_iam.tf '
resource "aws_iam_policy" "selftest_wildcard" {
  name_prefix = "selftest-wildcard-"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "arn:aws:s3:::selftest-bucket/*"
    }]
  })
}'

run wildcard-iam-inline fail trivy selftest_iam_inline.tf '
resource "aws_iam_role" "selftest" {
  name_prefix        = "selftest-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "selftest_first" {
  role   = aws_iam_role.selftest.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "arn:aws:logs:us-east-1:123456789012:log-group:x:*" }] })
}

resource "aws_iam_role_policy" "selftest_wildcard" {
  role   = aws_iam_role.selftest.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["dynamodb:*"], Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/t" }] })
}'

run unformatted fail fmt selftest_unformatted.tf '
locals {
    selftest_unformatted = { a = 1,  bb = 2 }
}'

# hygiene: in a scratch repository holding the gate scripts, a clean tree passes, a tracked ELF binary or a tracked
# 2 MB file fails.
hygiene() {
  local name=$1 expect=$2 repo rc
  repo=$(mktemp -d "${TMPDIR:-/tmp}/refarch-hygiene.XXXXXX")
  mkdir -p "$repo/tools" && cp "$root/tools/check.sh" "$root/tools/timings.sh" "$repo/tools/"
  git -C "$repo" init -q
  case "$name" in
    binary) cp "$(type -P true)" "$repo/tools/built" ;;
    large) head -c 2097152 /dev/zero >"$repo/blob.dat" ;;
  esac
  git -C "$repo" add -A
  rc=0; REFARCH_TIMINGS='' "$repo/tools/check.sh" hygiene >/dev/null 2>&1 || rc=$?
  rm -rf "$repo"
  if { [ "$expect" = pass ] && [ $rc = 0 ]; } || { [ "$expect" = fail ] && [ $rc != 0 ]; }; then
    ok=$((ok + 1)); echo "selftest: hygiene $name: $( [ $rc = 0 ] && echo PASSED || echo FAILED ), as expected"
  else
    bad=$((bad + 1)); echo "selftest: hygiene $name: exited $rc, expected it to $expect"
  fi
}
hygiene clean pass
hygiene binary fail
hygiene large fail

echo "selftest: $ok passed, $bad failed"
[ $bad = 0 ]
