// Package sandboxtest starts the local AWS sandbox for a Go test and stops it when the test ends.
package sandboxtest

import (
	"context"
	"os"
	"testing"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// Start runs kumo for t and registers Stop as cleanup. Without the pinned kumo it skips the test, unless TF_ACC is
// set (as `make test` does), where a missing tool is a failure, not a skip.
func Start(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{LogDir: t.TempDir()})
	if err != nil {
		if os.Getenv("TF_ACC") == "" && os.Getenv("REFARCH_KUMO") == "" {
			t.Skipf("local AWS sandbox unavailable (%v); `make test` builds it and runs this test", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Err(); err != nil {
			t.Error(err)
		}
		sb.Stop()
	})
	return sb
}

// Alive fails the test with one clear line if kumo died under it.
func Alive(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	if err := sb.Err(); err != nil {
		t.Fatal(err)
	}
}
