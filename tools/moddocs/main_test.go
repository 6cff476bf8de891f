package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fixture = map[string]string{
	"versions.tf": `terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
`,
	"variables.tf": `variable "name" {
  description = "Name of the bucket_prefix."
  type        = string
}

variable "retention_days" {
  description = "Days to keep objects; see https://<docs>/retention."
  type        = number
  default     = 30
}

variable "settings" {
  description = "Settings:\n` + "`versioning`" + ` and ` + "`logging`" + `."
  type = object({
    versioning = optional(bool, true)
    logging    = optional(object({ prefix = optional(string, "logs/") }), {})
  })
  default = {}
}

variable "allowed" {
  type    = list(string)
  default = ["a|b", "c"]
}

variable "kms_key_arn" {
  description = "KMS key, null for the AWS-managed one."
  type        = string
  default     = null
}
`,
	"main.tf": `data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "this" {
  bucket = "${var.name}-${data.aws_caller_identity.current.account_id}"
}

module "child" {
  source = "./child"
  name   = var.name
}
`,
	"outputs.tf": `output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "undocumented" {
  value = module.child.id
}
`,
	// Never committed, so never documented.
	"local_override.tf": `variable "secret_local_only" {}
`,
}

const wantBlock = `## Requirements

| Name | Version |
|------|---------|
| <a name="requirement_terraform"></a> [terraform](#requirement\_terraform) | >= 1.6.0 |
| <a name="requirement_aws"></a> [aws](#requirement\_aws) | >= 6.0 |

## Providers

| Name | Version |
|------|---------|
| <a name="provider_aws"></a> [aws](#provider\_aws) | >= 6.0 |

## Modules

| Name | Source | Version |
|------|--------|---------|
| <a name="module_child"></a> [child](#module\_child) | ./child | n/a |

## Resources

| Name | Type |
|------|------|
| [aws_s3_bucket.this](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket) | resource |
| [aws_caller_identity.current](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/caller_identity) | data source |

## Inputs

| Name | Description | Type | Default | Required |
|------|-------------|------|---------|:--------:|
| <a name="input_allowed"></a> [allowed](#input\_allowed) | n/a | ` + "`list(string)`" + ` | ` + "`[\"a\\|b\",\"c\"]`" + ` | no |
| <a name="input_kms_key_arn"></a> [kms\_key\_arn](#input\_kms\_key\_arn) | KMS key, null for the AWS-managed one. | ` + "`string`" + ` | ` + "`null`" + ` | no |
| <a name="input_name"></a> [name](#input\_name) | Name of the bucket\_prefix. | ` + "`string`" + ` | n/a | yes |
| <a name="input_retention_days"></a> [retention\_days](#input\_retention\_days) | Days to keep objects; see https://&lt;docs>/retention. | ` + "`number`" + ` | ` + "`30`" + ` | no |
| <a name="input_settings"></a> [settings](#input\_settings) | Settings:<br/>` + "`versioning`" + ` and ` + "`logging`" + `. | <pre>object({<br/>    versioning = optional(bool, true)<br/>    logging    = optional(object({ prefix = optional(string, "logs/") }), {})<br/>  })</pre> | ` + "`{}`" + ` | no |

## Outputs

| Name | Description |
|------|-------------|
| <a name="output_bucket_arn"></a> [bucket\_arn](#output\_bucket\_arn) | ARN of the bucket. |
| <a name="output_undocumented"></a> [undocumented](#output\_undocumented) | n/a |
`

// module writes the fixture module into a new directory and returns it.
func module(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bucket")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range fixture {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readme(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, readmeName))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeReadme(t *testing.T, dir, s string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, readmeName), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// moddocs runs the command and returns its exit status and output.
func moddocs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGenerateTables(t *testing.T) {
	got, err := generate(module(t))
	if err != nil {
		t.Fatal(err)
	}
	if got != wantBlock {
		t.Errorf("generated block differs.\n--- got\n%s\n--- want\n%s", got, wantBlock)
		gl, wl := strings.Split(got, "\n"), strings.Split(wantBlock, "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("first difference, line %d:\n got: %s\nwant: %s", i+1, gl[i], wl[i])
			}
		}
	}
}

func TestEmptySections(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("locals {\n  a = 1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "## Requirements\n\nNo requirements.\n\n## Providers\n\nNo providers.\n\n## Modules\n\nNo modules.\n\n" +
		"## Resources\n\nNo resources.\n\n## Inputs\n\nNo inputs.\n\n## Outputs\n\nNo outputs.\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCreatesMissingReadmeAndIsIdempotent(t *testing.T) {
	dir := module(t)
	if code, _, stderr := moddocs(t, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := readme(t, dir)
	want := "# bucket\n\n" + beginMarker + "\n" + wantBlock + endMarker + "\n"
	if first != want {
		t.Fatalf("new README:\n%s\nwant:\n%s", first, want)
	}

	code, stdout, stderr := moddocs(t, dir)
	if code != 0 || stdout != "" {
		t.Fatalf("second run: exit %d, stdout %q, stderr %q; want 0 and no update", code, stdout, stderr)
	}
	if second := readme(t, dir); second != first {
		t.Fatalf("second run changed the README:\n%s", second)
	}
}

func TestKeepsHandWrittenTextAroundMarkers(t *testing.T) {
	dir := module(t)
	above := "# Bucket\n\nHand-written intro with `code`.\n\n## Usage\n\n```hcl\nmodule \"b\" {}\n```\n\n"
	below := "\n\n## Notes\n\nHand-written text after the reference.\n"
	writeReadme(t, dir, above+beginMarker+"\nstale tables\n"+endMarker+below)

	if code, _, stderr := moddocs(t, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := above + beginMarker + "\n" + wantBlock + endMarker + below
	if got := readme(t, dir); got != want {
		t.Fatalf("README:\n%s\nwant:\n%s", got, want)
	}
	if code, stdout, _ := moddocs(t, dir); code != 0 || stdout != "" {
		t.Fatalf("second run: exit %d, stdout %q", code, stdout)
	}
}

func TestAppendsMarkersWhenAbsent(t *testing.T) {
	for _, tc := range []struct{ name, before, sep string }{
		{"trailing newline", "# Bucket\n\nIntro.\n", "\n"},
		{"no trailing newline", "# Bucket\n\nIntro.", "\n\n"},
		{"blank line already", "# Bucket\n\nIntro.\n\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := module(t)
			writeReadme(t, dir, tc.before)
			if code, _, stderr := moddocs(t, dir); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := tc.before + tc.sep + beginMarker + "\n" + wantBlock + endMarker + "\n"
			if got := readme(t, dir); got != want {
				t.Fatalf("README:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

func TestRejectsUnbalancedMarkers(t *testing.T) {
	for _, body := range []string{
		"# x\n\n" + beginMarker + "\nno end\n",
		"# x\n\n" + endMarker + "\n",
	} {
		dir := module(t)
		writeReadme(t, dir, body)
		if code, _, stderr := moddocs(t, dir); code != 1 || !strings.Contains(stderr, "without") {
			t.Errorf("README %q: exit %d, stderr %q; want 1 and an error", body, code, stderr)
		}
		if got := readme(t, dir); got != body {
			t.Errorf("README was rewritten despite the error: %q", got)
		}
	}
}

func TestCheck(t *testing.T) {
	fresh, stale, missing := module(t), module(t), module(t)
	if code, _, stderr := moddocs(t, fresh); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	writeReadme(t, stale, "# Bucket\n\n"+beginMarker+"\nold\n"+endMarker+"\n")
	staleBefore := readme(t, stale)

	code, stdout, stderr := moddocs(t, "-check", fresh, stale, missing)
	if code != 1 {
		t.Fatalf("-check exit %d, want 1 (stderr %q)", code, stderr)
	}
	want := filepath.Join(stale, readmeName) + "\n" + filepath.Join(missing, readmeName) + "\n"
	if stdout != want {
		t.Errorf("-check listed %q, want %q", stdout, want)
	}
	if !strings.Contains(stderr, "out of date") {
		t.Errorf("-check stderr %q gives no hint", stderr)
	}
	if readme(t, stale) != staleBefore {
		t.Error("-check rewrote a README")
	}
	if _, err := os.Stat(filepath.Join(missing, readmeName)); !os.IsNotExist(err) {
		t.Errorf("-check created a README (stat: %v)", err)
	}

	if code, stdout, stderr := moddocs(t, "-check", fresh); code != 0 || stdout != "" {
		t.Errorf("-check on an up-to-date README: exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
}

func TestErrors(t *testing.T) {
	if code, _, _ := moddocs(t); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if code, _, stderr := moddocs(t, t.TempDir()); code != 1 || !strings.Contains(stderr, "no Terraform configuration") {
		t.Errorf("empty directory: exit %d, stderr %q", code, stderr)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "main.tf"), []byte("variable \"x\" {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := moddocs(t, bad); code != 1 {
		t.Errorf("unparsable module: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(bad, readmeName)); !os.IsNotExist(err) {
		t.Errorf("a README was written for an unparsable module (stat: %v)", err)
	}
}
