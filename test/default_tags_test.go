package test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// TestRootsApplyDefaultTags: every root module the tests stage (examples/* and test/fixtures/* with a `provider
// "aws"` block) declares `variable "default_tags"` (map(string)) and every one of its AWS and refarch provider blocks
// puts it into default_tags — so the real-AWS target's runTags (the refarch:test-run tag) reach every resource
// either provider creates (for refarch: a signed-URL key pair's secret, a report schedule's IAM role), and `make
// sweep-aws` can find what a run leaves behind. It evaluates each provider's default_tags.tags with the variables'
// defaults and default_tags = runTags(), and wants every run tag in the result. Runs in both tiers, without tools
// or AWS.
func TestRootsApplyDefaultTags(t *testing.T) {
	dirs, err := filepath.Glob("../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Glob("fixtures/*")
	if err != nil {
		t.Fatal(err)
	}
	run := runTags()
	if run[sweep.TagKey] == "" {
		t.Fatalf("runTags() = %v, want a %s tag", run, sweep.TagKey)
	}
	var roots []string
	for _, dir := range append(dirs, fixtures...) {
		providers, vars := parseRoot(t, dir)
		if !slices.ContainsFunc(providers, func(b *hclsyntax.Block) bool { return b.Labels[0] == "aws" }) {
			continue // docs snippets (examples/provider, …) and embed.go
		}
		roots = append(roots, filepath.Base(dir))
		t.Run(filepath.Base(dir), func(t *testing.T) {
			v, ok := vars["default_tags"]
			if !ok {
				t.Fatalf(`%s has no variable "default_tags": the real-AWS target passes the run's tags as it`, dir)
			}
			if v.typ != "map(string)" {
				t.Errorf(`variable "default_tags" has type %q, want map(string)`, v.typ)
			}
			if v.def.IsNull() || !v.def.IsKnown() || v.def.LengthInt() != 0 {
				t.Errorf(`variable "default_tags" defaults to %#v, want {} (tags only when the caller sets them)`, v.def)
			}
			values := map[string]cty.Value{}
			for name, v := range vars {
				values[name] = v.def
			}
			tags := map[string]cty.Value{}
			for k, v := range run {
				tags[k] = cty.StringVal(v)
			}
			values["default_tags"] = cty.MapVal(tags)
			ctx := &hcl.EvalContext{
				Variables: map[string]cty.Value{"var": cty.ObjectVal(values)},
				Functions: map[string]function.Function{"merge": stdlib.MergeFunc},
			}
			for _, p := range providers {
				where := p.DefRange().String()
				name := p.Labels[0]
				var dt *hclsyntax.Block
				for _, b := range p.Body.Blocks {
					if b.Type == "default_tags" {
						dt = b
					}
				}
				if dt == nil {
					t.Errorf("%s: provider %q has no default_tags block, want default_tags { tags = var.default_tags }", where, name)
					continue
				}
				attr, ok := dt.Body.Attributes["tags"]
				if !ok {
					t.Errorf("%s: default_tags has no tags attribute", where)
					continue
				}
				got, diags := attr.Expr.Value(ctx)
				if diags.HasErrors() {
					t.Errorf("%s: default_tags.tags: %v", where, diags)
					continue
				}
				if !got.CanIterateElements() {
					t.Errorf("%s: default_tags.tags is %s, want a map", where, got.Type().FriendlyName())
					continue
				}
				m := got.AsValueMap()
				for k, want := range run {
					if v, ok := m[k]; !ok || !v.IsKnown() || v.IsNull() || v.Type() != cty.String || v.AsString() != want {
						t.Errorf("%s: default_tags.tags with default_tags = %v gives %#v, want %s = %q in it", where, run, got, k, want)
					}
				}
			}
		})
	}
	// The six architecture examples and the fixtures the tests apply.
	for _, want := range []string{"mytodolist", "myblog", "microservices", "paid-content", "software-updates", "ingestion",
		"microservices-async", "microservices-service-b", "software-updates-origin"} {
		if !slices.Contains(roots, want) {
			t.Errorf("no provider \"aws\" block found in %s (checked: %v)", want, roots)
		}
	}
}

// rootVariable is a variable block's type (as written) and default (null without one).
type rootVariable struct {
	typ string
	def cty.Value
}

// parseRoot parses the .tf files of a root module (not override files) and returns its `provider "aws"` and
// `provider "refarch"` blocks and its variables.
func parseRoot(t *testing.T, dir string) (providers []*hclsyntax.Block, vars map[string]rootVariable) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	vars = map[string]rootVariable{}
	parser := hclparse.NewParser()
	for _, f := range files {
		if strings.HasSuffix(f, "override.tf") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, diags := parser.ParseHCL(src, f)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			t.Fatalf("%s: not native syntax", f)
		}
		for _, b := range body.Blocks {
			switch {
			case b.Type == "provider" && len(b.Labels) == 1 && (b.Labels[0] == "aws" || b.Labels[0] == "refarch"):
				providers = append(providers, b)
			case b.Type == "variable" && len(b.Labels) == 1:
				v := rootVariable{def: cty.NullVal(cty.DynamicPseudoType)}
				if a, ok := b.Body.Attributes["type"]; ok {
					v.typ = string(a.Expr.Range().SliceBytes(src))
				}
				if a, ok := b.Body.Attributes["default"]; ok {
					if def, diags := a.Expr.Value(nil); !diags.HasErrors() {
						v.def = def
					}
				}
				vars[b.Labels[0]] = v
			}
		}
	}
	return providers, vars
}
