package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The project's own release configuration passes.
func TestProjectConfigPasses(t *testing.T) {
	t.Chdir("../..")
	if problems := check(".goreleaser.yml", "terraform-registry-manifest.json", "main.go"); len(problems) > 0 {
		t.Fatalf("problems in the project's release configuration:\n%s", strings.Join(problems, "\n"))
	}
}

// Each way of breaking the registry layout is reported.
func TestBrokenConfigsFail(t *testing.T) {
	orig, err := os.ReadFile("../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ old, new, want string }{
		"five targets":     {"      - arm64\n", "", "goarch"},
		"binary name":      {"binary: '{{ .ProjectName }}_v{{ .Version }}'", "binary: '{{ .ProjectName }}'", "builds[0].binary"},
		"tar.gz":           {"      - zip\n", "      - tar.gz\n", "formats"},
		"archive name":     {"_{{ .Os }}_{{ .Arch }}'", "_{{ .Os }}-{{ .Arch }}'", "archives[0].name_template"},
		"no manifest sums": {"checksum:\n  extra_files:", "checksum:\n  extra_filez:", "checksum.extra_files"},
		"ignored target":   {"    goarch:\n", "    ignore:\n      - goos: windows\n        goarch: arm64\n    goarch:\n", "ignore"},
	} {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(orig), tc.old) {
				t.Fatalf(".goreleaser.yml no longer contains %q; update the test", tc.old)
			}
			cfg := filepath.Join(t.TempDir(), "goreleaser.yml")
			if err := os.WriteFile(cfg, []byte(strings.Replace(string(orig), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			problems := check(cfg, "../../terraform-registry-manifest.json", "../../main.go")
			if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Fatalf("want a problem about %s, got %q", tc.want, problems)
			}
		})
	}
	manifest := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(manifest, []byte(`{"version":1,"metadata":{"protocol_versions":["5.0"]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if problems := check("../../.goreleaser.yml", manifest, "../../main.go"); !strings.Contains(strings.Join(problems, "\n"), "protocol_versions") {
		t.Fatalf("protocol 5.0 not reported: %q", problems)
	}
}
