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
