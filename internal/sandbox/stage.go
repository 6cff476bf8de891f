package sandbox

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/refarch/terraform-provider-refarch/internal/stage"
)

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
	if err := stage.Modules(dest); err != nil {
		return "", err
	}
	dir := filepath.Join(dest, "test", "fixtures", name)
	if err := stage.Tree(os.DirFS(src), ".", dir); err != nil {
		return "", fmt.Errorf("sandbox: stage fixture %s: %w", name, err)
	}
	return dir, nil
}
