package config

import (
	"strings"
	"testing"
)

func TestAdminQueriesNeedsGroupsOrExplicitOpenness(t *testing.T) {
	base := "pools:\n  - name: app\n    groups: [{name: Admins}]\n    admin_queries: "
	cases := map[string]string{
		"{enabled: true}": "pools[0].admin_queries.groups:",
		"{enabled: true, allow_all_users: true, groups: [Admins]}":                 "pools[0].admin_queries.allow_all_users:",
		"{enabled: true, compat: lenient, groups: [Admins]}":                       "pools[0].admin_queries.compat:",
		"{enabled: true, allow_all_users: true}":                                   "",
		"{enabled: true, groups: [Admins], disabled_routes: [createUser, filter]}": "",
	}
	for aq, want := range cases {
		c, err := Parse(strings.NewReader(base + aq + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", aq, err)
		}
		err = c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: unexpected problems: %v", aq, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: want a problem at %s, got %v", aq, want, err)
		}
	}
}

// disabled_routes accepts exactly what the Admin Queries handler accepts:
// every name adminqueries.Routes() lists (any case, slashes trimmed) and
// the filter switch; the handler's own validator agrees on each.
func TestDisabledRoutesAreTheHandlersRoutes(t *testing.T) {
	names := adminQueriesRoutes()
	if len(names) < 12 {
		t.Fatalf("only %d route names: %v", len(names), names)
	}
	try := func(route string) error {
		c, err := Parse(strings.NewReader("pools:\n  - name: app\n    groups: [{name: Admins}]\n    admin_queries: {enabled: true, groups: [Admins], disabled_routes: [\"" + route + "\"]}\n"))
		if err != nil {
			t.Fatal(err)
		}
		return c.Validate()
	}
	for _, r := range names {
		for _, spelled := range []string{r, strings.ToUpper(r), "/" + r} {
			if err := try(spelled); err != nil {
				t.Errorf("%q refused: %v", spelled, err)
			}
		}
		if err := (&AdminQueries{DisabledRoutes: []string{r}}).PoolConfig().Validate(); err != nil {
			t.Errorf("adminqueries refuses %q, config lists it: %v", r, err)
		}
	}
	for _, r := range []string{"deleteEverything", "listUser", ""} {
		if err := try(r); err == nil || !strings.Contains(err.Error(), "disabled_routes[0]") {
			t.Errorf("%q: want a disabled_routes[0] problem, got %v", r, err)
		}
	}
}

func TestPoolConfigCarriesEveryMember(t *testing.T) {
	aq := AdminQueries{Enabled: true, Groups: []string{"A"}, DisabledRoutes: []string{"getUser"},
		AllowedOrigins: []string{"*"}, Compat: "template", OmitMetadata: true}
	pc := aq.PoolConfig()
	if !pc.Enabled || pc.Groups[0] != "A" || pc.DisabledRoutes[0] != "getUser" || pc.AllowedOrigins[0] != "*" || pc.Compat != "template" || !pc.OmitMetadata {
		t.Errorf("PoolConfig() = %+v", pc)
	}
}
