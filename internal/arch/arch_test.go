package arch

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "userpool/"

// deps returns the packages pkg imports, directly or not (non-test).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// faces are the protocol packages over the domain.
var faces = []string{mod + "internal/cognitoidp", mod + "internal/adminqueries", mod + "internal/testapi", mod + "internal/console"}

func TestImportRules(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
		why       string
	}{
		{"internal/cognitoidp", []string{mod + "internal/store/sqlite", mod + "internal/store/postgres", mod + "internal/server"}, "protocol packages never import a store backend or the server"},
		{"internal/adminqueries", []string{mod + "internal/store/sqlite", mod + "internal/store/postgres", mod + "internal/server"}, "protocol packages never import a store backend or the server"},
		{"internal/awsjson", []string{mod + "internal/userpool", mod + "internal/store"}, "framing knows nothing about Cognito"},
		{"internal/userpool", []string{mod + "internal/store/sqlite", mod + "internal/store/postgres", mod + "internal/cognitoidp", mod + "internal/adminqueries"}, "the domain never imports a backend or a face"},
		{"internal/token", []string{mod + "internal/userpool", mod + "internal/store/sqlite", mod + "internal/store/postgres"}, "token depends only on the store contract"},
		// Faces and the server meet in internal/reqctx, never in each other.
		{"internal/server", faces, "the server routes to faces it is handed; it imports none (request values live in internal/reqctx)"},
		{"internal/cognitoidp", faces, "no face imports another face"},
		{"internal/adminqueries", faces, "no face imports another face"},
		{"internal/testapi", append([]string{mod + "internal/store/sqlite", mod + "internal/store/postgres", mod + "internal/server"}, faces...), "the test API is a face: the domain only, never a backend, the server or another face"},
		{"internal/audit", faces, "the one audit seam serves every face and imports none"},
		{"internal/console", append([]string{mod + "internal/store/sqlite", mod + "internal/store/postgres", mod + "internal/server"}, faces...), "the console is a face: the domain only (never the store: see storeImporters), never a backend, the server or another face"},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			for _, f := range r.forbidden {
				if d == f && d != mod+r.pkg {
					t.Errorf("%s imports %s: %s", r.pkg, f, r.why)
				}
			}
		}
	}
	// The request context is neutral ground: it imports nothing internal.
	for _, d := range deps(t, "internal/reqctx") {
		if strings.HasPrefix(d, mod) && d != mod+"internal/reqctx" {
			t.Errorf("internal/reqctx imports %s: it must stay importable by every face and the server", d)
		}
	}
	// The store contract is a leaf: it imports nothing internal.
	for _, d := range deps(t, "internal/store") {
		if strings.HasPrefix(d, mod) && d != mod+"internal/store" {
			t.Errorf("internal/store imports %s: the contract must stay a leaf", d)
		}
	}
}

// The domain never speaks HTTP: neither it nor any project package it
// depends on imports net/http. (A third-party library may: go-webauthn's
// protocol package imports it for helpers the domain does not call — the
// domain hands it JSON bytes.)
func TestDomainSpeaksNoHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"internal/userpool").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], mod) {
			continue
		}
		for _, imp := range f[1:] {
			if imp == "net/http" {
				t.Errorf("%s imports net/http: the domain and its helpers never speak HTTP", f[0])
			}
		}
	}
}

func TestNothingImportsCmdOrServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, mod+"cmd/") {
				t.Errorf("%s imports %s", f[0], imp)
			}
			if imp == mod+"internal/server" && !strings.HasPrefix(f[0], mod+"cmd/") {
				t.Errorf("%s imports internal/server; only cmd may", f[0])
			}
		}
	}
}

// storeImporters are the only packages that may import the store contract
// or a backend directly, each for its reason. Every other package — every
// face (cognitoidp, adminqueries, and each face added later), audit, the
// server — speaks the domain's own types (userpool.User, Group, Device,
// AuditEvent, ...) and never sees a store record.
var storeImporters = map[string]string{
	"internal/userpool":           "the domain: the one owner of pool, client, user, group and device records",
	"internal/token":              "signing keys and refresh tokens are stored by the token issuer",
	"internal/iam":                "principals, access keys and grants are IAM records",
	"internal/declare":            "applies declared principals (IAM records) next to declared pools",
	"internal/storecopy":          "copies every record between two stores",
	"internal/store/sqlite":       "a backend",
	"internal/store/postgres":     "a backend",
	"internal/store/storetest":    "the conformance suite",
	"internal/store/storemetrics": "times store calls; cmd wraps the store with it before the domain gets it",
	"cmd/userpool":                "wiring: opens the store and hands it to the domain",
	"tools/populate":              "writes benchmark fixtures straight into a store",
}

func TestOnlyTheDomainSideImportsTheStore(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(f[0], mod)
		if _, ok := storeImporters[pkg]; ok || pkg == "internal/store" {
			continue
		}
		for _, imp := range f[1:] {
			if imp == mod+"internal/store" || strings.HasPrefix(imp, mod+"internal/store/") {
				t.Errorf("%s imports %s: faces speak the domain's types, never store records (see storeImporters)", pkg, imp)
			}
		}
	}
}
