// Package lambdapkg gives access to the Lambda deployment packages (zip files)
// embedded in the provider binary.
//
// `make lambdas` builds every Go Lambda handler of the repository and writes
// dist/<name>_<arch>.zip (arch "arm64" or "x86_64") into this directory
// before the provider is compiled; the zips are then embedded with go:embed.
// Only dist/.gitkeep is committed, so a provider built without running
// `make lambdas` first embeds no package, and Open returns ErrNotBuilt.
package lambdapkg

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// Architectures of the Lambda packages, spelled as aws_lambda_function's
// `architectures` wants them.
const (
	ArchARM64  = "arm64"
	ArchX86_64 = "x86_64"
)

// Architectures returns every supported architecture, ArchARM64 first.
func Architectures() []string { return []string{ArchARM64, ArchX86_64} }

var (
	// ErrNotBuilt means the provider binary embeds no Lambda package at all.
	ErrNotBuilt = errors.New("this build of the refarch provider contains no Lambda packages: " +
		"run `make lambdas` and then rebuild the provider (for example `make build` or `go install .`)")
	// ErrUnknown means the name, architecture or the pair is not embedded.
	ErrUnknown = errors.New("unknown Lambda package")
)

//go:embed all:dist
var embedded embed.FS

var (
	mu   sync.RWMutex
	pkgs fs.FS = mustSub(embedded, "dist")
)

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// ReplaceFS makes the package read zips from the root of fsys instead of the
// embedded dist directory, and returns a function that restores the previous
// one. For tests only: t.Cleanup(lambdapkg.ReplaceFS(fstest.MapFS{...})).
func ReplaceFS(fsys fs.FS) (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	prev := pkgs
	pkgs = fsys
	return func() {
		mu.Lock()
		defer mu.Unlock()
		pkgs = prev
	}
}

func current() fs.FS {
	mu.RLock()
	defer mu.RUnlock()
	return pkgs
}

// index maps every embedded package name to its architectures, in the order
// of Architectures().
func index() map[string][]string {
	entries, err := fs.ReadDir(current(), ".")
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		for _, arch := range Architectures() {
			if name, ok := strings.CutSuffix(e.Name(), "_"+arch+".zip"); ok && name != "" {
				out[name] = append(out[name], arch)
				break
			}
		}
	}
	for _, archs := range out {
		slices.SortFunc(archs, func(a, b string) int {
			return slices.Index(Architectures(), a) - slices.Index(Architectures(), b)
		})
	}
	return out
}

// Names returns the sorted names of the embedded packages (a name is listed
// when it is embedded for at least one architecture). Empty when the provider
// was built without `make lambdas`.
func Names() []string {
	idx := index()
	names := make([]string, 0, len(idx))
	for n := range idx {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ArchitecturesOf returns the architectures name is embedded for, or nil.
func ArchitecturesOf(name string) []string { return index()[name] }

// Open returns the zip of package name for arch ("arm64" or "x86_64"). The
// error wraps ErrNotBuilt when no package is embedded at all, and ErrUnknown
// when this name, architecture or pair is not embedded.
func Open(name, arch string) ([]byte, error) {
	if !slices.Contains(Architectures(), arch) {
		return nil, fmt.Errorf("%w: architecture %q is not one of %s", ErrUnknown, arch, strings.Join(Architectures(), ", "))
	}
	idx := index()
	if len(idx) == 0 {
		return nil, ErrNotBuilt
	}
	archs, ok := idx[name]
	if !ok {
		return nil, fmt.Errorf("%w %q: this provider embeds %s", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	if !slices.Contains(archs, arch) {
		return nil, fmt.Errorf("%w: %q is embedded for %s only, not %s", ErrUnknown, name, strings.Join(archs, ", "), arch)
	}
	b, err := fs.ReadFile(current(), name+"_"+arch+".zip")
	if err != nil {
		return nil, fmt.Errorf("reading embedded Lambda package %q (%s): %w", name, arch, err)
	}
	return b, nil
}
