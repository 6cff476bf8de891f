// Command awstrim cuts the hashicorp/aws provider down to the service packages refarch's configurations use, so
// the provider the sandbox, the module tests and the acceptance tests run builds in a fraction of the time and disk
// of a full build (a full build compiles all ~266 service packages and ~264 AWS SDK clients).
//
//	go run ./tools/awstrim list  -aws DIR [-root DIR]   print the service list the configurations under -root need
//	go run ./tools/awstrim apply -aws DIR -services FILE rewrite DIR (a writable copy of the provider's source)
//
// list scans every Terraform configuration, test file and Go file of the repository (-root, default ".") for the
// aws_* resource, data source, ephemeral and mock types it declares, finds the service package that registers each
// type in the provider source (-aws: the module directory, as `go mod download -json` prints it), and prints one
// line per package with the types it serves. tools/aws-services.txt is its output; TestServiceListIsCurrent fails
// when a configuration gains a type the list does not cover.
//
// apply rewrites two generated files of the provider's source: internal/provider/sdkv2/service_packages_gen.go keeps
// only the listed packages, and internal/conns/awsclient_gen.go keeps only the SDK client getters that the packages
// still compiled (found by following imports from the provider's main package) call. Everything else is unchanged;
// a type outside the list is then "not supported by this provider" at plan time, never silently different.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const modulePath = "github.com/hashicorp/terraform-provider-aws"

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fset := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	awsDir := fset.String("aws", "", "the hashicorp/aws source directory")
	root := fset.String("root", ".", "the refarch repository root (list)")
	services := fset.String("services", "", "the service list file (apply)")
	if err := fset.Parse(os.Args[2:]); err != nil || *awsDir == "" {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "list":
		var out string
		out, err = listServices(*root, *awsDir)
		if err == nil {
			fmt.Print(out)
		}
	case "apply":
		if *services == "" {
			usage()
		}
		var names []string
		if names, err = readServiceList(*services); err == nil {
			err = apply(*awsDir, names)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "awstrim:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: awstrim list -aws DIR [-root DIR] | awstrim apply -aws DIR -services FILE")
	os.Exit(2)
}

// typeRef matches the places a configuration names an AWS type: resource/data/ephemeral/list blocks in HCL (also
// inside Go string literals and heredocs) and mock_resource/mock_data/mock_ephemeral blocks of `tofu test` files.
// configSuffixes are the files whose aws_* type references count: configurations, tests, mocks and Go (tests
// that write HCL).
var configSuffixes = []string{".tf", ".tftest.hcl", ".tfmock.hcl", ".tf.json", ".go"}

var typeRef = regexp.MustCompile(`\b(?:resource|data|ephemeral|list|mock_resource|mock_data|mock_ephemeral_resource)\s+\\?"(aws_[a-z0-9_]+)\\?"`)

// usedTypes returns every aws_* type named under root, skipping VCS, build output and tool working directories.
func usedTypes(root string) (map[string]bool, error) {
	types := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".terraform", "node_modules", "bin", "dist":
				if path != root {
					return filepath.SkipDir
				}
			}
			return nil
		}
		name := d.Name()
		if !slices.ContainsFunc(configSuffixes, func(suffix string) bool { return strings.HasSuffix(name, suffix) }) {
			return nil
		}
		if strings.HasPrefix(path, filepath.Join(root, "tools", "awstrim")+string(filepath.Separator)) {
			return nil // this command's own examples and tests
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range typeRef.FindAllSubmatch(b, -1) {
			types[string(m[1])] = true
		}
		return nil
	})
	return types, err
}

var typeName = regexp.MustCompile(`\bTypeName:\s+"(aws_[a-z0-9_]+)"`)

// typeOwners maps every type the provider registers to the service package that registers it.
func typeOwners(awsDir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(awsDir, "internal", "service", "*", "service_package_gen.go"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s has no internal/service/*/service_package_gen.go: not a hashicorp/aws source tree", awsDir)
	}
	owners := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pkg := filepath.Base(filepath.Dir(f))
		for _, m := range typeName.FindAllSubmatch(b, -1) {
			t := string(m[1])
			if prev, ok := owners[t]; ok && prev != pkg {
				return nil, fmt.Errorf("type %s is registered by both %s and %s", t, prev, pkg)
			}
			owners[t] = pkg
		}
	}
	return owners, nil
}

// listServices renders the service list the configurations under root need, one package per line with its types.
func listServices(root, awsDir string) (string, error) {
	used, err := usedTypes(root)
	if err != nil {
		return "", err
	}
	owners, err := typeOwners(awsDir)
	if err != nil {
		return "", err
	}
	byPkg := map[string][]string{}
	var unknown []string
	for t := range used {
		pkg, ok := owners[t]
		if !ok {
			unknown = append(unknown, t)
			continue
		}
		byPkg[pkg] = append(byPkg[pkg], t)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return "", fmt.Errorf("no service package of %s registers %s", awsDir, strings.Join(unknown, ", "))
	}
	pkgs := make([]string, 0, len(byPkg))
	for p := range byPkg {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	var b strings.Builder
	b.WriteString("# The hashicorp/aws service packages refarch builds into its provider (tools/tool.sh, tools/awstrim).\n")
	b.WriteString("# Generated by `make aws-services` from the types the repository's configurations use; do not edit.\n")
	b.WriteString("# Only the package names count (they key the cached build); the types after each are for readers.\n")
	for _, p := range pkgs {
		ts := byPkg[p]
		sort.Strings(ts)
		fmt.Fprintf(&b, "%s # %s\n", p, strings.Join(ts, " "))
	}
	return b.String(), nil
}

// readServiceList reads the package names of a service list (first word of each non-comment line).
func readServiceList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, strings.Fields(line)[0])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s lists no service package", path)
	}
	return names, nil
}

// apply trims the provider source in awsDir to the named service packages.
func apply(awsDir string, names []string) error {
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(awsDir, "internal", "service", n)); err != nil {
			return fmt.Errorf("service package %q: %w", n, err)
		}
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[modulePath+"/internal/service/"+n] = true
	}
	spFile := filepath.Join(awsDir, "internal", "provider", "sdkv2", "service_packages_gen.go")
	if err := rewrite(spFile, func(f *ast.File) error { return trimServicePackages(f, keep) }); err != nil {
		return err
	}
	pkgs, err := internalDeps(awsDir)
	if err != nil {
		return err
	}
	called, err := selectorsUsed(awsDir, pkgs, filepath.Join("internal", "conns", "awsclient_gen.go"))
	if err != nil {
		return err
	}
	clientFile := filepath.Join(awsDir, "internal", "conns", "awsclient_gen.go")
	return rewrite(clientFile, func(f *ast.File) error { return trimClientGetters(f, called) })
}

// rewrite parses a Go file, lets edit change its syntax tree, drops imports nothing uses any more and writes it back.
func rewrite(path string, edit func(*ast.File) error) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return err
	}
	if err := edit(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dropUnusedImports(f)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// trimServicePackages removes every `<pkg>.ServicePackage(ctx)` element of servicePackages' slice literal whose
// package is not kept.
func trimServicePackages(f *ast.File, keep map[string]bool) error {
	alias := importNames(f)
	kept, found := 0, false
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "servicePackages" {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			found = true
			lit.Elts = slices.DeleteFunc(lit.Elts, func(e ast.Expr) bool {
				pkg := callPackage(e)
				if pkg == "" {
					return false
				}
				if keep[alias[pkg]] {
					kept++
					return false
				}
				return true
			})
			return false
		})
		return false
	})
	if !found {
		return errors.New("no servicePackages slice literal: the generator's layout changed")
	}
	if kept != len(keep) {
		return fmt.Errorf("kept %d of %d listed service packages", kept, len(keep))
	}
	return nil
}

// callPackage returns X of an `X.ServicePackage(ctx)` expression.
func callPackage(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "ServicePackage" {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return id.Name
}

// trimClientGetters removes every (*AWSClient) method nothing calls.
func trimClientGetters(f *ast.File, called map[string]bool) error {
	removed := 0
	f.Decls = slices.DeleteFunc(f.Decls, func(d ast.Decl) bool {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || called[fn.Name.Name] {
			return false
		}
		removed++
		return true
	})
	if removed == 0 {
		return errors.New("no client getter removed: the generator's layout changed")
	}
	return nil
}

// importNames maps each import's name in the file (its alias or last path element) to its path.
func importNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if is.Name != nil {
			name = is.Name.Name
		}
		m[name] = p
	}
	return m
}

// dropUnusedImports removes imports whose name no selector expression of the file uses (blank and dot imports stay).
func dropUnusedImports(f *ast.File) {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	names := importNames(f)
	unused := map[string]bool{}
	for name, p := range names {
		if name != "_" && name != "." && !used[name] {
			unused[p] = true
		}
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		gd.Specs = slices.DeleteFunc(gd.Specs, func(s ast.Spec) bool {
			is, ok := s.(*ast.ImportSpec)
			if !ok {
				return false
			}
			p, _ := strconv.Unquote(is.Path.Value)
			return unused[p]
		})
	}
	f.Imports = slices.DeleteFunc(f.Imports, func(is *ast.ImportSpec) bool {
		p, _ := strconv.Unquote(is.Path.Value)
		return unused[p]
	})
}

// internalDeps follows imports from the provider's main package and returns the directories (relative to awsDir)
// of every package of the provider module it reaches. Build constraints are ignored: a package reached only on
// another platform is kept, which can only keep too much, never too little.
func internalDeps(awsDir string) ([]string, error) {
	seen := map[string]bool{}
	queue := []string{"."}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		files, err := goFiles(filepath.Join(awsDir, dir))
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				return nil, err
			}
			for _, is := range f.Imports {
				p, _ := strconv.Unquote(is.Path.Value)
				if rel, ok := strings.CutPrefix(p, modulePath+"/"); ok && !seen[rel] {
					queue = append(queue, rel)
				}
			}
		}
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs, nil
}

// goFiles lists a package directory's non-test Go files.
func goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	return files, nil
}

// selectorsUsed returns every selector name (x.Name) used in the given packages' files, except in skip.
func selectorsUsed(awsDir string, dirs []string, skip string) (map[string]bool, error) {
	used := map[string]bool{}
	for _, dir := range dirs {
		files, err := goFiles(filepath.Join(awsDir, dir))
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			if rel, _ := filepath.Rel(awsDir, file); rel == skip {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					used[sel.Sel.Name] = true
				}
				return true
			})
		}
	}
	return used, nil
}
