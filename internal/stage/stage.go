// Package stage writes the HCL this build embeds — the modules and the runnable examples — into a directory, in the
// layout their relative sources expect (`../../modules/<block>`). It is all that deploying an architecture needs
// from the tree, to real AWS or to the sandbox, so pkg/refarch's AWS target uses it without the sandbox.
package stage

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

// Example writes examples/<name> and the modules (modules/) as they are embedded in this build into dest, keeping
// their relative layout so `../../modules/...` sources resolve, and returns the example's directory in dest. Local
// state and override files are never part of it, so every run starts clean.
func Example(name, dest string) (string, error) {
	if _, err := fs.Stat(examples.FS, path.Join(name, "main.tf")); err != nil {
		return "", fmt.Errorf("stage: no example %q (have: %s)", name, strings.Join(Examples(), ", "))
	}
	if err := Modules(dest); err != nil {
		return "", err
	}
	if err := Tree(examples.FS, name, filepath.Join(dest, "examples", name)); err != nil {
		return "", fmt.Errorf("stage: examples/%s: %w", name, err)
	}
	return filepath.Join(dest, "examples", name), nil
}

// Modules writes the embedded modules into dest/modules.
func Modules(dest string) error {
	if err := Tree(modules.FS, ".", filepath.Join(dest, "modules")); err != nil {
		return fmt.Errorf("stage: modules: %w", err)
	}
	return nil
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

// Tree copies root of fsys to dst, leaving out Go files, state files and *_override.tf(.json) files.
func Tree(fsys fs.FS, root, dst string) error {
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
