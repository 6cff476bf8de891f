package sandbox

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// StageExample copies examples/<name> and the modules it uses (modules/) from the repository into dest, keeping
// their relative layout so `../../modules/...` sources resolve, and returns the example's directory in dest.
// Local state, .terraform and override files are left behind, so every run starts clean.
func StageExample(name, dest string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "examples", name, "main.tf")); err != nil {
		return "", fmt.Errorf("sandbox: no example %q: %w", name, err)
	}
	for _, sub := range []string{"modules", filepath.Join("examples", name)} {
		if err := copyTree(filepath.Join(root, sub), filepath.Join(dest, sub)); err != nil {
			return "", fmt.Errorf("sandbox: stage %s: %w", sub, err)
		}
	}
	return filepath.Join(dest, "examples", name), nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		base := d.Name()
		if d.IsDir() {
			if base == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(base, ".tfstate") || strings.Contains(base, ".tfstate.") ||
			strings.HasSuffix(base, "_override.tf") || strings.HasSuffix(base, "_override.tf.json") ||
			base == ".terraform.lock.hcl" {
			return nil
		}
		return copyFile(path, filepath.Join(dst, rel))
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
