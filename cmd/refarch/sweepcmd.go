package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// connectAWS makes the sweep's clients from the usual credential chain, with the sweep's retryer.
func connectAWS(ctx context.Context) (sweep.ClientsFor, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(sweep.NewRetryer))
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, …): %w", err)
	}
	return sweep.NewClients(cfg), nil
}

// regionList is a repeatable, comma-separated --region.
type regionList []string

func (l *regionList) String() string { return strings.Join(*l, ",") }

func (l *regionList) Set(v string) error {
	for _, r := range strings.Split(v, ",") {
		if r = strings.TrimSpace(r); r != "" {
			*l = append(*l, r)
		}
	}
	return nil
}

// sweepCmd is `refarch sweep`: it deletes what real-AWS test runs left behind, found by their refarch:test-run tag
// (internal/sweep), and fails (exit 1) when anything could not be deleted. A dry run unless --dry-run=false.
func sweepCmd(ctx context.Context, args []string, connect func(context.Context) (sweep.ClientsFor, error)) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		regions   regionList
		o         sweep.Options
		jsonOut   bool
		olderThan = fs.Duration("older-than", time.Hour, "")
	)
	fs.Var(&regions, "region", "")
	fs.StringVar(&o.Run, "run", "", "")
	fs.BoolVar(&o.DryRun, "dry-run", true, "")
	fs.IntVar(&o.Parallel, "parallel", 4, "")
	fs.BoolVar(&jsonOut, "json", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{"sweep: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("sweep: unexpected argument %q", fs.Arg(0))}
	}
	if *olderThan < 0 {
		return usageError{"sweep: --older-than must not be negative"}
	}
	o.OlderThan = *olderThan
	if len(regions) == 0 {
		for _, env := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
			if v := os.Getenv(env); v != "" {
				regions = append(regions, v)
				break
			}
		}
	}
	if len(regions) == 0 {
		return usageError{"sweep: name the regions with --region (or set AWS_REGION)"}
	}
	o.Regions = regions

	r := newReporter(jsonOut)
	run := o.Run
	if run == "" {
		run = "any run"
	}
	mode := "deleting"
	if o.DryRun {
		mode = "dry run: listing only (--dry-run=false deletes)"
	}
	r.step("sweep %s=%s in %s (+ global CloudFront and IAM), runs older than %s — %s", sweep.TagKey, run, strings.Join(o.Regions, ", "), o.OlderThan, mode)
	clients, err := connect(ctx)
	if err != nil {
		return err
	}
	o.Progress = func(res sweep.Result) { printSweepResult(r, res) }
	rep := sweep.Sweep(ctx, clients, o)
	summary := fmt.Sprintf("%d deleted, %d would be deleted, %d skipped, %d failed, %d unsupported",
		rep.Count(sweep.Deleted), rep.Count(sweep.WouldDelete), rep.Count(sweep.Skipped), rep.Count(sweep.Failed), rep.Count(sweep.Unsupported))
	if jsonOut {
		r.emit(map[string]any{"event": "summary", "deleted": rep.Count(sweep.Deleted), "would_delete": rep.Count(sweep.WouldDelete),
			"skipped": rep.Count(sweep.Skipped), "failed": rep.Count(sweep.Failed), "unsupported": rep.Count(sweep.Unsupported)})
	} else {
		r.step("%s", summary)
	}
	if err := rep.Err(); err != nil {
		if ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		return fmt.Errorf("%w; see the lines above (a deletion that waited on another one's may pass when run again)", err)
	}
	return nil
}

func printSweepResult(r *reporter, res sweep.Result) {
	if r.json {
		out := map[string]any{"event": "sweep", "outcome": string(res.Outcome), "detail": res.Detail}
		if res.Resource.ARN != "" {
			out["arn"], out["kind"], out["id"], out["region"], out["run"] = res.Resource.ARN, res.Resource.Kind, res.Resource.ID, res.Resource.Region, res.Resource.Run
		}
		if res.Err != nil {
			out["error"] = res.Err.Error()
		}
		r.emit(out)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Println("  " + res.String())
}
