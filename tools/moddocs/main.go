// Command moddocs writes the reference part of a Terraform/OpenTofu module's README.md, offline, in terraform-docs'
// default "markdown table" layout: Requirements, Providers, Modules, Resources, Inputs and Outputs.
//
//	go run ./tools/moddocs [-check] modules/*/
//
// For each module directory it replaces what lies between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> in the
// directory's README.md and leaves the hand-written text around the markers alone. A README without the markers
// gets them, with the generated block, appended; a missing README is created with a "# <dir name>" title.
// With -check nothing is written: the READMEs that would change are listed and the exit status is 1.
//
// The output depends only on the module's committed configuration, so the same input gives a byte-identical file:
// rows are sorted, no lock file is read (provider versions are the module's constraints, not what some local
// `init` selected) and local override files (override.tf, *_override.tf), which are never committed, are skipped.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"
)

const (
	beginMarker = "<!-- BEGIN_TF_DOCS -->"
	endMarker   = "<!-- END_TF_DOCS -->"
	readmeName  = "README.md"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status (0 ok, 1 stale READMEs with -check or an error,
// 2 bad usage).
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("moddocs", flag.ContinueOnError)
	fl.SetOutput(stderr)
	check := fl.Bool("check", false, "write nothing; list the READMEs that would change and exit 1 if there are any")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: moddocs [-check] <module dir>...\n\n"+
			"Rewrites the part of each module's README.md between %s and %s\n"+
			"with terraform-docs style tables generated from the module's .tf files.\n\n", beginMarker, endMarker)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}

	status := 0
	var stale []string
	for _, dir := range fl.Args() {
		path, changed, err := update(dir, !*check)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "moddocs: %s: %v\n", dir, err)
			status = 1
		case changed && *check:
			stale = append(stale, path)
		case changed:
			fmt.Fprintf(stdout, "moddocs: updated %s\n", path)
		}
	}
	if len(stale) > 0 {
		for _, p := range stale {
			fmt.Fprintln(stdout, p)
		}
		fmt.Fprintf(stderr, "moddocs: %d README(s) out of date: run `go run ./tools/moddocs <module dir>...` (or `make docs`) and commit the result\n", len(stale))
		status = 1
	}
	return status
}

// update regenerates dir's README.md. It returns the README's path and whether its content changes; it writes
// only when write is true and the content changes.
func update(dir string, write bool) (string, bool, error) {
	path := filepath.Join(dir, readmeName)
	block, err := generate(dir)
	if err != nil {
		return path, false, err
	}
	old, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return path, false, err
	}
	updated, err := inject(old, exists, moduleTitle(dir), block)
	if err != nil {
		return path, false, fmt.Errorf("%s: %w", path, err)
	}
	if exists && bytes.Equal(old, updated) {
		return path, false, nil
	}
	if write {
		if err := os.WriteFile(path, updated, 0o644); err != nil {
			return path, true, err
		}
	}
	return path, true, nil
}

func moduleTitle(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Base(abs)
}

// inject puts block between the markers of a README's content. exists tells a missing README from an empty one.
func inject(readme []byte, exists bool, title, block string) ([]byte, error) {
	generated := beginMarker + "\n" + block + endMarker
	if !exists {
		return []byte("# " + title + "\n\n" + generated + "\n"), nil
	}
	s := string(readme)
	begin := strings.Index(s, beginMarker)
	if begin < 0 {
		if strings.Contains(s, endMarker) {
			return nil, fmt.Errorf("%s without %s before it", endMarker, beginMarker)
		}
		switch {
		case strings.TrimSpace(s) == "":
			s = ""
		case strings.HasSuffix(s, "\n\n"):
		case strings.HasSuffix(s, "\n"):
			s += "\n"
		default:
			s += "\n\n"
		}
		return []byte(s + generated + "\n"), nil
	}
	end := strings.Index(s[begin:], endMarker)
	if end < 0 {
		return nil, fmt.Errorf("%s without %s after it", beginMarker, endMarker)
	}
	end += begin + len(endMarker)
	return []byte(s[:begin] + generated + s[end:]), nil
}

// noOverrideFS hides local override files, which customise one working copy and are never committed.
type noOverrideFS struct{ tfconfig.FS }

func (f noOverrideFS) ReadDir(dir string) ([]os.FileInfo, error) {
	infos, err := f.FS.ReadDir(dir)
	kept := infos[:0]
	for _, fi := range infos {
		if !isOverrideFile(fi.Name()) {
			kept = append(kept, fi)
		}
	}
	return kept, err
}

func isOverrideFile(name string) bool {
	for _, ext := range []string{".tf.json", ".tf"} {
		if base, ok := strings.CutSuffix(name, ext); ok {
			return base == "override" || strings.HasSuffix(base, "_override")
		}
	}
	return false
}

// generate loads the module in dir and renders its documentation block (without the markers).
func generate(dir string) (string, error) {
	fsys := noOverrideFS{tfconfig.NewOsFs()}
	if !tfconfig.IsModuleDirOnFilesystem(fsys, dir) {
		return "", errors.New("no Terraform configuration files (.tf) in this directory")
	}
	mod, diags := tfconfig.LoadModuleFromFilesystem(fsys, dir)
	if diags.HasErrors() {
		return "", diags.Err()
	}
	return render(mod), nil
}

// render formats a module in terraform-docs' markdown table layout (defaults: anchors, escaping, HTML on).
func render(mod *tfconfig.Module) string {
	var b strings.Builder
	sections := []func(*strings.Builder, *tfconfig.Module){
		renderRequirements, renderProviders, renderModules, renderResources, renderInputs, renderOutputs,
	}
	for i, section := range sections {
		if i > 0 {
			b.WriteString("\n")
		}
		section(&b, mod)
	}
	return b.String()
}

func renderRequirements(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Requirements\n\n")
	var rows [][2]string
	for _, core := range mod.RequiredCore {
		rows = append(rows, [2]string{"terraform", core})
	}
	for _, name := range sortedKeys(mod.RequiredProviders) {
		for _, c := range mod.RequiredProviders[name].VersionConstraints {
			rows = append(rows, [2]string{name, c})
		}
	}
	if len(rows) == 0 {
		b.WriteString("No requirements.\n")
		return
	}
	b.WriteString("| Name | Version |\n|------|---------|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s |\n", anchor("requirement", r[0]), cell(r[1]))
	}
}

func renderProviders(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Providers\n\n")
	// The providers the module's resources use, as terraform-docs lists them (name, or name.alias).
	versions := map[string]string{}
	for _, rs := range []map[string]*tfconfig.Resource{mod.ManagedResources, mod.DataResources} {
		for _, r := range rs {
			name := r.Provider.Name
			if r.Provider.Alias != "" {
				name += "." + r.Provider.Alias
			}
			version := "n/a"
			if req, ok := mod.RequiredProviders[r.Provider.Name]; ok && len(req.VersionConstraints) > 0 {
				version = strings.Join(req.VersionConstraints, ", ")
			}
			versions[name] = version
		}
	}
	if len(versions) == 0 {
		b.WriteString("No providers.\n")
		return
	}
	b.WriteString("| Name | Version |\n|------|---------|\n")
	for _, name := range sortedKeys(versions) {
		fmt.Fprintf(b, "| %s | %s |\n", anchor("provider", name), cell(versions[name]))
	}
}

func renderModules(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Modules\n\n")
	if len(mod.ModuleCalls) == 0 {
		b.WriteString("No modules.\n")
		return
	}
	b.WriteString("| Name | Source | Version |\n|------|--------|---------|\n")
	for _, name := range sortedKeys(mod.ModuleCalls) {
		mc := mod.ModuleCalls[name]
		version := mc.Version
		if version == "" {
			version = "n/a"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", anchor("module", name), cell(mc.Source), cell(version))
	}
}

func renderResources(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Resources\n\n")
	if len(mod.ManagedResources)+len(mod.DataResources) == 0 {
		b.WriteString("No resources.\n")
		return
	}
	b.WriteString("| Name | Type |\n|------|------|\n")
	// Managed resources first, then data sources, each sorted by address (terraform-docs' order).
	for _, group := range []struct {
		resources map[string]*tfconfig.Resource
		kind      string // terraform-docs' type column
		docs      string // the registry's docs folder
	}{
		{mod.ManagedResources, "resource", "resources"},
		{mod.DataResources, "data source", "data-sources"},
	} {
		specs := map[string]*tfconfig.Resource{}
		for _, r := range group.resources {
			specs[r.Type+"."+r.Name] = r
		}
		for _, spec := range sortedKeys(specs) {
			name := cell(spec)
			if url := registryURL(mod, specs[spec], group.docs); url != "" {
				name = "[" + name + "](" + url + ")"
			}
			fmt.Fprintf(b, "| %s | %s |\n", name, group.kind)
		}
	}
}

// registryURL is terraform-docs' guess at a resource's documentation on the public registry: the provider's source
// (hashicorp/<name> when not declared), the latest version; none for sources on other hosts.
func registryURL(mod *tfconfig.Module, r *tfconfig.Resource, docs string) string {
	source := "hashicorp/" + r.Provider.Name
	if req, ok := mod.RequiredProviders[r.Provider.Name]; ok && req.Source != "" {
		source = strings.ToLower(req.Source)
	}
	if strings.Count(source, "/") != 1 {
		return ""
	}
	return fmt.Sprintf("https://registry.terraform.io/providers/%s/latest/docs/%s/%s",
		source, docs, strings.TrimPrefix(r.Type, r.Provider.Name+"_"))
}

func renderInputs(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Inputs\n\n")
	if len(mod.Variables) == 0 {
		b.WriteString("No inputs.\n")
		return
	}
	b.WriteString("| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|\n")
	for _, name := range sortedKeys(mod.Variables) {
		v := mod.Variables[name]
		def, required := "n/a", "yes"
		if !v.Required {
			def, required = codeValue(v.Default), "no"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n",
			anchor("input", name), description(v.Description), typeExpr(v.Type), def, required)
	}
}

func renderOutputs(b *strings.Builder, mod *tfconfig.Module) {
	b.WriteString("## Outputs\n\n")
	if len(mod.Outputs) == 0 {
		b.WriteString("No outputs.\n")
		return
	}
	b.WriteString("| Name | Description |\n|------|-------------|\n")
	for _, name := range sortedKeys(mod.Outputs) {
		fmt.Fprintf(b, "| %s | %s |\n", anchor("output", name), description(mod.Outputs[name].Description))
	}
}

// anchor is terraform-docs' name cell: an HTML anchor plus a self-link, underscores escaped in the visible text.
func anchor(prefix, name string) string {
	id := prefix + "_" + name
	return fmt.Sprintf(`<a name="%s"></a> [%s](#%s)`, id, escapeMarkdown(name), escapeMarkdown(id))
}

// description renders free text for a table cell: Markdown specials escaped outside `code`, newlines as <br/>.
func description(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return "n/a"
	}
	lines := strings.Split(cell(escapeOutsideCode(s)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "<br/>")
}

// escapeOutsideCode escapes '_' (as terraform-docs does) and '<' (so that placeholders such as <id> are shown
// rather than taken for HTML tags) outside backtick code spans. Text after an unmatched backtick stays as written.
func escapeOutsideCode(s string) string {
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 { // even parts lie outside code spans
		parts[i] = strings.ReplaceAll(escapeMarkdown(parts[i]), "<", "&lt;")
	}
	return strings.Join(parts, "`")
}

func escapeMarkdown(s string) string { return strings.ReplaceAll(s, "_", `\_`) }

// cell escapes the table's column separator; GitHub needs that even inside code spans.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// typeExpr renders a variable's type as written: `one line` in a code span, several lines in <pre> as terraform-docs
// does (continuation lines keep their indentation from the .tf file).
func typeExpr(t string) string {
	t = strings.TrimSpace(strings.ReplaceAll(t, "\r\n", "\n"))
	if t == "" {
		t = "any"
	}
	if !strings.Contains(t, "\n") {
		return code(t)
	}
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		lines[i] = cell(preEscaper.Replace(strings.TrimRight(l, " \t")))
	}
	return "<pre>" + strings.Join(lines, "<br/>") + "</pre>"
}

// preEscaper escapes what HTML would take for markup inside <pre>; quotes stay readable.
var preEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// codeValue renders a default value compactly as JSON (which is also valid HCL for these values): `null`, `"v1"`,
// `365`, `true`, `{}`, `["a","b"]`, `{"k":"v"}` (object keys sorted).
func codeValue(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return code(fmt.Sprint(v))
	}
	return code(strings.TrimSuffix(buf.String(), "\n"))
}

// code wraps s in a code span, with a longer fence when s itself holds backticks.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if fence != "`" || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + cell(s) + " " + fence
	}
	return fence + cell(s) + fence
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
