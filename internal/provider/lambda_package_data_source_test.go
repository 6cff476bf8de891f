package provider

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/refarch/terraform-provider-refarch/internal/lambdapkg"
)

var (
	fakeTodosARM64 = []byte("PK fake todos arm64 zip")
	fakeTodosX86   = []byte("PK fake todos x86_64 zip")
)

// useFakePackages makes lambdapkg serve a fake set of packages for the test.
func useFakePackages(t *testing.T) {
	t.Helper()
	t.Cleanup(lambdapkg.ReplaceFS(fstest.MapFS{
		".gitkeep":           {},
		"todos_arm64.zip":    {Data: fakeTodosARM64},
		"todos_x86_64.zip":   {Data: fakeTodosX86},
		"authedge_arm64.zip": {Data: []byte("PK fake authedge zip")},
	}))
}

func sums(b []byte) (hexSum, b64 string) {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), base64.StdEncoding.EncodeToString(s[:])
}

func TestWriteLambdaPackage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "out")
	hexSum, b64 := sums(fakeTodosARM64)

	pkg, err := writeLambdaPackage(dir, "todos", "arm64", fakeTodosARM64)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "todos_arm64_"+hexSum[:12]+".zip"); pkg.filename != want {
		t.Errorf("filename = %q, want %q", pkg.filename, want)
	}
	if pkg.sourceCodeHash != b64 || pkg.hexSum != hexSum {
		t.Errorf("hashes = %q, %q; want %q, %q", pkg.sourceCodeHash, pkg.hexSum, b64, hexSum)
	}
	if got, err := os.ReadFile(pkg.filename); err != nil || string(got) != string(fakeTodosARM64) {
		t.Fatalf("content = %q, %v", got, err)
	}

	// Same content already present: the file is left alone.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(pkg.filename, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := writeLambdaPackage(dir, "todos", "arm64", fakeTodosARM64); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(pkg.filename); !fi.ModTime().Equal(old) {
		t.Error("an up-to-date file was rewritten")
	}

	// A damaged file with the expected name is replaced.
	if err := os.WriteFile(pkg.filename, []byte("truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writeLambdaPackage(dir, "todos", "arm64", fakeTodosARM64); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(pkg.filename); string(got) != string(fakeTodosARM64) {
		t.Errorf("damaged file not replaced: %q", got)
	}

	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("output dir holds %v, want only the zip", names)
	}
}

func TestLambdaPackageNameValidator(t *testing.T) {
	validate := func(v types.String) validator.StringResponse {
		var resp validator.StringResponse
		lambdaPackageNameValidator{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("name"), ConfigValue: v}, &resp)
		return resp
	}

	t.Run("packages embedded", func(t *testing.T) {
		useFakePackages(t)
		if resp := validate(types.StringValue("todos")); resp.Diagnostics.HasError() {
			t.Errorf("todos rejected: %v", resp.Diagnostics)
		}
		if resp := validate(types.StringUnknown()); resp.Diagnostics.HasError() {
			t.Errorf("unknown value rejected: %v", resp.Diagnostics)
		}
		resp := validate(types.StringValue("nope"))
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "authedge, todos") {
			t.Errorf("nope: %v", resp.Diagnostics)
		}
	})

	t.Run("provider built without packages", func(t *testing.T) {
		t.Cleanup(lambdapkg.ReplaceFS(fstest.MapFS{".gitkeep": {}}))
		resp := validate(types.StringValue("todos"))
		if !resp.Diagnostics.HasError() {
			t.Fatal("accepted a name although no package is embedded")
		}
		if d := resp.Diagnostics[0].Detail(); !strings.Contains(d, "make lambdas") || !strings.Contains(d, "rebuild") {
			t.Errorf("detail %q does not explain how to embed the packages", d)
		}
	})
}

func TestAccLambdaPackageDataSource(t *testing.T) {
	isolateAWSEnv(t) // no Region: the data source makes no AWS call and must not need one
	useFakePackages(t)
	// The provider runs in this process, so relative output_dir values are
	// relative to the test's working directory: keep them out of the source tree.
	t.Chdir(t.TempDir())
	explicitDir := t.TempDir()

	armHex, armB64 := sums(fakeTodosARM64)
	x86Hex, x86B64 := sums(fakeTodosX86)
	const addr = "data.refarch_lambda_package.test"

	fileWithContent := func(want []byte) knownvalue.Check {
		return knownvalue.StringFunc(func(filename string) error {
			got, err := os.ReadFile(filename)
			if err != nil {
				return err
			}
			if string(got) != string(want) {
				return fmt.Errorf("%s holds %q, want %q", filename, got, want)
			}
			return nil
		})
	}

	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(`
data "refarch_lambda_package" "test" {
  name = "todos"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("runtime"), knownvalue.StringExact("provided.al2023")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("handler"), knownvalue.StringExact("bootstrap")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("architecture"), knownvalue.StringExact("arm64")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("output_dir"), knownvalue.StringExact(".terraform/refarch/lambda")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filename"),
						knownvalue.StringExact(filepath.Join(".terraform", "refarch", "lambda", "todos_arm64_"+armHex[:12]+".zip"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filename"), fileWithContent(fakeTodosARM64)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_code_hash"), knownvalue.StringExact(armB64)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("todos_arm64_"+armHex)),
				},
			},
			{
				Config: testAccConfig(fmt.Sprintf(`
data "refarch_lambda_package" "test" {
  name         = "todos"
  architecture = "x86_64"
  output_dir   = %q
}
`, explicitDir)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("architecture"), knownvalue.StringExact("x86_64")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filename"),
						knownvalue.StringExact(filepath.Join(explicitDir, "todos_x86_64_"+x86Hex[:12]+".zip"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filename"), fileWithContent(fakeTodosX86)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_code_hash"), knownvalue.StringExact(x86B64)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("runtime"), knownvalue.StringExact("provided.al2023")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("handler"), knownvalue.StringExact("bootstrap")),
				},
			},
		},
	})
}

func TestAccLambdaPackageDataSource_errors(t *testing.T) {
	isolateAWSEnv(t)
	t.Chdir(t.TempDir())

	for name, tc := range map[string]struct {
		fs     fstest.MapFS
		config string
		want   string
	}{
		"unknown name": {
			config: `name = "nope"`,
			want:   `embeds: authedge, todos`,
		},
		"invalid architecture": {
			config: "name = \"todos\"\n  architecture = \"amd64\"",
			want:   `value must be one of`,
		},
		"architecture not embedded": {
			config: "name = \"authedge\"\n  architecture = \"x86_64\"",
			want:   `embedded for arm64 only`,
		},
		"provider built without packages": {
			fs:     fstest.MapFS{".gitkeep": {}},
			config: `name = "todos"`,
			want:   `Provider built without Lambda packages`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.fs != nil {
				t.Cleanup(lambdapkg.ReplaceFS(tc.fs))
			} else {
				useFakePackages(t)
			}
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccConfig("data \"refarch_lambda_package\" \"test\" {\n  " + tc.config + "\n}\n"),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
