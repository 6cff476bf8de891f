package lambdapkg

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func fakeFS() fstest.MapFS {
	return fstest.MapFS{
		".gitkeep":               {},
		"todos_arm64.zip":        {Data: []byte("todos arm64")},
		"todos_x86_64.zip":       {Data: []byte("todos x86_64")},
		"auth_edge_arm64.zip":    {Data: []byte("auth edge")},
		"notes.txt":              {Data: []byte("ignored")},
		"_arm64.zip":             {Data: []byte("no name, ignored")},
		"subdir/inner_arm64.zip": {Data: []byte("ignored: not at the root")},
	}
}

func TestNamesAndOpen(t *testing.T) {
	t.Cleanup(ReplaceFS(fakeFS()))

	if got, want := Names(), []string{"auth_edge", "todos"}; !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	if got, want := ArchitecturesOf("todos"), []string{ArchARM64, ArchX86_64}; !slices.Equal(got, want) {
		t.Errorf("ArchitecturesOf(todos) = %v, want %v", got, want)
	}

	b, err := Open("todos", ArchX86_64)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "todos x86_64" {
		t.Errorf("Open(todos, x86_64) = %q", b)
	}
	if b, err := Open("auth_edge", ArchARM64); err != nil || string(b) != "auth edge" {
		t.Errorf("Open(auth_edge, arm64) = %q, %v", b, err)
	}
}

func TestOpenUnknown(t *testing.T) {
	t.Cleanup(ReplaceFS(fakeFS()))

	for _, tc := range []struct{ name, arch, mention string }{
		{"nope", ArchARM64, "auth_edge, todos"},
		{"auth_edge", ArchX86_64, "arm64 only"},
		{"todos", "amd64", "arm64, x86_64"},
	} {
		_, err := Open(tc.name, tc.arch)
		if !errors.Is(err, ErrUnknown) {
			t.Errorf("Open(%q, %q) error = %v, want ErrUnknown", tc.name, tc.arch, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Open(%q, %q) error %q does not mention %q", tc.name, tc.arch, err, tc.mention)
		}
	}
}

func TestNotBuilt(t *testing.T) {
	t.Cleanup(ReplaceFS(fstest.MapFS{".gitkeep": {}}))

	if n := Names(); len(n) != 0 {
		t.Fatalf("Names() = %v, want none", n)
	}
	_, err := Open("todos", ArchARM64)
	if !errors.Is(err, ErrNotBuilt) {
		t.Fatalf("Open() error = %v, want ErrNotBuilt", err)
	}
	if !strings.Contains(err.Error(), "make lambdas") || !strings.Contains(err.Error(), "rebuild") {
		t.Errorf("error %q does not tell the user to run `make lambdas` and rebuild", err)
	}
}

// TestEmbedded checks the real embedded directory is readable; what it holds
// depends on whether `make lambdas` ran before the test.
func TestEmbedded(t *testing.T) {
	for _, n := range Names() {
		for _, arch := range ArchitecturesOf(n) {
			if _, err := Open(n, arch); err != nil {
				t.Errorf("Open(%q, %q): %v", n, arch, err)
			}
		}
	}
}
