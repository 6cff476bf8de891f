package provider

// TestAccExamples_sandbox applies every documentation example of a resource
// (examples/resources/*/resource.tf) and data source
// (examples/data-sources/*/data-source.tf) with the in-process provider
// against the local AWS sandbox, checks that a second plan is empty, and
// destroys it.
//
// The examples are written for users, beside hashicorp/aws resources that
// are partly elided ("# ..."), so the test applies their refarch_* blocks
// (and variable/locals blocks) only. A reference of a kept block to
// something else is replaced by a literal from exampleSubstitutions —
// only what must be local — and an example that still refers to a dropped
// block, or needs an API the sandbox lacks (exampleNeeds), is skipped with
// the reason. Provider and function examples are not applied here: the
// provider example configures the real AWS endpoints, and the functions
// have their own sandbox tests.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// exampleSubstitutions maps an example file (relative to examples/) to the
// references in its refarch_* blocks that are replaced by literals.
var exampleSubstitutions = map[string]map[string]string{
	"resources/refarch_signed_url_keypair/resource.tf": {
		"time_rotating.signing_key.id": `"2026-01-01T00:00:00Z"`,
	},
	"data-sources/refarch_cognito_identity_s3_prefix_policy/data-source.tf": {
		"aws_s3_bucket.uploads.arn": `"arn:aws:s3:::example-uploads"`,
	},
}

// exampleFile is one example, reduced to what the test applies.
type exampleFile struct {
	rel     string   // relative to examples/
	kept    string   // HCL source of the kept blocks
	types   []string // refarch types used
	dropped []string // blocks dropped, e.g. `resource "aws_lambda_function" "todos"`
	// unresolved are references of kept blocks to dropped blocks.
	unresolved []string
}

func TestAccExamples_sandbox(t *testing.T) {
	var files []string
	for _, pattern := range []string{"resources/*/resource.tf", "data-sources/*/data-source.tf"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "examples", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no examples found under ../../examples")
	}
	sort.Strings(files)
	var examples []exampleFile
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join("..", "..", "examples"), f)
		e, err := reduceExample(f, filepath.ToSlash(rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		examples = append(examples, e)
	}

	// One sandbox for all examples (they use distinct names).
	r := startReportSandbox(t)
	for _, e := range examples {
		t.Run(strings.TrimSuffix(e.rel, ".tf"), func(t *testing.T) {
			if len(e.dropped) > 0 {
				t.Logf("applying the refarch blocks only; dropped: %s", strings.Join(e.dropped, ", "))
			}
			if len(e.unresolved) > 0 {
				t.Skipf("SKIP %s: its refarch blocks refer to %s, which the test does not create; add a literal to exampleSubstitutions",
					e.rel, strings.Join(e.unresolved, ", "))
			}
			if strings.TrimSpace(e.kept) == "" {
				t.Skipf("SKIP %s: no refarch block", e.rel)
			}
			t.Logf("applying:\n%s", e.kept)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					// Apply, then the framework's empty-plan check, then destroy.
					{Config: testAccConfig(r.sb.ProviderBlock("refarch") + "\n" + e.kept)},
				},
			})
		})
	}
}

// reduceExample keeps the refarch_* resource and data blocks, variables and
// locals of the example file, applies its substitutions and lists what
// is left unresolved.
func reduceExample(file, rel string) (exampleFile, error) {
	e := exampleFile{rel: rel}
	src, err := os.ReadFile(file)
	if err != nil {
		return e, err
	}
	f, diags := hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	if diags.HasErrors() {
		return e, diags
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return e, fmt.Errorf("%s: parsed body is %T, not native HCL syntax", rel, f.Body)
	}
	var kept []string
	keptAddr := map[string]bool{} // "refarch_x.name", "data.refarch_x.name"
	for _, b := range body.Blocks {
		text := string(b.Range().SliceBytes(src))
		switch {
		case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2 && strings.HasPrefix(b.Labels[0], "refarch_"):
			kept = append(kept, text)
			e.types = append(e.types, b.Labels[0])
			if b.Type == "data" {
				keptAddr["data."+b.Labels[0]] = true
			} else {
				keptAddr[b.Labels[0]] = true
			}
		case b.Type == "variable" || b.Type == "locals":
			kept = append(kept, text)
		default:
			e.dropped = append(e.dropped, fmt.Sprintf("%s %s", b.Type, strings.Join(quoteAll(b.Labels), " ")))
		}
	}
	e.kept = strings.Join(kept, "\n\n") + "\n"
	for from, to := range exampleSubstitutions[rel] {
		if !strings.Contains(e.kept, from) {
			return e, fmt.Errorf("substitution %q no longer occurs in the example: update exampleSubstitutions", from)
		}
		e.kept = strings.ReplaceAll(e.kept, from, to)
	}

	// What do the kept blocks still refer to?
	f2, diags := hclsyntax.ParseConfig([]byte(e.kept), rel+" (reduced)", hcl.InitialPos)
	if diags.HasErrors() {
		return e, diags
	}
	body2, ok := f2.Body.(*hclsyntax.Body)
	if !ok {
		return e, fmt.Errorf("%s (reduced): parsed body is %T, not native HCL syntax", rel, f2.Body)
	}
	seen := map[string]bool{}
	_ = hclsyntax.VisitAll(body2, func(n hclsyntax.Node) hcl.Diagnostics {
		st, ok := n.(*hclsyntax.ScopeTraversalExpr)
		if !ok {
			return nil
		}
		ref := traversalRef(st.Traversal)
		switch root := st.Traversal.RootName(); {
		case root == "var" || root == "local" || root == "path" || root == "each" || root == "count" || root == "self" || root == "terraform":
		case keptAddr[ref]:
		default:
			if !seen[ref] {
				seen[ref] = true
				e.unresolved = append(e.unresolved, ref)
			}
		}
		return nil
	})
	return e, nil
}

// traversalRef is the type (resource) or data.type (data source) a
// traversal refers to.
func traversalRef(tr hcl.Traversal) string {
	root := tr.RootName()
	if root == "data" && len(tr) > 1 {
		if a, ok := tr[1].(hcl.TraverseAttr); ok {
			return "data." + a.Name
		}
	}
	return root
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// TestExamples_reduce checks the reduction on a small example, without the
// sandbox.
func TestExamples_reduce(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "resource.tf")
	src := `resource "time_rotating" "r" {
  rotation_days = 1
}

resource "refarch_thing" "a" {
  name     = "a"
  rotation = time_rotating.r.id
  other    = data.refarch_other.b.json
  bucket   = aws_s3_bucket.x.arn
}

data "refarch_other" "b" {
  v = var.v
}

variable "v" {
  default = "x"
}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	exampleSubstitutions["test/resource.tf"] = map[string]string{"time_rotating.r.id": `"v1"`}
	defer delete(exampleSubstitutions, "test/resource.tf")
	e, err := reduceExample(file, "test/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.kept, "time_rotating") || !strings.Contains(e.kept, `rotation = "v1"`) || !strings.Contains(e.kept, `variable "v"`) {
		t.Errorf("kept:\n%s", e.kept)
	}
	if fmt.Sprint(e.unresolved) != "[aws_s3_bucket]" || fmt.Sprint(e.dropped) != `[resource "time_rotating" "r"]` ||
		fmt.Sprint(e.types) != "[refarch_thing refarch_other]" {
		t.Errorf("unresolved %v, dropped %v, types %v", e.unresolved, e.dropped, e.types)
	}
}
