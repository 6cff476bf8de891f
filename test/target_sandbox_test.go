//go:build !aws

package test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// target is where a test deploys: here the local sandbox (kumo), one per test so tests run in parallel.
type target struct {
	sb *sandbox.Sandbox
}

func newTarget(t *testing.T) target {
	return target{sb: sandboxtest.Start(t)}
}

func (tg target) prepare(t *testing.T, opts *terraform.Options) {
	t.Helper()
	if err := tg.sb.WriteOverride(opts.TerraformDir); err != nil {
		t.Fatal(err)
	}
	if opts.Vars == nil {
		opts.Vars = map[string]any{}
	}
	for k, v := range sandbox.LocalProfile(exampleName(opts)) {
		opts.Vars[k] = v
	}
}

// startFunction runs a deployed function's bootstrap (built for this machine) against the sandbox.
func (tg target) startFunction(t *testing.T, name, handler string) {
	t.Helper()
	ctx := context.Background()
	bin, err := sandbox.BuildBootstrap(ctx, handler, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.sb.StartFunction(ctx, name, bin); err != nil {
		t.Fatal(err)
	}
}

func (tg target) api(t *testing.T, opts *terraform.Options) *restapi.Client {
	t.Helper()
	return restapi.ForSandbox(tg.sb.Endpoint, tg.sb.Region, terraform.Output(t, opts, "rest_api_id"), terraform.Output(t, opts, "stage_name"))
}

func (tg target) awsConfig(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := tg.sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (tg target) alive(t *testing.T) { sandboxtest.Alive(t, tg.sb) }

// sandbox is true here: Cognito sign-ups are confirmed with kumo's fixed code.
func (tg target) sandbox() bool { return true }

// destroy tears the deployment down; resources kumo cannot delete on their own are forgotten first (their parents'
// deletion takes them along).
func (tg target) destroy(t *testing.T, opts *terraform.Options) {
	t.Helper()
	list, err := terraform.RunTerraformCommandE(t, opts, "state", "list")
	if err == nil {
		if addrs := sandbox.Undeletable(list); len(addrs) > 0 {
			terraform.RunTerraformCommand(t, opts, append([]string{"state", "rm"}, addrs...)...)
		}
	}
	terraform.Destroy(t, opts)
}
