package refarch

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSandboxApplyCancelResume deploys MyTodoList to the local sandbox through the library: an Apply cancelled a
// few seconds in stops cleanly, a second Apply completes from the state it left, the typed outputs are filled, a
// plan is empty, the handler runs, and Destroy removes it all.
func TestSandboxApplyCancelResume(t *testing.T) {
	if os.Getenv("TF_ACC") == "" && os.Getenv("REFARCH_KUMO") == "" {
		t.Skip("needs the local sandbox: run with `make test` (TF_ACC=1)")
	}
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: `make test` points OpenTofu at the provider mirror")
	}
	t.Parallel()
	ctx := context.Background()
	sb, err := StartSandbox(ctx, SandboxOptions{LogDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()

	stack := &Stack{
		Architecture: MyTodoList{Name: "lib-" + strings.ToLower(time.Now().Format("150405")), BucketForceDestroy: true},
		Target:       sb,
		Dir:          t.TempDir(),
	}
	defer func() {
		if err := stack.Destroy(ctx); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	}()

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(8*time.Second, cancel)
	if err := stack.Apply(cctx); err == nil {
		t.Log("the first apply finished before the cancellation (fast machine); resuming is then a no-op")
	} else if !errors.Is(cctx.Err(), context.Canceled) {
		t.Fatalf("first Apply failed on its own: %v", err)
	}

	if err := stack.Apply(ctx); err != nil {
		t.Fatalf("second Apply after a cancelled one: %v", err)
	}
	var out MyTodoListOutputs
	if err := stack.Outputs(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if out.RestAPIID == "" || out.TableName == "" || out.UserPoolID == "" || out.FunctionName == "" || out.StageName == "" {
		t.Fatalf("typed outputs missing values: %+v", out)
	}
	if changes, err := stack.Plan(ctx); err != nil || changes {
		t.Fatalf("Plan after Apply: changes=%v err=%v, want an empty plan", changes, err)
	}
	names, err := sb.RunFunctions(ctx, stack)
	if err != nil || len(names) != 1 || names[0] != out.FunctionName {
		t.Fatalf("RunFunctions = %v, %v; want [%s]", names, err, out.FunctionName)
	}
}
