package modules

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"
)

// namingTable is what DEVELOPERS.md's "Naming" section says: the shared names with their type and retired names, and
// the options each module or example may have besides them.
type namingTable struct {
	shared  map[string]string          // name → type column ("bool", "string", "object", …)
	retired map[string]string          // retired name → the name that replaced it
	own     map[string]map[string]bool // module directory (modules/x, examples/y) → its own option names
}

var backticked = regexp.MustCompile("`([a-z0-9_]+)`")

// readNamingTable parses the two tables under "## Naming" in DEVELOPERS.md.
func readNamingTable(t *testing.T, path string) namingTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nt := namingTable{shared: map[string]string{}, retired: map[string]string{}, own: map[string]map[string]bool{}}
	section, table := false, ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			section = strings.HasPrefix(line, "## Naming")
			continue
		case !section:
			continue
		case strings.HasPrefix(line, "### "):
			table = strings.TrimPrefix(line, "### ")
			continue
		case !strings.HasPrefix(line, "| `"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		first := strings.Trim(strings.TrimSpace(cells[0]), "`")
		switch table {
		case "Switches and shared options":
			if len(cells) != 4 {
				t.Fatalf("shared row needs 4 cells (name, type, meaning, retired names): %q", line)
			}
			if _, dup := nt.shared[first]; dup {
				t.Errorf("%s is in the shared table twice", first)
			}
			nt.shared[first] = strings.TrimSpace(cells[1])
			for _, m := range backticked.FindAllStringSubmatch(cells[3], -1) {
				nt.retired[m[1]] = first
			}
		case "Module-specific options":
			if len(cells) != 2 {
				t.Fatalf("module row needs 2 cells (module, options): %q", line)
			}
			names := map[string]bool{}
			for _, m := range backticked.FindAllStringSubmatch(cells[1], -1) {
				names[m[1]] = true
			}
			nt.own[first] = names
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(nt.shared) == 0 || len(nt.own) == 0 {
		t.Fatalf("%s: no naming tables found under \"## Naming\"", path)
	}
	for old, repl := range nt.retired {
		if _, ok := nt.shared[old]; ok {
			t.Errorf("%s is both a shared name and a retired name (for %s)", old, repl)
		}
	}
	return nt
}

// moduleDirs lists modules/* and examples/* directories that declare variables, as repository-relative paths.
func moduleDirs(t *testing.T) map[string]*tfconfig.Module {
	t.Helper()
	out := map[string]*tfconfig.Module{}
	for _, parent := range []string{".", "../examples"} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			dir := filepath.Join(parent, e.Name())
			if !e.IsDir() || !tfconfig.IsModuleDir(dir) {
				continue
			}
			mod, diags := tfconfig.LoadModule(dir)
			if diags.HasErrors() {
				t.Fatalf("%s: %v", dir, diags.Err())
			}
			if len(mod.Variables) == 0 {
				continue
			}
			rel := "modules/" + e.Name()
			if parent != "." {
				rel = "examples/" + e.Name()
			}
			out[rel] = mod
		}
	}
	if len(out) < 20 {
		t.Fatalf("found only %d module and example directories with variables", len(out))
	}
	return out
}

// TestVariableNamesFollowTheTable: every variable of every module and example is a shared name (with the table's
// type where that is a simple one) or one of its module's own options, no retired name survives as a variable or as
// an attribute of a variable's object type, and the table lists nothing that no longer exists.
func TestVariableNamesFollowTheTable(t *testing.T) {
	nt := readNamingTable(t, "../DEVELOPERS.md")
	dirs := moduleDirs(t)
	used := map[string]bool{}
	var names []string
	for dir := range dirs {
		names = append(names, dir)
	}
	sort.Strings(names)
	for _, dir := range names {
		own := nt.own[dir]
		for _, v := range dirs[dir].Variables {
			used[v.Name] = true
			if repl, ok := nt.retired[v.Name]; ok {
				t.Errorf("%s: variable %q is a retired name; use %q", dir, v.Name, repl)
				continue
			}
			typ, shared := nt.shared[v.Name]
			switch {
			case shared && own[v.Name]:
				t.Errorf("%s: %q is a shared name; drop it from the module's own options", dir, v.Name)
			case shared:
				if (typ == "bool" || typ == "string" || typ == "number") && v.Type != typ {
					t.Errorf("%s: %q is %s in the naming table, here %s", dir, v.Name, typ, v.Type)
				}
			case !own[v.Name]:
				t.Errorf("%s: variable %q is in neither naming table of DEVELOPERS.md: reuse a shared name that means the same, or add it to the module's row", dir, v.Name)
			}
			for old, repl := range nt.retired {
				if regexp.MustCompile(`\b` + old + `\s*=`).MatchString(v.Type) {
					t.Errorf("%s: variable %q has an attribute with the retired name %q; use %q", dir, v.Name, old, repl)
				}
			}
		}
	}
	for dir, own := range nt.own {
		if _, ok := dirs[dir]; !ok {
			t.Errorf("naming table: %s has no variables (or does not exist)", dir)
			continue
		}
		for name := range own {
			if _, ok := dirs[dir].Variables[name]; !ok {
				t.Errorf("naming table: %s lists %q, which it does not declare", dir, name)
			}
		}
	}
	for name := range nt.shared {
		if !used[name] {
			t.Errorf("naming table: shared name %q is declared nowhere", name)
		}
	}
}
