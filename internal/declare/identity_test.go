package declare

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"userpool/internal/config"
)

const identityBase = `
pools:
  - name: app
    groups: [{name: ADMINS, role_arn: "arn:aws:iam::000000000000:role/admins"}]
    clients: [{name: web}]
roles:
  - name: admins
    grants: [{pool: app, actions: [addUserToGroup, listUsers]}]
  - name: guest
identity_pools:
  - name: app identities
    allow_unauthenticated_identities: true
    providers: [{pool: app, client: web}]
    authenticated_role: guest
    unauthenticated_role: guest
    role_mappings:
      - {pool: app, client: web, type: Token, ambiguous_role_resolution: Deny}
`

func TestApplyRolesAndIdentityPools(t *testing.T) {
	svc, st := setup(t)
	ctx := context.Background()
	rep, err := Apply(ctx, svc, st, parse(t, identityBase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`created role "admins"`, `created role "guest"`, `created identity pool "app identities"`, `set the roles of identity pool "app identities"`} {
		if !slices.ContainsFunc(rep.Changes, func(c string) bool { return strings.HasPrefix(c, want) }) {
			t.Errorf("changes %q lack %q", rep.Changes, want)
		}
	}
	r, err := st.GetRole(ctx, "admins")
	if err != nil || len(r.Grants) != 1 || r.Grants[0].Pool != "app" || !slices.Equal(r.Grants[0].Actions, []string{"addUserToGroup", "listUsers"}) {
		t.Fatalf("role admins = %+v, %v", r, err)
	}
	if r, err := st.GetRole(ctx, "guest"); err != nil || len(r.Grants) != 0 {
		t.Fatalf("role guest = %+v, %v", r, err)
	}
	var idPool string
	for _, d := range rep.Declared {
		if d.Kind == "identity pool" && d.Name == "app identities" {
			idPool = d.ID
		}
	}
	ip, err := svc.DescribeIdentityPool(ctx, idPool)
	if err != nil {
		t.Fatal(err)
	}
	poolID := rep.PoolIDs["app"]
	provider := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	if !ip.AllowUnauthenticatedIdentities || len(ip.CognitoIdentityProviders) != 1 || ip.CognitoIdentityProviders[0].ProviderName != provider {
		t.Fatalf("identity pool %+v", ip)
	}
	clientID := ip.CognitoIdentityProviders[0].ClientId
	roles, err := svc.GetIdentityPoolRoles(ctx, idPool)
	if err != nil {
		t.Fatal(err)
	}
	if roles.Roles["authenticated"] != "arn:aws:iam::000000000000:role/guest" || roles.RoleMappings[provider+":"+clientID].AmbiguousRoleResolution != "Deny" {
		t.Fatalf("roles %+v", roles)
	}

	// A second start changes nothing.
	rep, err = Apply(ctx, svc, st, parse(t, identityBase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 {
		t.Fatalf("second apply changed %q", rep.Changes)
	}

	// Changed grants and roles are applied; the identity pool keeps its id.
	changed := strings.Replace(identityBase, "addUserToGroup, listUsers", "listUsers", 1)
	changed = strings.Replace(changed, "type: Token, ambiguous_role_resolution: Deny", "type: Token", 1)
	rep, err = Apply(ctx, svc, st, parse(t, changed), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Changes, []string{`replaced the grants of role "admins"`, `set the roles of identity pool "app identities" (` + idPool + `)`}) {
		t.Fatalf("changes %q", rep.Changes)
	}
	roles, _ = svc.GetIdentityPoolRoles(ctx, idPool)
	if roles.RoleMappings[provider+":"+clientID].AmbiguousRoleResolution != "AuthenticatedRole" {
		t.Fatalf("roles %+v", roles)
	}
}

func TestValidateRolesAndIdentityPools(t *testing.T) {
	bad := `
pools: [{name: app, clients: [{name: web}]}]
roles:
  - {name: "bad name!"}
  - name: r
    grants: [{pool: nowhere, actions: [addUserToGroup]}]
  - {name: r}
identity_pools:
  - name: ids
    providers: [{pool: app, client: mobile}]
    authenticated_role: missing
    role_mappings:
      - {pool: app, client: web, type: Claims}
`
	c, err := config.Parse(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`roles[0].name: "bad name!" must be`,
		`roles[1].grants[0].pool: "nowhere" is not a declared pool`,
		`roles[2].name: duplicate role "r"`,
		`identity_pools[0].providers[0].client: "mobile" is not an app client`,
		`identity_pools[0].authenticated_role: "missing" is not a declared role`,
		`identity_pools[0].role_mappings[0]: pool "app" client "web" is not one of the providers`,
		`identity_pools[0].role_mappings[0].type: "Claims" is not one of Token, Rules`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
}
