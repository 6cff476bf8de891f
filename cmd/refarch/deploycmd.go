package main

import (
	"context"
	"fmt"
	"os"

	"github.com/refarch/terraform-provider-refarch/pkg/refarch"
)

// deploy runs plan, apply or destroy of an architecture on real AWS, with the state in --dir.
func deploy(ctx context.Context, op string, f flags) error {
	if f.dir == "" {
		return usageError{op + " needs --dir, the working directory that keeps the HCL and the state"}
	}
	r := newReporter(f.json)
	arch, err := refarch.New(f.arch, f.vars)
	if err != nil {
		return err
	}
	if err := arch.Validate(); err != nil {
		return err
	}
	stack := &refarch.Stack{Architecture: arch, Target: refarch.AWS{Region: f.region}, Dir: f.dir}
	if !f.json {
		stack.Stdout, stack.Stderr = os.Stdout, os.Stderr
	}
	switch op {
	case "plan":
		var changes bool
		if err := r.long("plan "+f.arch, func() (err error) { changes, err = stack.Plan(ctx); return err }); err != nil {
			return err
		}
		r.result(f.arch, map[string]any{"changes": changes, "dir": stack.RootDir()})
		if changes {
			return errChanges
		}
		return nil
	case "apply":
		if err := r.long("apply "+f.arch, func() error { return stack.Apply(ctx) }); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("apply interrupted; what was created is in the state in %s — run apply again to finish or destroy to remove it: %w", stack.RootDir(), err)
			}
			return fmt.Errorf("%w (resources created before the failure are in the state in %s)", err, stack.RootDir())
		}
		out := map[string]any{}
		if err := stack.Outputs(ctx, &out); err != nil {
			return err
		}
		out["dir"] = stack.RootDir()
		r.result(f.arch, out)
		return nil
	default:
		if err := r.long("destroy "+f.arch, func() error { return stack.Destroy(ctx) }); err != nil {
			return fmt.Errorf("%w (what is left is in the state in %s)", err, stack.RootDir())
		}
		r.result(f.arch, map[string]any{"destroyed": true})
		return nil
	}
}
