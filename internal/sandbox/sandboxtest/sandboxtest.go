// Package sandboxtest starts the local AWS sandbox for a Go test and stops it when the test ends.
package sandboxtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
		if t.Failed() {
			logTails(t, sb.LogDir)
		}
	})
	return sb
}

// logTails shows the end of the functions' and pollers' logs of a failed test (the log directory goes with it).
func logTails(t testing.TB, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			continue
		}
		if filepath.Base(f) == "kumo.log" { // only its errors
			var errs []string
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(strings.ToLower(line), "error") {
					errs = append(errs, line)
				}
			}
			b = []byte(strings.Join(errs[max(0, len(errs)-20):], "\n"))
		}
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		t.Logf("--- end of %s ---\n%s", filepath.Base(f), b)
	}
}

// Alive fails the test with one clear line if kumo died under it.
func Alive(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	if err := sb.Err(); err != nil {
		t.Fatal(err)
	}
}
