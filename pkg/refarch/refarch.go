// Package refarch deploys the refarch architectures from Go: one typed configuration per architecture (MyTodoList,
// MyBlog, PaidContent, …), validated with the modules' own rules and messages before any process starts, and a
// Stack that plans, applies, reads typed outputs and destroys it with OpenTofu or Terraform through terraform-exec.
//
// The HCL is embedded in this package's module (modules/ and examples/), so a program needs no checkout: a Stack
// writes the architecture's runnable root and the modules into its working directory, where the state also lives.
// Targets: real AWS (credentials from the usual AWS chain) or the local sandbox (kumo, see StartSandbox).
//
//	stack := &refarch.Stack{
//		Architecture: refarch.MyTodoList{Name: "todos-dev"},
//		Target:       refarch.AWS{Region: "eu-west-1"},
//		Dir:          "/var/lib/refarch/todos-dev",
//	}
//	if err := stack.Apply(ctx); err != nil { … }
//	var out refarch.MyTodoListOutputs
//	err := stack.Outputs(ctx, &out) // out.APIURL, out.UserPoolID, …
package refarch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/refarch/terraform-provider-refarch/internal/stage"
)

// Architecture is one deployable configuration: its runnable root and variables.
type Architecture interface {
	// Example is the embedded runnable root (examples/<name>) the configuration deploys.
	Example() string
	// Validate checks the configuration with the modules' rules and messages.
	Validate() error
	// Variables are the root's input variables (only the ones set).
	Variables() map[string]any
}

// Target is where a Stack deploys: AWS or a Sandbox.
type Target interface {
	// prepare readies the staged root dir of example for this target and returns variables to add.
	prepare(dir, example string) (map[string]any, error)
	// env is the environment the CLI runs with.
	env() map[string]string
	// beforeDestroy runs right before destroy.
	beforeDestroy(ctx context.Context, tf *tfexec.Terraform) error
}

// ErrInvalid wraps every configuration error found before a process starts.
var ErrInvalid = errors.New("invalid configuration")

// Stack is one deployment of an Architecture to a Target, with its working directory (HCL and state).
type Stack struct {
	Architecture Architecture
	Target       Target
	// Dir is the working directory; the state lives in Dir/examples/<example>/. Required.
	Dir string
	// Binary is the tofu or terraform executable; default $REFARCH_TOFU, else tofu, else terraform on PATH.
	Binary string
	// Stdout and Stderr receive the CLI's output; default nowhere.
	Stdout, Stderr io.Writer
	// GracePeriod is how long a cancelled run may take to stop after its interrupt (and save state) before it is
	// killed; default 2 minutes.
	GracePeriod time.Duration
}

// Plan reports whether applying would change anything.
func (s *Stack) Plan(ctx context.Context) (changes bool, err error) {
	tf, varFile, err := s.init(ctx)
	if err != nil {
		return false, err
	}
	changes, err = tf.Plan(ctx, tfexec.VarFile(varFile))
	if err != nil {
		return false, fmt.Errorf("refarch: plan %s: %w", s.Architecture.Example(), err)
	}
	return changes, nil
}

// Apply creates or updates the architecture. A cancelled context interrupts the CLI, which stops after the
// operations in flight and saves the state; a second Apply completes the deployment.
func (s *Stack) Apply(ctx context.Context) error {
	tf, varFile, err := s.init(ctx)
	if err != nil {
		return err
	}
	if err := tf.Apply(ctx, tfexec.VarFile(varFile)); err != nil {
		return fmt.Errorf("refarch: apply %s: %w", s.Architecture.Example(), err)
	}
	return nil
}

// Destroy deletes everything the stack created.
func (s *Stack) Destroy(ctx context.Context) error {
	tf, varFile, err := s.init(ctx)
	if err != nil {
		return err
	}
	if err := s.Target.beforeDestroy(ctx, tf); err != nil {
		return err
	}
	if err := tf.Destroy(ctx, tfexec.VarFile(varFile)); err != nil {
		return fmt.Errorf("refarch: destroy %s: %w", s.Architecture.Example(), err)
	}
	return nil
}

// Outputs decodes the root's outputs into v, a pointer to a struct whose fields carry `json:"<output name>"` tags
// (such as MyTodoListOutputs). Outputs that are null or absent leave their field unchanged. It reads the state an
// Apply left in RootDir: nothing is staged again and no init runs (so no provider starts); before any Apply it is
// an error.
func (s *Stack) Outputs(ctx context.Context, v any) error {
	if err := s.check(); err != nil {
		return err
	}
	root := s.RootDir()
	if _, err := os.Stat(filepath.Join(root, ".terraform")); err != nil {
		return fmt.Errorf("refarch: outputs of %s: nothing was applied in %s yet", s.Architecture.Example(), s.Dir)
	}
	tf, err := s.cli(root)
	if err != nil {
		return err
	}
	outs, err := tf.Output(ctx)
	if err != nil {
		return fmt.Errorf("refarch: outputs of %s: %w", s.Architecture.Example(), err)
	}
	raw := map[string]json.RawMessage{}
	for k, o := range outs {
		raw[k] = o.Value
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("refarch: outputs of %s: %w", s.Architecture.Example(), err)
	}
	return nil
}

// RootDir is the directory of the staged root (where the state is).
func (s *Stack) RootDir() string { return filepath.Join(s.Dir, "examples", s.Architecture.Example()) }

// init validates, stages the HCL, writes the variables and runs init; nothing starts on a configuration error.
func (s *Stack) init(ctx context.Context) (*tfexec.Terraform, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	if err := s.Architecture.Validate(); err != nil {
		return nil, "", fmt.Errorf("refarch: %s: %w", s.Architecture.Example(), err)
	}
	if _, err := s.binary(); err != nil {
		return nil, "", err
	}
	root, err := stageExample(s.Architecture.Example(), s.Dir)
	if err != nil {
		return nil, "", err
	}
	extra, err := s.Target.prepare(root, s.Architecture.Example())
	if err != nil {
		return nil, "", err
	}
	vars := s.Architecture.Variables()
	for k, v := range extra {
		vars[k] = v
	}
	varFile := filepath.Join(root, "refarch.tfvars.json")
	b, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(varFile, b, 0o600); err != nil {
		return nil, "", fmt.Errorf("refarch: %w", err)
	}

	tf, err := s.cli(root)
	if err != nil {
		return nil, "", err
	}
	if err := tf.Init(ctx, tfexec.Upgrade(false)); err != nil {
		return nil, "", fmt.Errorf("refarch: init %s: %w", s.Architecture.Example(), err)
	}
	return tf, varFile, nil
}

// check is what every Stack needs set.
func (s *Stack) check() error {
	if s.Architecture == nil || s.Target == nil || s.Dir == "" {
		return fmt.Errorf("refarch: %w: a Stack needs an Architecture, a Target and a Dir", ErrInvalid)
	}
	return nil
}

// cli is the tofu/terraform CLI in root, with the target's environment, the grace period and the Stack's output.
func (s *Stack) cli(root string) (*tfexec.Terraform, error) {
	bin, err := s.binary()
	if err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(root, bin)
	if err != nil {
		return nil, fmt.Errorf("refarch: %w", err)
	}
	grace := s.GracePeriod
	if grace == 0 {
		grace = 2 * time.Minute
	}
	if err := tf.SetWaitDelay(grace); err != nil {
		return nil, err
	}
	if env := s.Target.env(); len(env) > 0 {
		if err := tf.SetEnv(mergeEnv(env)); err != nil {
			return nil, err
		}
	}
	tf.SetStdout(s.Stdout)
	tf.SetStderr(s.Stderr)
	return tf, nil
}

// mergeEnv is the process environment plus extra (tfexec replaces the environment with what it is given).
func mergeEnv(extra map[string]string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for k, v := range extra {
		env[k] = v
	}
	// tfexec refuses to manage these itself.
	for _, k := range []string{"TF_LOG", "TF_LOG_CORE", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_INPUT", "TF_IN_AUTOMATION", "TF_CLI_ARGS", "TF_WORKSPACE", "TF_REATTACH_PROVIDERS", "TF_DISABLE_PLUGIN_TLS", "TF_SKIP_PROVIDER_VERIFY", "CHECKPOINT_DISABLE", "TF_PLUGIN_CACHE_DIR"} {
		delete(env, k)
	}
	return env
}

// ErrNoBinary is returned when neither tofu nor terraform can be found.
var ErrNoBinary = errors.New("no OpenTofu or Terraform CLI found")

func (s *Stack) binary() (string, error) {
	for _, c := range []string{s.Binary, os.Getenv("REFARCH_TOFU")} {
		if c != "" {
			if _, err := os.Stat(c); err != nil {
				return "", fmt.Errorf("refarch: %w: %s: %v", ErrNoBinary, c, err)
			}
			return c, nil
		}
	}
	for _, name := range []string{"tofu", "terraform"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("refarch: %w: set Stack.Binary or REFARCH_TOFU, or put tofu or terraform on PATH (`make tools` builds the pinned OpenTofu)", ErrNoBinary)
}

// stageExample writes the example and the modules embedded in this build into dir (state files there are kept).
func stageExample(example, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("refarch: %w", err)
	}
	root, err := stage.Example(example, dir)
	if err != nil {
		return "", err
	}
	return filepath.Clean(root), nil
}
