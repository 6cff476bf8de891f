package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/pkg/refarch"
)

// journey is one architecture's demo: the user's steps.
type journey struct {
	walk func(ctx context.Context, d deployment, step stepper) error
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
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		return fmt.Errorf("TF_CLI_CONFIG_FILE is not set: run `make demo`, which builds the tools and the provider mirror")
	}
	vars := map[string]string{"name": fmt.Sprintf("%s-demo-%d", arch, time.Now().Unix()%100000)}
	if slices.Contains(refarch.VariableNames(arch), "bucket_force_destroy") {
		vars["bucket_force_destroy"] = "true" // the demo's data goes with it
	}
	cfg, err := refarch.New(arch, vars)
	if err != nil {
		return err
	}
	r := newReporter(false)
	r.step("starting the local AWS sandbox (kumo)")
	// The logs stay after the demo (a temporary directory would go with the sandbox); each demo starts afresh.
	logDir := filepath.Join(cacheDir(), "demo", arch, "logs")
	if err := os.RemoveAll(logDir); err != nil {
		return err
	}
	sb, err := refarch.StartSandbox(ctx, refarch.SandboxOptions{LogDir: logDir})
	if err != nil {
		return err
	}
	defer sb.Stop()
	r.step("sandbox at %s (logs in %s)", sb.Endpoint(), sb.LogDir())

	work, err := os.MkdirTemp("", "refarch-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	stack := &refarch.Stack{Architecture: cfg, Target: sb, Dir: work}

	// Every step has a deadline: a stuck apply ends with an error instead of hanging the demo.
	deployCtx, cancelDeploy := context.WithTimeout(ctx, 15*time.Minute)
	defer cancelDeploy()
	defer func() {
		// Tear down even when the journey failed, with a fresh context so Ctrl-C still cleans up.
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if derr := r.long("tofu destroy", func() error { return stack.Destroy(dctx) }); derr != nil && err == nil {
			err = derr
		}
	}()
	if err := r.long("tofu apply examples/"+arch, func() error { return stack.Apply(deployCtx) }); err != nil {
		return err
	}
	fns, err := sb.RunFunctions(ctx, stack)
	if err != nil {
		return err
	}
	for _, fn := range fns {
		r.step("function %s running natively against the sandbox", fn)
	}
	outputs := map[string]any{}
	if err := stack.Outputs(ctx, &outputs); err != nil {
		return err
	}
	out := func(k string) string { s, _ := outputs[k].(string); return s }

	api := restapi.ForSandbox(sb.Endpoint(), sb.Region(), out("rest_api_id"), out("stage_name"))
	if out("rest_api_id") != "" {
		r.step("API %s (Host: %s)", api.BaseURL, api.Host)
	}
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
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(sb.Region()), config.WithBaseEndpoint(sb.Endpoint()),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		return err
	}
	if err := j.walk(ctx, deployment{api: api, output: out, aws: awsCfg}, step); err != nil {
		return err
	}
	if err := sb.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d step(s) of the journey failed", failed)
	}
	r.step("journey complete")

	if keep {
		r.step("keeping the sandbox running at %s (Host: %s; requests need a Cognito ID token in Authorization); Ctrl-C tears it down", api.BaseURL, api.Host)
		<-ctx.Done()
	}
	return nil
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}
