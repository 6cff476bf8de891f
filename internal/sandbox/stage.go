package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/refarch/terraform-provider-refarch/examples"
	"github.com/refarch/terraform-provider-refarch/modules"
)

// StageExample writes examples/<name> and the modules (modules/) as they are embedded in this build into dest,
// keeping their relative layout so `../../modules/...` sources resolve, and returns the example's directory in dest.
// Local state and override files are never part of it, so every run starts clean.
func StageExample(name, dest string) (string, error) {
	if _, err := fs.Stat(examples.FS, path.Join(name, "main.tf")); err != nil {
		return "", fmt.Errorf("sandbox: no example %q (have: %s)", name, strings.Join(Examples(), ", "))
	}
	if err := writeTree(modules.FS, ".", filepath.Join(dest, "modules")); err != nil {
		return "", fmt.Errorf("sandbox: stage modules: %w", err)
	}
	if err := writeTree(examples.FS, name, filepath.Join(dest, "examples", name)); err != nil {
		return "", fmt.Errorf("sandbox: stage examples/%s: %w", name, err)
	}
	return filepath.Join(dest, "examples", name), nil
}

// Examples lists the embedded examples (the runnable roots).
func Examples() []string {
	var out []string
	entries, _ := fs.ReadDir(examples.FS, ".")
	for _, e := range entries {
		if e.IsDir() {
			if _, err := fs.Stat(examples.FS, path.Join(e.Name(), "main.tf")); err == nil {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

func writeTree(fsys fs.FS, root, dst string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		target := filepath.Join(dst, filepath.FromSlash(rel))
		base := d.Name()
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(base, ".go") || strings.HasSuffix(base, ".tfstate") || strings.Contains(base, ".tfstate.") ||
			strings.HasSuffix(base, "_override.tf") || strings.HasSuffix(base, "_override.tf.json") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// StageFixture writes the embedded modules and a test root, test/fixtures/<name> of the checkout, into dest with
// their relative layout (fixtures use ../../../modules/<block>), and returns the fixture's directory in dest.
func StageFixture(name, dest string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	src := filepath.Join(root, "test", "fixtures", name)
	if _, err := os.Stat(filepath.Join(src, "main.tf")); err != nil {
		return "", fmt.Errorf("sandbox: no fixture %q: %w", name, err)
	}
	if err := writeTree(modules.FS, ".", filepath.Join(dest, "modules")); err != nil {
		return "", fmt.Errorf("sandbox: stage modules: %w", err)
	}
	dir := filepath.Join(dest, "test", "fixtures", name)
	if err := writeTree(os.DirFS(src), ".", dir); err != nil {
		return "", fmt.Errorf("sandbox: stage fixture %s: %w", name, err)
	}
	return dir, nil
}
