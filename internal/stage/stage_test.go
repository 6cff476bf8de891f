package stage

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExampleStagesTheRootAndTheModules(t *testing.T) {
	dest := t.TempDir()
	root, err := Example("myblog", dest)
	if err != nil {
		t.Fatal(err)
	}
	if root != filepath.Join(dest, "examples", "myblog") {
		t.Fatalf("root = %s", root)
	}
	for _, f := range []string{"examples/myblog/main.tf", "modules/myblog/main.tf", "modules/origin-verify/versions.tf"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("not staged: %s", f)
		}
	}
	// The example's `../../modules/<block>` sources resolve in the staged layout.
	if _, err := os.Stat(filepath.Join(root, "..", "..", "modules", "myblog")); err != nil {
		t.Error(err)
	}
	err = filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_override.tf") || strings.Contains(p, ".tfstate")) {
			t.Errorf("staged what it must not: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExampleUnknown(t *testing.T) {
	_, err := Example("nope", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "myblog") {
		t.Fatalf("err = %v, want one listing the examples", err)
	}
	if !slices.Contains(Examples(), "mytodolist") {
		t.Fatalf("Examples() = %v", Examples())
	}
}
