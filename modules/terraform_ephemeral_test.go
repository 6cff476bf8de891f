package modules_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/modules"
)

// HashiCorp Terraform's mock provider has no ephemeral resource types: it fails while validating any
// `ephemeral "aws_…"` block of the configuration under test (hashicorp/terraform internal/providers/mock.go), so
// `terraform test` cannot run a suite whose module tree generates a password with
// ephemeral.aws_secretsmanager_random_password against `mock_provider "aws"`. tools/module_tests.sh therefore leaves
// those suites to this test under Terraform. It runs each of them unchanged except for the aws provider: the same
// variables, run blocks and assertions, with a real hashicorp/aws whose every managed resource and data source is
// overridden (`override_resource` / `override_data`, which Terraform's test framework applies to real providers too
// and which never reach the provider's API), carrying the values the suite's mock_resource / mock_data defaults
// gave. Only the ephemeral resources reach an API: Secrets Manager's GetRandomPassword, answered by kumo.

// tfTree is what the rewrite needs to know of a module tree: dir and the local modules it calls, transitively.
type tfTree struct {
	// managed and data: the aws_* managed resources and data sources, by address as a test's override target names
	// them ("module.api.aws_lambda_function.this", "module.vpc[0].data.aws_region.this"), with each one's type. A
	// module call with count gets instance key [0] (the modules' counts are 0-or-1 switches).
	managed, data map[string]string
	// ephemeral: the tree has an `ephemeral` block (the rule tools/module_tests.sh applies to leave a suite here).
	ephemeral bool
	// forEach: module calls with for_each, whose instance keys a static reading cannot know (no override targets).
	forEach []string
}

func readTFTree(dir string) (*tfTree, error) {
	tree := &tfTree{managed: map[string]string{}, data: map[string]string{}}
	return tree, tree.read(dir, "")
}

func (tree *tfTree) read(dir, prefix string) error {
	files, err := modules.ParseTFDir(dir)
	if err != nil {
		return err
	}
	for _, tf := range files {
		f, body := tf.Path, tf.Body
		for _, b := range body.Blocks {
			switch {
			case b.Type == "ephemeral":
				tree.ephemeral = true
			case b.Type == "resource" && len(b.Labels) == 2 && strings.HasPrefix(b.Labels[0], "aws_"):
				tree.managed[prefix+b.Labels[0]+"."+b.Labels[1]] = b.Labels[0]
			case b.Type == "data" && len(b.Labels) == 2 && strings.HasPrefix(b.Labels[0], "aws_"):
				tree.data[prefix+"data."+b.Labels[0]+"."+b.Labels[1]] = b.Labels[0]
			case b.Type == "module" && len(b.Labels) == 1:
				src, ok := b.Body.Attributes["source"]
				if !ok {
					return fmt.Errorf("%s: module %q has no source", f, b.Labels[0])
				}
				v, diags := src.Expr.Value(nil)
				if diags.HasErrors() || v.Type() != cty.String || !v.IsKnown() || v.IsNull() {
					return fmt.Errorf("%s: module %q: source is not a literal", f, b.Labels[0])
				}
				source := v.AsString()
				if !strings.HasPrefix(source, "./") && !strings.HasPrefix(source, "../") {
					continue // a registry module is outside the tree this test overrides
				}
				key := ""
				if _, ok := b.Body.Attributes["count"]; ok {
					key = "[0]"
				}
				if _, ok := b.Body.Attributes["for_each"]; ok {
					tree.forEach = append(tree.forEach, prefix+"module."+b.Labels[0])
				}
				if err := tree.read(filepath.Join(dir, source), prefix+"module."+b.Labels[0]+key+"."); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// tfProviderBlock is the real aws provider the Terraform variant of a suite uses: no credentials lookup, no account
// id request, every API call it would make other than Secrets Manager's fails (there is no other endpoint here).
func tfProviderBlock(endpoint, region string) string {
	return fmt.Sprintf(`
# The Terraform variant (modules/terraform_ephemeral_test.go): a real hashicorp/aws instead of mock_provider "aws";
# every aws_* resource and data source below is overridden, only ephemeral resources reach an API (kumo).
provider "aws" {
  region                      = %q
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    secretsmanager = %q
  }
}
`, region, endpoint)
}

// terraformVariant rewrites a suite's test file for Terraform: `mock_provider "aws"` becomes tfProviderBlock, its
// mock_resource / mock_data defaults become file-level override_resource / override_data blocks for every address of
// that type in the tree (an address whose type has no defaults still gets an override, with generated values, as
// the mock gave it), and override blocks inside the mock provider move to the file. Everything else is kept as it
// is, byte for byte, but for the overrides a `command = plan` run gets (below).
func terraformVariant(name string, src []byte, managed, data map[string]string, endpoint, region string) ([]byte, error) {
	f, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %v", name, diags)
	}
	resDefaults, dataDefaults := map[string]string{}, map[string]string{}
	var hoisted []string
	found := false
	for _, b := range f.Body().Blocks() {
		if b.Type() != "mock_provider" || len(b.Labels()) != 1 || b.Labels()[0] != "aws" {
			continue
		}
		if found {
			return nil, fmt.Errorf("%s: more than one mock_provider \"aws\" (aliases are not supported by this rewrite)", name)
		}
		found = true
		for attr := range b.Body().Attributes() {
			return nil, fmt.Errorf("%s: mock_provider \"aws\" sets %s, which this rewrite does not carry over", name, attr)
		}
		for _, m := range b.Body().Blocks() {
			switch m.Type() {
			case "mock_resource", "mock_data":
				for attr := range m.Body().Attributes() {
					if attr != "defaults" {
						return nil, fmt.Errorf("%s: %s %q sets %s, which this rewrite does not carry over", name, m.Type(), m.Labels()[0], attr)
					}
				}
				d := m.Body().GetAttribute("defaults")
				if d == nil || len(m.Labels()) != 1 {
					continue
				}
				expr := strings.TrimSpace(string(d.Expr().BuildTokens(nil).Bytes()))
				if m.Type() == "mock_resource" {
					resDefaults[m.Labels()[0]] = expr
				} else {
					dataDefaults[m.Labels()[0]] = expr
				}
			case "override_resource", "override_data":
				hoisted = append(hoisted, string(m.BuildTokens(nil).Bytes()))
			default:
				return nil, fmt.Errorf("%s: mock_provider \"aws\" has a %s block, which this rewrite does not know", name, m.Type())
			}
		}
		f.Body().RemoveBlock(b)
	}
	if !found {
		return nil, fmt.Errorf("%s: no mock_provider \"aws\" to replace", name)
	}

	// overrides writes one override block per address, skipping the targets in skip; during adds override_during.
	overrides := func(skip map[string]bool, during string) string {
		var b strings.Builder
		for _, set := range []struct {
			kind     string
			addrs    map[string]string
			defaults map[string]string
		}{{"override_resource", managed, resDefaults}, {"override_data", data, dataDefaults}} {
			keys := make([]string, 0, len(set.addrs))
			for k := range set.addrs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if skip[k] {
					continue
				}
				values := set.defaults[set.addrs[k]]
				if values == "" {
					values = "{}"
				}
				fmt.Fprintf(&b, "\n%s {\n  target = %s\n  values = %s\n%s}\n", set.kind, k, values, during)
			}
		}
		return b.String()
	}
	// A `command = plan` run gets the overrides itself, holding during plan: OpenTofu's mock provider gives its values
	// to a plan, Terraform's overrides only from apply on unless told (override_during = plan). File-level ones keep
	// the default, because with override_during = plan an apply run's values not given by the defaults would be
	// generated twice, at plan and at apply, and differ ("Provider produced inconsistent final plan").
	for _, run := range f.Body().Blocks() {
		if run.Type() != "run" {
			continue
		}
		cmd := run.Body().GetAttribute("command")
		if cmd == nil || strings.TrimSpace(string(cmd.Expr().BuildTokens(nil).Bytes())) != "plan" {
			continue
		}
		own := map[string]bool{}
		for _, o := range run.Body().Blocks() {
			if tg := o.Body().GetAttribute("target"); tg != nil && (o.Type() == "override_resource" || o.Type() == "override_data") {
				own[strings.TrimSpace(string(tg.Expr().BuildTokens(nil).Bytes()))] = true
			}
		}
		snippet, diags := hclwrite.ParseConfig([]byte(overrides(own, "  override_during = plan\n")), name+" (overrides)", hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: overrides for run %q: %v", name, run.Labels(), diags)
		}
		for _, o := range snippet.Body().Blocks() {
			run.Body().AppendNewline()
			run.Body().AppendBlock(o)
		}
	}

	var out bytes.Buffer
	out.Write(f.Bytes())
	out.WriteString(tfProviderBlock(endpoint, region))
	for _, h := range hoisted {
		out.WriteString("\n" + strings.TrimSpace(h) + "\n")
	}
	out.WriteString(overrides(nil, ""))
	return hclwrite.Format(out.Bytes()), nil
}

// engineName is the first word of `CLI version`: "Terraform" or "OpenTofu".
func engineName(t *testing.T, cli string) string {
	t.Helper()
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	name, _, _ := strings.Cut(string(out), " ")
	return name
}

// TestTerraformEphemeralSuites runs, under HashiCorp Terraform (REFARCH_TOFU names it: `make test-terraform`), the
// module test suites whose tree has an ephemeral resource, rewritten by terraformVariant, against a kumo started for
// the purpose. Under OpenTofu it has nothing to do: tools/module_tests.sh runs those suites with OpenTofu's mock
// provider, which has ephemeral resources.
func TestTerraformEphemeralSuites(t *testing.T) {
	cli := os.Getenv("REFARCH_TOFU")
	if cli == "" {
		t.Skip("REFARCH_TOFU is not set: `make test-terraform` runs this test with the pinned Terraform")
	}
	if engine := engineName(t, cli); engine != "Terraform" {
		t.Skipf("REFARCH_TOFU is %s: its mock provider runs these suites in tools/module_tests.sh", engine)
	}
	var suites []string
	dirs, _ := filepath.Glob("*/tests") // this package's directory is modules/
	examples, _ := filepath.Glob("../examples/*/tests")
	dirs = append(dirs, examples...)
	trees := map[string]*tfTree{}
	for _, d := range dirs {
		tree, err := readTFTree(filepath.Dir(d))
		if err != nil {
			t.Fatal(err)
		}
		if tree.ephemeral {
			suites = append(suites, filepath.Dir(d))
			trees[filepath.Dir(d)] = tree
		}
	}
	if len(suites) == 0 {
		t.Fatal("no module suite has an ephemeral resource: tools/module_tests.sh and this test disagree")
	}

	sb, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Stop)

	for _, dir := range suites {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			runTerraformVariant(t, cli, dir, trees[dir], sb.Endpoint, sb.Region)
		})
	}
}

// tfVariantDir is where the rewritten suite is written, relative to its module (Terraform's -test-directory is);
// .terraform/ is ignored by git and belongs to the working directory's init anyway.
const tfVariantDir = ".terraform/refarch-terraform-tests"

func runTerraformVariant(t *testing.T, cli, dir string, tree *tfTree, endpoint, region string) {
	if len(tree.forEach) > 0 {
		t.Fatalf("%s: module calls with for_each (%s): their resources' addresses cannot be overridden statically", dir, strings.Join(tree.forEach, ", "))
	}
	srcs, _ := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
	if len(srcs) == 0 {
		t.Fatalf("%s/tests has no .tftest.hcl", dir)
	}
	out := filepath.Join(dir, tfVariantDir)
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		src, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		v, err := terraformVariant(s, src, tree.managed, tree.data, endpoint, region)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(s)), v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := func(args ...string) {
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Dir = dir
		b, err := cmd.CombinedOutput()
		t.Logf("terraform %s (%s):\n%s", strings.Join(args, " "), dir, b)
		if err != nil {
			t.Fatalf("terraform %s in %s: %v", args[0], dir, err)
		}
	}
	_ = os.Remove(filepath.Join(dir, ".terraform.lock.hcl"))
	run("init", "-backend=false", "-input=false", "-no-color", "-test-directory="+tfVariantDir)
	run("test", "-no-color", "-test-directory="+tfVariantDir)
}

// TestTerraformVariantRewrite checks the rewrite itself, without a CLI: the aws mock becomes a real provider, every
// address gets an override with its type's defaults, a plan run gets its own (override_during = plan) except where it
// overrides the target itself, other blocks are kept, and what the rewrite cannot carry over is an error.
func TestTerraformVariantRewrite(t *testing.T) {
	src := `mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
}

mock_provider "refarch" {}

run "applied" {
  assert {
    condition     = aws_iam_role.this.arn != ""
    error_message = "kept"
  }
}

run "planned" {
  command = plan
  override_resource {
    target = module.api[0].aws_lambda_function.this
    values = { arn = "own" }
  }
}
`
	managed := map[string]string{"aws_iam_role.this": "aws_iam_role", "module.api[0].aws_lambda_function.this": "aws_lambda_function"}
	data := map[string]string{"data.aws_region.this": "aws_region"}
	got, err := terraformVariant("t.tftest.hcl", []byte(src), managed, data, "http://127.0.0.1:1", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	out := string(got)
	for _, want := range []string{
		`provider "aws" {`, `secretsmanager = "http://127.0.0.1:1"`, `mock_provider "refarch" {}`, `error_message = "kept"`,
		"target = aws_iam_role.this\n  values = { arn = \"arn:aws:iam::123456789012:role/mock\" }\n}",
		"target = data.aws_region.this\n  values = { region = \"us-east-1\" }\n}",
		"target = module.api[0].aws_lambda_function.this\n  values = {}\n}",
		"target          = aws_iam_role.this\n    values          = { arn = \"arn:aws:iam::123456789012:role/mock\" }\n    override_during = plan",
		"target = module.api[0].aws_lambda_function.this\n    values = { arn = \"own\" }",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the rewrite lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `mock_provider "aws" {`) {
		t.Errorf("the aws mock is still there:\n%s", out)
	}
	if n := strings.Count(out, "module.api[0].aws_lambda_function.this"); n != 2 {
		t.Errorf("module.api[0].aws_lambda_function.this is overridden %d times, want 2 (the file's and the plan run's own):\n%s", n, out)
	}
	if _, diags := hclparse.NewParser().ParseHCL(got, "variant.tftest.hcl"); diags.HasErrors() {
		t.Errorf("the rewrite does not parse: %v\n%s", diags, out)
	}

	for name, bad := range map[string]string{
		"alias":         "mock_provider \"aws\" {\n  alias = \"east\"\n}\n",
		"two mocks":     "mock_provider \"aws\" {}\nmock_provider \"aws\" {}\n",
		"no mock":       "run \"x\" {}\n",
		"unknown block": "mock_provider \"aws\" {\n  something \"x\" {}\n}\n",
	} {
		if _, err := terraformVariant(name, []byte(bad), managed, data, "http://127.0.0.1:1", "us-east-1"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestReadTFTree reads a real tree: modules/myblog calls modules with count (instance [0]), reads data sources and
// has an ephemeral resource through modules/origin-verify; modules/vpc has none.
func TestReadTFTree(t *testing.T) {
	tree, err := readTFTree("myblog")
	if err != nil {
		t.Fatal(err)
	}
	managed, data := tree.managed, tree.data
	if !tree.ephemeral {
		t.Error("modules/myblog's tree has an ephemeral resource (modules/origin-verify's password)")
	}
	if vpc, err := readTFTree("vpc"); err != nil || vpc.ephemeral {
		t.Errorf("modules/vpc: %+v, %v; want no ephemeral resource", vpc, err)
	}
	for addr, typ := range map[string]string{
		"aws_dynamodb_table.users":                               "aws_dynamodb_table",
		"module.origin_verify[0].aws_secretsmanager_secret.this": "aws_secretsmanager_secret",
		"module.thumbnail_dlq.aws_sqs_queue.this":                "aws_sqs_queue",
	} {
		if managed[addr] != typ {
			t.Errorf("managed[%s] = %q, want %q", addr, managed[addr], typ)
		}
	}
	if len(data) == 0 {
		t.Error("no data sources found in modules/myblog's tree")
	}
	for addr := range managed {
		if strings.Contains(addr, "ephemeral") {
			t.Errorf("%s: an ephemeral resource must not be overridden", addr)
		}
	}
}
