package test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	hclstage "github.com/refarch/terraform-provider-refarch/internal/stage"
	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// uniqueName is a resource-name prefix no other run shares: tests run in parallel and on shared AWS accounts.
func uniqueName(prefix string) string {
	return prefix + "-" + strings.ToLower(random.UniqueID())
}

// testRun names this `go test` process's run: $REFARCH_TEST_RUN, else a new id that starts with the time
// (sweep.NewRun). On real AWS every resource the tests create carries it as the refarch:test-run tag (runTags), so
// that `make sweep-aws` can find what a failed or interrupted run left behind.
var testRun = sync.OnceValue(func() string {
	if run := os.Getenv(sweep.RunEnv); run != "" {
		return run
	}
	return sweep.NewRun(time.Now())
})

// runTags are the tags of this run: the real-AWS target passes them as every staged root's default_tags (the AWS
// and refarch providers' default_tags; TestRootsApplyDefaultTags checks that every root applies them) and puts them
// on what the tests create with the SDK.
func runTags() map[string]string { return map[string]string{sweep.TagKey: testRun()} }

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
	dir, err := hclstage.Example(example, t.TempDir())
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
