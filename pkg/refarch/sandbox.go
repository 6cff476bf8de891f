package refarch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// Sandbox is the local AWS (kumo) this process runs: no account, no Docker. Stacks deployed to it get an override
// file pointing both providers at it and the variables that switch off what it lacks (never weaker real-AWS
// defaults); their Lambda handlers run natively (RunFunctions).
type Sandbox struct {
	sb *sandbox.Sandbox
}

// SandboxOptions tune StartSandbox; the zero value picks a free loopback port and the pinned kumo build.
type SandboxOptions struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// KumoPath is the kumo binary; default $REFARCH_KUMO, else the pinned build in the tool cache.
	KumoPath string
	// LogDir receives kumo's and the functions' logs; default a new temporary directory, removed when the sandbox
	// stops (give one to keep the logs).
	LogDir string
}

// StartSandbox starts kumo and waits until it answers. Stop it with Stop.
func StartSandbox(ctx context.Context, opts SandboxOptions) (*Sandbox, error) {
	sb, err := sandbox.Start(ctx, sandbox.Options{Port: opts.Port, KumoPath: opts.KumoPath, LogDir: opts.LogDir})
	if err != nil {
		return nil, err
	}
	return &Sandbox{sb: sb}, nil
}

// Endpoint is the sandbox's base URL (every AWS API, the CloudFront edge at /kumo/cdn/<id>/, SES's mailbox).
func (s *Sandbox) Endpoint() string { return s.sb.Endpoint }

// Region is the sandbox's region.
func (s *Sandbox) Region() string { return s.sb.Region }

// LogDir holds kumo.log and one log per function.
func (s *Sandbox) LogDir() string { return s.sb.LogDir }

// Stop ends the functions and kumo.
func (s *Sandbox) Stop() { s.sb.Stop() }

// Err is non-nil once kumo has died on its own.
func (s *Sandbox) Err() error { return s.sb.Err() }

// Exited is closed once kumo has exited, on its own or through Stop; Err then says which.
func (s *Sandbox) Exited() <-chan struct{} { return s.sb.Exited() }

// RunFunctions builds the stack's Lambda handlers for this machine and runs each against the sandbox with its
// deployed configuration, as the Lambda service would; it returns the functions' names.
func (s *Sandbox) RunFunctions(ctx context.Context, st *Stack) ([]string, error) {
	fa, ok := st.Architecture.(interface{ functions() map[string]string })
	if !ok {
		return nil, nil
	}
	outs := map[string]any{}
	if err := st.Outputs(ctx, &outs); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "refarch-bootstrap-")
	if err != nil {
		return nil, err
	}
	var names []string
	for output, handler := range fa.functions() {
		name, _ := outs[output].(string)
		if name == "" {
			continue // this configuration has no such function
		}
		bin, err := sandbox.BuildBootstrap(ctx, handler, dir)
		if err != nil {
			return names, err
		}
		if err := s.sb.StartFunction(ctx, name, bin); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	// What kumo does not deliver, the harness stands in for, as in the tests.
	if sa, ok := st.Architecture.(interface{ sandboxStandIns() standIns }); ok {
		si := sa.sandboxStandIns()
		for fnOut, srcOut := range si.streams {
			fn, _ := outs[fnOut].(string)
			src, _ := outs[srcOut].(string)
			if fn == "" || src == "" {
				continue
			}
			if err := s.sb.DriveEventSource(ctx, sandbox.EventSource{FunctionName: fn, EventSourceARN: src}); err != nil {
				return names, err
			}
		}
		for _, fnOut := range si.mappings {
			if fn, _ := outs[fnOut].(string); fn != "" {
				if err := s.sb.DriveEventSources(ctx, fn); err != nil {
					return names, err
				}
			}
		}
		for _, bucketOut := range si.bucketNotifications {
			if bucket, _ := outs[bucketOut].(string); bucket != "" {
				if err := s.sb.DriveBucketNotifications(ctx, bucket); err != nil {
					return names, err
				}
			}
		}
	}
	return names, nil
}

// standIns name, by output, what the sandbox harness must deliver for an architecture: stream (or queue) → function
// pairs whose event source mappings the sandbox profile leaves out, functions whose mappings kumo stores but never
// polls, and buckets whose S3 → Lambda notifications kumo sends to a fixed localhost:4566.
type standIns struct {
	streams             map[string]string // function output → source ARN output
	mappings            []string          // function outputs whose stored event source mappings to poll
	bucketNotifications []string          // bucket outputs
}

func (s *Sandbox) prepare(dir, example string) (map[string]any, error) {
	if s == nil || s.sb == nil {
		return nil, fmt.Errorf("refarch: %w: the sandbox target is not started (use StartSandbox)", ErrInvalid)
	}
	if err := s.sb.Err(); err != nil {
		return nil, err
	}
	vars, err := s.sb.Prepare(context.Background(), dir, example)
	if err != nil {
		return nil, err
	}
	vars["region"] = s.sb.Region
	return vars, nil
}

func (s *Sandbox) env() map[string]string {
	env := map[string]string{}
	for _, kv := range s.sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// beforeDestroy forgets what kumo cannot delete on its own (its parent's deletion takes it along).
func (s *Sandbox) beforeDestroy(ctx context.Context, tf *tfexec.Terraform) error {
	state, err := tf.Show(ctx)
	if err != nil {
		return fmt.Errorf("refarch: read state: %w", err)
	}
	if state.Values == nil {
		return nil
	}
	var errs []error
	for _, addr := range sandbox.Undeletable(addresses(state.Values.RootModule)) {
		errs = append(errs, tf.StateRm(ctx, addr))
	}
	return errors.Join(errs...)
}

func addresses(m *tfjson.StateModule) string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	for _, r := range m.Resources {
		b.WriteString(r.Address + "\n")
	}
	for _, c := range m.ChildModules {
		b.WriteString(addresses(c))
	}
	return b.String()
}
