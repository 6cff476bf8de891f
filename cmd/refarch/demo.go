package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// journey is one architecture's demo: the functions to run and the user's steps.
type journey struct {
	functions map[string]string // terraform output holding a function name → lambda-src handler
	walk      func(ctx context.Context, d deployment, step stepper) error
}

// deployment is what a journey gets: the API as a client app sees it, the stack's outputs and SDK settings.
type deployment struct {
	api    *restapi.Client
	output func(name string) string
	aws    aws.Config
}

// stepper prints one step of the journey with its HTTP status.
type stepper func(what string, resp restapi.Response, err error) error

func demo(ctx context.Context, arch string, j journey, keep bool) (err error) {
	tofu, err := sandbox.ToolPath("REFARCH_TOFU", "tofu")
	if err != nil {
		return err
	}
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		return fmt.Errorf("TF_CLI_CONFIG_FILE is not set: run `make demo`, which builds the tools and the provider mirror")
	}

	say("starting the local AWS sandbox (kumo)")
	sb, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		return err
	}
	defer sb.Stop()
	say("sandbox at %s (logs in %s)", sb.Endpoint, sb.LogDir)

	work, err := os.MkdirTemp("", "refarch-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	dir, err := sandbox.StageExample(arch, work)
	if err != nil {
		return err
	}
	if err := sb.WriteOverride(dir); err != nil {
		return err
	}
	tf, err := tfexec.NewTerraform(dir, tofu)
	if err != nil {
		return err
	}
	tf.SetStdout(nil)
	// The sandbox profile and a unique name go in a JSON var file: values of any type, no shell quoting.
	name := fmt.Sprintf("demo-%d", time.Now().Unix()%100000)
	tfvars := sandbox.LocalProfile(arch)
	tfvars["name"] = arch + "-" + name
	varFile := filepath.Join(dir, "refarch_sandbox.tfvars.json")
	buf, err := json.Marshal(tfvars)
	if err != nil {
		return err
	}
	if err := os.WriteFile(varFile, buf, 0o644); err != nil {
		return err
	}
	vars := []tfexec.ApplyOption{tfexec.VarFile(varFile)}
	destroyVars := []tfexec.DestroyOption{tfexec.VarFile(varFile)}

	// Every step has a deadline: a stuck apply ends with an error instead of hanging the demo.
	deployCtx, cancelDeploy := context.WithTimeout(ctx, 15*time.Minute)
	defer cancelDeploy()

	say("tofu init")
	if err := tf.Init(deployCtx, tfexec.Upgrade(false)); err != nil {
		return fmt.Errorf("tofu init: %w", err)
	}
	say("tofu apply examples/%s", arch)
	defer func() {
		// Tear down even when the journey failed, with a fresh context so Ctrl-C still cleans up.
		say("tofu destroy")
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if state, serr := tf.Show(dctx); serr == nil && state.Values != nil {
			for _, addr := range sandbox.Undeletable(stateAddresses(state.Values.RootModule)) {
				_ = tf.StateRm(dctx, addr)
			}
		}
		if derr := tf.Destroy(dctx, destroyVars...); derr != nil && err == nil {
			err = fmt.Errorf("tofu destroy: %w", derr)
		}
	}()
	start := time.Now()
	if err := tf.Apply(deployCtx, vars...); err != nil {
		return fmt.Errorf("tofu apply: %w", err)
	}
	outputs, err := tf.Output(deployCtx)
	if err != nil {
		return err
	}
	out := func(k string) string { return strings.Trim(string(outputs[k].Value), `"`) }
	say("applied in %s", time.Since(start).Round(time.Second))

	for output, handler := range j.functions {
		bin, err := sandbox.BuildBootstrap(ctx, handler, work)
		if err != nil {
			return err
		}
		if err := sb.StartFunction(ctx, out(output), bin); err != nil {
			return err
		}
		say("function %s running (lambda-src/%s)", out(output), handler)
	}

	api := restapi.ForSandbox(sb.Endpoint, sb.Region, out("rest_api_id"), out("stage_name"))
	say("API %s (Host: %s)", api.BaseURL, api.Host)
	failed := 0
	step := func(what string, resp restapi.Response, err error) error {
		if err != nil {
			failed++
			fmt.Printf("  ✗ %-40s error: %v\n", what, err)
			return err
		}
		mark := "✓"
		if resp.Status >= 500 {
			mark, failed = "✗", failed+1
		}
		fmt.Printf("  %s %-40s HTTP %d  %s\n", mark, what, resp.Status, oneLine(resp.Body))
		return nil
	}
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		return err
	}
	if err := j.walk(ctx, deployment{api: api, output: out, aws: cfg}, step); err != nil {
		return err
	}
	if err := sb.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d step(s) of the journey failed", failed)
	}
	say("journey complete")

	if keep {
		say("keeping the sandbox running at %s (Host: %s; requests need a Cognito ID token in Authorization); Ctrl-C tears it down", api.BaseURL, api.Host)
		<-ctx.Done()
	}
	return nil
}

func say(format string, args ...any) {
	fmt.Printf("==> "+format+"\n", args...)
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}

// stateAddresses lists every resource address in a state module tree, one per line.
func stateAddresses(m *tfjson.StateModule) string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	for _, r := range m.Resources {
		b.WriteString(r.Address + "\n")
	}
	for _, c := range m.ChildModules {
		b.WriteString(stateAddresses(c))
	}
	return b.String()
}
