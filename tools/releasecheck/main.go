// Command releasecheck checks, without building anything, that the release configuration produces what the
// Terraform/OpenTofu registries accept: the goreleaser gate of tools/check.sh (every `make test`) runs it after
// `goreleaser check`; `make release-check` builds the six-platform snapshot and checks the archives themselves.
//
// It checks .goreleaser.yml for the six targets (linux/darwin/windows × amd64/arm64), the binary and archive names
// (terraform-provider-refarch_v<version>[.exe] in terraform-provider-refarch_<version>_<os>_<arch>.zip), the
// <name>_<version>_SHA256SUMS that lists <name>_<version>_manifest.json (terraform-registry-manifest.json) and the
// release's copy of that manifest, and that the manifest declares protocol 6.0, the protocol main.go serves.
//
//	go run ./tools/releasecheck [-config .goreleaser.yml] [-manifest terraform-registry-manifest.json] [-main main.go]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

const projectName = "terraform-provider-refarch"

type extraFile struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

type sign struct {
	Artifacts string `yaml:"artifacts"`
}

type config struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Env     []string         `yaml:"env"`
		Goos    []string         `yaml:"goos"`
		Goarch  []string         `yaml:"goarch"`
		Ignore  []map[string]any `yaml:"ignore"`
		Targets []string         `yaml:"targets"`
		Binary  string           `yaml:"binary"`
		Skip    any              `yaml:"skip"`
	} `yaml:"builds"`
	Archives []struct {
		Formats      []string `yaml:"formats"`
		Format       string   `yaml:"format"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string      `yaml:"name_template"`
		Algorithm    string      `yaml:"algorithm"`
		ExtraFiles   []extraFile `yaml:"extra_files"`
	} `yaml:"checksum"`
	Signs   []sign `yaml:"signs"`
	Release struct {
		ExtraFiles []extraFile `yaml:"extra_files"`
	} `yaml:"release"`
}

// tmpl drops the spaces inside {{ }} so that "{{ .Version }}" and "{{.Version}}" compare equal.
func tmpl(s string) string {
	return regexp.MustCompile(`\{\{\s*(.*?)\s*\}\}`).ReplaceAllString(strings.TrimSpace(s), "{{$1}}")
}

func main() {
	cfgPath := flag.String("config", ".goreleaser.yml", "goreleaser configuration")
	manifestPath := flag.String("manifest", "terraform-registry-manifest.json", "registry manifest")
	mainPath := flag.String("main", "main.go", "the provider's main package file (its ProtocolVersion)")
	flag.Parse()
	problems := check(*cfgPath, *manifestPath, *mainPath)
	for _, p := range problems {
		fmt.Println("  " + p)
	}
	if len(problems) > 0 {
		fmt.Printf("releasecheck: %d problem(s)\n", len(problems))
		os.Exit(1)
	}
	fmt.Println("releasecheck: 6 targets (linux/darwin/windows × amd64/arm64), zip and binary names, SHA256SUMS with the manifest, protocol 6.0")
}

func check(cfgPath, manifestPath, mainPath string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	raw, err := os.ReadFile(cfgPath)
	if err != nil {
		return []string{err.Error()}
	}
	var cfg config
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return []string{fmt.Sprintf("%s: %v", cfgPath, err)}
	}
	if cfg.ProjectName != projectName {
		bad("project_name is %q, want %q", cfg.ProjectName, projectName)
	}

	if len(cfg.Builds) != 1 {
		bad("%d builds, want 1 (the provider)", len(cfg.Builds))
	} else {
		b := cfg.Builds[0]
		if got := slices.Sorted(slices.Values(b.Goos)); !slices.Equal(got, []string{"darwin", "linux", "windows"}) {
			bad("builds[0].goos is %v, want [darwin linux windows]", got)
		}
		if got := slices.Sorted(slices.Values(b.Goarch)); !slices.Equal(got, []string{"amd64", "arm64"}) {
			bad("builds[0].goarch is %v, want [amd64 arm64]", got)
		}
		if len(b.Ignore) > 0 || len(b.Targets) > 0 || b.Skip != nil {
			bad("builds[0] has ignore/targets/skip: the release must hold all six linux/darwin/windows × amd64/arm64 builds")
		}
		if tmpl(b.Binary) != "{{.ProjectName}}_v{{.Version}}" {
			bad("builds[0].binary is %q, want '{{ .ProjectName }}_v{{ .Version }}' (the registry's terraform-provider-<name>_v<version>)", b.Binary)
		}
		if !slices.Contains(b.Env, "CGO_ENABLED=0") {
			bad("builds[0].env lacks CGO_ENABLED=0 (static binaries for every platform)")
		}
	}

	if len(cfg.Archives) != 1 {
		bad("%d archives, want 1", len(cfg.Archives))
	} else {
		a := cfg.Archives[0]
		formats := a.Formats
		if a.Format != "" {
			formats = append(formats, a.Format)
		}
		if !slices.Equal(formats, []string{"zip"}) {
			bad("archives[0] formats are %v, want [zip]", formats)
		}
		if tmpl(a.NameTemplate) != "{{.ProjectName}}_{{.Version}}_{{.Os}}_{{.Arch}}" {
			bad("archives[0].name_template is %q, want '{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}'", a.NameTemplate)
		}
	}

	if tmpl(cfg.Checksum.NameTemplate) != "{{.ProjectName}}_{{.Version}}_SHA256SUMS" {
		bad("checksum.name_template is %q, want '{{ .ProjectName }}_{{ .Version }}_SHA256SUMS'", cfg.Checksum.NameTemplate)
	}
	if cfg.Checksum.Algorithm != "sha256" {
		bad("checksum.algorithm is %q, want sha256", cfg.Checksum.Algorithm)
	}
	hasManifest := func(files []extraFile) bool {
		return slices.ContainsFunc(files, func(f extraFile) bool {
			return f.Glob == filepath.Base(manifestPath) && tmpl(f.NameTemplate) == "{{.ProjectName}}_{{.Version}}_manifest.json"
		})
	}
	if !hasManifest(cfg.Checksum.ExtraFiles) {
		bad("checksum.extra_files lacks %s as '{{ .ProjectName }}_{{ .Version }}_manifest.json' (the SHA256SUMS must cover it)", filepath.Base(manifestPath))
	}
	if !hasManifest(cfg.Release.ExtraFiles) {
		bad("release.extra_files lacks %s as '{{ .ProjectName }}_{{ .Version }}_manifest.json'", filepath.Base(manifestPath))
	}
	if !slices.ContainsFunc(cfg.Signs, func(s sign) bool { return s.Artifacts == "checksum" }) {
		bad("signs: no entry with artifacts: checksum (the registry wants a signed SHA256SUMS)")
	}

	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if raw, err := os.ReadFile(manifestPath); err != nil {
		bad("%v", err)
	} else if err := json.Unmarshal(raw, &manifest); err != nil {
		bad("%s: %v", manifestPath, err)
	} else {
		if manifest.Version != 1 {
			bad("%s: version is %d, want 1", manifestPath, manifest.Version)
		}
		if !slices.Equal(manifest.Metadata.ProtocolVersions, []string{"6.0"}) {
			bad("%s: protocol_versions is %v, want [\"6.0\"] (main.go serves protocol 6)", manifestPath, manifest.Metadata.ProtocolVersions)
		}
	}
	if src, err := os.ReadFile(mainPath); err != nil {
		bad("%v", err)
	} else if !regexp.MustCompile(`ProtocolVersion:\s*6\b`).Match(src) {
		bad("%s does not serve protocol 6 (ProtocolVersion: 6), which the manifest declares", mainPath)
	}
	return problems
}
