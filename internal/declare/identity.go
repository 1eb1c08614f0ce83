package declare

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"userpool/internal/config"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// role creates a declared role or replaces its grants.
func (a *applier) role(path string, dr *config.Role, cfg *config.Config, now time.Time) {
	grants, ok := a.grants(path, dr.Grants, cfg)
	if !ok {
		return
	}
	cur, err := a.iam.GetRole(a.ctx, dr.Name)
	switch {
	case err == nil:
		if grantsEqual(cur.Grants, grants) {
			return
		}
		cur.Grants, cur.UpdatedAt = grants, now.UTC()
		if err := a.iam.PutRole(a.ctx, cur); err != nil {
			a.fail(path, err)
			return
		}
		a.changed("replaced the grants of role %q", dr.Name)
	case errors.Is(err, store.ErrNotFound):
		if err := a.iam.PutRole(a.ctx, store.Role{Name: dr.Name, Grants: grants, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}); err != nil {
			a.fail(path, err)
			return
		}
		a.changed("created role %q", dr.Name)
	default:
		a.fail(path, err)
	}
}

// clientRef resolves a declared pool's app client (name or id) to
// its provider name and client id, from what this Apply declared.
func (a *applier) clientRef(cfg *config.Config, pool, client string) (provider, clientID string, ok bool) {
	dp, found := cfg.PoolByRef(pool)
	if !found {
		return "", "", false
	}
	poolID := a.rep.PoolIDs[dp.Name]
	if poolID == "" {
		return "", "", false
	}
	for _, d := range a.rep.Declared {
		if d.Kind == "app client" && d.PoolID == poolID && (d.Name == client || d.ID == client) {
			return "cognito-idp." + userpool.RegionOf(poolID) + ".amazonaws.com/" + poolID, d.ID, true
		}
	}
	return "", "", false
}

// findIdentityPool returns the id of the identity pool named name ("" if none).
func (a *applier) findIdentityPool(name string) (string, error) {
	next := ""
	for {
		ps, tok, err := a.svc.ListIdentityPools(a.ctx, 60, next)
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if p.IdentityPoolName == name {
				return p.IdentityPoolId, nil
			}
		}
		if tok == "" {
			return "", nil
		}
		next = tok
	}
}

// identityPool creates or updates a declared identity pool and its roles.
func (a *applier) identityPool(path string, dp *config.IdentityPool, cfg *config.Config) {
	want := userpool.IdentityPool{
		IdentityPoolName:               dp.Name,
		AllowUnauthenticatedIdentities: dp.AllowUnauthenticatedIdentities,
		DeveloperProviderName:          dp.DeveloperProviderName,
	}
	for k, p := range dp.Providers {
		provider, clientID, ok := a.clientRef(cfg, p.Pool, p.Client)
		if !ok {
			a.problems = append(a.problems, fmt.Sprintf("%s.providers[%d]: pool %q has no app client %q", path, k, p.Pool, p.Client))
			return
		}
		want.CognitoIdentityProviders = append(want.CognitoIdentityProviders, userpool.CognitoIdentityProvider{ProviderName: provider, ClientId: clientID})
	}
	acct := a.svc.AccountID()
	roles := map[string]string{}
	if dp.AuthenticatedRole != "" {
		roles["authenticated"] = config.RoleRef(acct, dp.AuthenticatedRole)
	}
	if dp.UnauthenticatedRole != "" {
		roles["unauthenticated"] = config.RoleRef(acct, dp.UnauthenticatedRole)
	}
	mappings := map[string]userpool.RoleMapping{}
	for k, m := range dp.RoleMappings {
		provider, clientID, ok := a.clientRef(cfg, m.Pool, m.Client)
		if !ok {
			a.problems = append(a.problems, fmt.Sprintf("%s.role_mappings[%d]: pool %q has no app client %q", path, k, m.Pool, m.Client))
			return
		}
		rm := userpool.RoleMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
		if rm.AmbiguousRoleResolution == "" {
			rm.AmbiguousRoleResolution = "AuthenticatedRole"
		}
		if m.Type == "Rules" {
			rm.RulesConfiguration = &userpool.RulesConfiguration{}
			for _, r := range m.Rules {
				rm.RulesConfiguration.Rules = append(rm.RulesConfiguration.Rules, userpool.MappingRule{
					Claim: r.Claim, MatchType: r.MatchType, Value: r.Value, RoleARN: config.RoleRef(acct, r.Role)})
			}
		}
		mappings[provider+":"+clientID] = rm
	}

	id, err := a.findIdentityPool(dp.Name)
	if err != nil {
		a.fail(path, err)
		return
	}
	if id == "" {
		created, err := a.svc.CreateIdentityPool(a.ctx, want)
		if err != nil {
			a.fail(path, err)
			return
		}
		id = created.IdentityPoolId
		a.changed("created identity pool %q (%s)", dp.Name, id)
	} else {
		cur, err := a.svc.DescribeIdentityPool(a.ctx, id)
		if err != nil {
			a.fail(path, err)
			return
		}
		if cur.AllowUnauthenticatedIdentities != want.AllowUnauthenticatedIdentities || cur.DeveloperProviderName != want.DeveloperProviderName ||
			!providersEqual(cur.CognitoIdentityProviders, want.CognitoIdentityProviders) {
			// Members the file does not declare are kept.
			upd := cur
			upd.AllowUnauthenticatedIdentities, upd.DeveloperProviderName, upd.CognitoIdentityProviders =
				want.AllowUnauthenticatedIdentities, want.DeveloperProviderName, want.CognitoIdentityProviders
			if _, err := a.svc.UpdateIdentityPool(a.ctx, upd); err != nil {
				a.fail(path, err)
				return
			}
			a.changed("updated identity pool %q (%s)", dp.Name, id)
		}
	}
	a.rep.Declared = append(a.rep.Declared, Declared{Kind: "identity pool", Name: dp.Name, ID: id})

	cur, err := a.svc.GetIdentityPoolRoles(a.ctx, id)
	if err != nil {
		a.fail(path, err)
		return
	}
	if len(cur.Roles) == 0 && len(roles) == 0 && len(cur.RoleMappings) == 0 && len(mappings) == 0 {
		return
	}
	if reflect.DeepEqual(cur.Roles, roles) && reflect.DeepEqual(cur.RoleMappings, mappings) {
		return
	}
	if err := a.svc.SetIdentityPoolRoles(a.ctx, id, roles, mappings); err != nil {
		a.fail(path, err)
		return
	}
	a.changed("set the roles of identity pool %q (%s)", dp.Name, id)
}

func providersEqual(a, b []userpool.CognitoIdentityProvider) bool {
	return slices.EqualFunc(a, b, func(x, y userpool.CognitoIdentityProvider) bool {
		return x.ProviderName == y.ProviderName && x.ClientId == y.ClientId &&
			(x.ServerSideTokenCheck == nil || !*x.ServerSideTokenCheck) == (y.ServerSideTokenCheck == nil || !*y.ServerSideTokenCheck)
	})
}
