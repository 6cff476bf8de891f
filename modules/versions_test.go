package modules

import (
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
)

// crossVariableValidations returns "a -> b" for every validation of variable a whose condition refers to another
// variable b: Terraform accepts that from 1.9 and OpenTofu from 1.8; older CLIs refuse the whole configuration.
func crossVariableValidations(t *testing.T, dir string) []string {
	t.Helper()
	files, err := ParseTFDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		body := f.Body
		for _, b := range body.Blocks {
			if b.Type != "variable" || len(b.Labels) != 1 {
				continue
			}
			for _, v := range b.Body.Blocks {
				cond, ok := v.Body.Attributes["condition"]
				if v.Type != "validation" || !ok {
					continue
				}
				for _, tr := range cond.Expr.Variables() {
					if tr.RootName() != "var" || len(tr) < 2 {
						continue
					}
					if attr, ok := tr[1].(hcl.TraverseAttr); ok && attr.Name != b.Labels[0] {
						out = append(out, b.Labels[0]+" -> "+attr.Name)
					}
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestRequiredVersionCoversCrossVariableValidations: a module or example whose validations refer to other variables
// says so in required_version (>= 1.9.0), so an older Terraform or OpenTofu fails with a version message instead of
// an "Invalid reference" in the module's variables.
func TestRequiredVersionCoversCrossVariableValidations(t *testing.T) {
	need := version.Must(version.NewVersion("1.9.0"))
	for dir, mod := range moduleDirs(t) {
		cross := crossVariableValidations(t, filepath.Join("..", dir))
		if len(cross) == 0 {
			continue
		}
		if len(mod.RequiredCore) == 0 {
			t.Errorf("%s: validations refer to other variables (%v) but there is no required_version", dir, cross)
			continue
		}
		for _, rc := range mod.RequiredCore {
			cs, err := version.NewConstraint(rc)
			if err != nil {
				t.Fatalf("%s: required_version %q: %v", dir, rc, err)
			}
			// The lowest version the constraint admits must be 1.9.0 or later: 1.8.99 must be refused.
			if cs.Check(version.Must(version.NewVersion("1.8.99"))) {
				t.Errorf("%s: required_version %q admits versions before %s, but validations refer to other variables: %v", dir, rc, need, cross)
			}
		}
	}
}
