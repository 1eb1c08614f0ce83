package adminqueries

import (
	"net/http"
	"slices"
	"testing"
)

func TestRouteTable(t *testing.T) {
	t.Parallel()
	core, ext := Routes()
	// The Amplify template's routes, exactly.
	template := []string{"addUserToGroup", "confirmUserSignUp", "disableUser", "enableUser", "getUser",
		"listGroups", "listGroupsForUser", "listUsers", "listUsersInGroup", "removeUserFromGroup", "signUserOut"}
	if !slices.Equal(core, template) {
		t.Errorf("core routes %v, want %v", core, template)
	}
	if len(ext) != 12 || len(routes) != len(routeTable) || len(routeTable) != len(core)+len(ext) {
		t.Errorf("%d extensions, %d rows, %d indexed", len(ext), len(routeTable), len(routes))
	}
	for _, r := range routeTable {
		if r.run == nil || (r.method != http.MethodGet && r.method != http.MethodPost) {
			t.Errorf("%s: incomplete row", r.name)
		}
		// Every state change is a POST and every POST is audited; reads
		// are never recorded.
		if (r.method == http.MethodPost) != (r.audit == auditWrites) {
			t.Errorf("%s: %s with audit class %d", r.name, r.method, r.audit)
		}
		if lookup("/"+r.name+"/") != r {
			t.Errorf("%s: lookup does not find its row", r.name)
		}
	}
}
