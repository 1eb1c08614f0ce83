package arch

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docPackages returns the packages docs/ARCHITECTURE.md's "## Packages"
// table names: the backquoted first cell of each row, trailing slash
// dropped ("`e2e/`" is e2e).
func docPackages(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Packages\n")
	if !ok {
		t.Fatal("docs/ARCHITECTURE.md has no \"## Packages\" section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	names := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		names[strings.TrimSuffix(m[1], "/")] = true
	}
	if len(names) == 0 {
		t.Fatal("no package rows in docs/ARCHITECTURE.md's package table")
	}
	return names
}

// Every package of the module has its row in docs/ARCHITECTURE.md, so the
// map of the code cannot fall behind the code.
func TestArchitectureDocNamesEveryPackage(t *testing.T) {
	out, err := exec.Command("go", "list", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	documented := docPackages(t)
	for _, pkg := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(pkg, mod)
		if !documented[rel] {
			t.Errorf("docs/ARCHITECTURE.md's package table has no row for %s", rel)
		}
	}
}

// The rows parse as the test expects (a row the regexp missed would pass
// the check above silently for a package it does name).
func TestArchitectureDocTableParses(t *testing.T) {
	names := docPackages(t)
	for _, want := range []string{"cmd/userpool", "internal/userpool", "internal/store", "e2e"} {
		if !names[want] {
			t.Errorf("table rows parsed without %s: %v", want, names)
		}
	}
}

// cognitorules is imported by the domain, the faces and config alike, so it
// must stay a leaf.
func TestCognitorulesIsALeaf(t *testing.T) {
	for _, d := range deps(t, "internal/cognitorules") {
		if strings.HasPrefix(d, mod) && d != mod+"internal/cognitorules" {
			t.Errorf("internal/cognitorules imports %s: it must import nothing internal", d)
		}
	}
}
