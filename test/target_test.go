package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// uniqueName is a resource-name prefix no other run shares: tests run in parallel and on shared AWS accounts.
func uniqueName(prefix string) string {
	return prefix + "-" + strings.ToLower(random.UniqueID())
}

// tofuBinary is the CLI the tests drive: $REFARCH_TOFU (set by the Makefile), else the pinned OpenTofu.
func tofuBinary(t *testing.T) string {
	t.Helper()
	p, err := sandbox.ToolPath("REFARCH_TOFU", "tofu")
	if err != nil {
		t.Skipf("%v; `make test` builds it and runs this test", err)
	}
	return p
}

// sentMail is one e-mail SES sent, as the sandbox's mailbox lists it.
type sentMail struct {
	Source      string   `json:"source"`
	Destination []string `json:"destination"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body"`
	HTMLBody    string   `json:"htmlBody"`
}

func exampleName(opts *terraform.Options) string { return filepath.Base(opts.TerraformDir) }

// stage copies examples/<name> (with the modules) into a temporary directory and returns terraform options for it,
// prepared for the current target (sandbox by default, real AWS with -tags aws).
func stage(t *testing.T, tg target, example string, vars map[string]any) *terraform.Options {
	t.Helper()
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: run these tests with `make test`, which points OpenTofu at the provider mirror")
	}
	dir, err := sandbox.StageExample(example, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := &terraform.Options{
		TerraformDir:    dir,
		TerraformBinary: tofuBinary(t),
		Vars:            vars,
		NoColor:         true,
	}
	tg.prepare(t, opts)
	return opts
}

// stageFixture writes test/fixtures/<name> (a test root calling modules directly) with the modules into a temporary
// directory and returns terraform options for it, prepared for the current target like stage does for examples.
func stageFixture(t *testing.T, tg target, name string, vars map[string]any) *terraform.Options {
	t.Helper()
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: run these tests with `make test`, which points OpenTofu at the provider mirror")
	}
	dir, err := sandbox.StageFixture(name, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := &terraform.Options{
		TerraformDir:    dir,
		TerraformBinary: tofuBinary(t),
		Vars:            vars,
		NoColor:         true,
	}
	tg.prepare(t, opts)
	return opts
}
