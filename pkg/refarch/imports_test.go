package refarch

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyTheSandboxTargetImportsTheSandbox: staging the HCL and deploying to real AWS do not go through
// internal/sandbox (kumo's lifecycle, the stand-ins); only sandbox.go, the Sandbox target, uses it.
func TestOnlyTheSandboxTargetImportsTheSandbox(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasSuffix(p, "/internal/sandbox") && f != "sandbox.go" {
				t.Errorf("%s imports %s: only the Sandbox target (sandbox.go) may", f, p)
			}
		}
	}
}
