package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Role is a declared IAM role: the grants that temporary credentials of
// an identity pool act with when a group's role_arn or an identity pool
// names arn:aws:iam::<account_id>:role/<name>. Grants are in the
// vocabulary of principals (Amplify's action names, cognito-idp:<Op>) and
// replace the stored ones at every start; a role without grants allows
// nothing (a guest role).
type Role struct {
	Name   string  `yaml:"name"`
	Grants []Grant `yaml:"grants"`
}

// IdentityPool is a declared Cognito identity pool, matched by name.
type IdentityPool struct {
	Name string `yaml:"name"`
	// AllowUnauthenticatedIdentities lets GetId work without logins (the
	// unauthenticated role's credentials).
	AllowUnauthenticatedIdentities bool `yaml:"allow_unauthenticated_identities"`
	// DeveloperProviderName enables developer-authenticated identities.
	DeveloperProviderName string `yaml:"developer_provider_name"`
	// Providers are the user pool app clients whose ID tokens are logins.
	Providers []IdentityPoolProvider `yaml:"providers"`
	// AuthenticatedRole and UnauthenticatedRole are role names of roles:
	// (or role ARNs).
	AuthenticatedRole   string `yaml:"authenticated_role"`
	UnauthenticatedRole string `yaml:"unauthenticated_role"`
	// RoleMappings select the role of a provider's users (one per provider).
	RoleMappings []RoleMapping `yaml:"role_mappings"`
}

// IdentityPoolProvider is a user pool app client of an identity pool.
type IdentityPoolProvider struct {
	// Pool is a declared pool's name or id.
	Pool string `yaml:"pool"`
	// Client is the pool's app client name or id.
	Client string `yaml:"client"`
}

// RoleMapping is an identity pool's role mapping of one provider.
type RoleMapping struct {
	Pool   string `yaml:"pool"`
	Client string `yaml:"client"`
	// Type is Token (cognito:preferred_role / cognito:roles of the ID
	// token, i.e. the groups' role_arn) or Rules.
	Type string `yaml:"type"`
	// AmbiguousRoleResolution is AuthenticatedRole (default) or Deny.
	AmbiguousRoleResolution string `yaml:"ambiguous_role_resolution"`
	// Rules (Type Rules) are tried in order; the first that matches wins.
	Rules []MappingRule `yaml:"rules"`
}

// MappingRule maps a claim of the ID token to a role.
type MappingRule struct {
	Claim string `yaml:"claim"`
	// MatchType is Equals, Contains, StartsWith or NotEqual.
	MatchType string `yaml:"match_type"`
	Value     string `yaml:"value"`
	// Role is a role name of roles: (or a role ARN).
	Role string `yaml:"role"`
}

var identityPoolNameRe = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)

// RoleRef is the ARN a role reference names: an ARN as written, a role
// name as arn:aws:iam::<account>:role/<name>.
func RoleRef(account, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return "arn:aws:iam::" + account + ":role/" + ref
}

func (c *Config) validateRoles(p *Problems, names, ids map[string]int) {
	roles := map[string]int{}
	for i, r := range c.Roles {
		path := fmt.Sprintf("roles[%d]", i)
		if !principalNameRe.MatchString(r.Name) {
			p.add(path+".name", "%q must be 1-64 letters, digits or +=,.@_-", r.Name)
		} else if j, dup := roles[r.Name]; dup {
			p.add(path+".name", "duplicate role %q (also roles[%d])", r.Name, j)
		} else {
			roles[r.Name] = i
		}
		validateGrants(p, path, r.Grants, names, ids)
	}
	roleRef := func(path, ref string) {
		switch {
		case ref == "":
		case strings.HasPrefix(ref, "arn:"):
			if !roleARN.Valid(ref) {
				p.add(path, "%q is not an IAM role ARN", ref)
			}
		default:
			if _, ok := roles[ref]; !ok {
				p.add(path, "%q is not a declared role (roles:) or a role ARN", ref)
			}
		}
	}
	pools := map[string]int{}
	for i := range c.IdentityPools {
		ip := &c.IdentityPools[i]
		path := fmt.Sprintf("identity_pools[%d]", i)
		if !identityPoolNameRe.MatchString(ip.Name) {
			p.add(path+".name", "%q must be 1-128 letters, digits, spaces or +=,.@-", ip.Name)
		} else if j, dup := pools[ip.Name]; dup {
			p.add(path+".name", "duplicate identity pool %q (also identity_pools[%d])", ip.Name, j)
		} else {
			pools[ip.Name] = i
		}
		provider := func(pp, pool, client string) {
			if dp, ok := c.PoolByRef(pool); !ok {
				p.add(pp+".pool", "%q is not a declared pool (name or id)", pool)
			} else if !hasClient(dp, client) {
				p.add(pp+".client", "%q is not an app client (name or id) of pool %q", client, pool)
			}
		}
		if len(ip.Providers) > 10 {
			p.add(path+".providers", "at most 10 providers")
		}
		for k, pr := range ip.Providers {
			provider(fmt.Sprintf("%s.providers[%d]", path, k), pr.Pool, pr.Client)
		}
		roleRef(path+".authenticated_role", ip.AuthenticatedRole)
		roleRef(path+".unauthenticated_role", ip.UnauthenticatedRole)
		for k, m := range ip.RoleMappings {
			mp := fmt.Sprintf("%s.role_mappings[%d]", path, k)
			provider(mp, m.Pool, m.Client)
			listed := false
			for _, pr := range ip.Providers {
				listed = listed || (pr.Pool == m.Pool && pr.Client == m.Client)
			}
			if !listed {
				p.add(mp, "pool %q client %q is not one of the providers", m.Pool, m.Client)
			}
			if !inSet(m.Type, "Token", "Rules") {
				p.add(mp+".type", "%q is not one of Token, Rules", m.Type)
			}
			if m.AmbiguousRoleResolution != "" && !inSet(m.AmbiguousRoleResolution, "AuthenticatedRole", "Deny") {
				p.add(mp+".ambiguous_role_resolution", "%q is not one of AuthenticatedRole, Deny", m.AmbiguousRoleResolution)
			}
			if m.Type == "Rules" && (len(m.Rules) == 0 || len(m.Rules) > 25) {
				p.add(mp+".rules", "a Rules mapping needs 1 to 25 rules")
			}
			if m.Type == "Token" && len(m.Rules) > 0 {
				p.add(mp+".rules", "only a Rules mapping has rules")
			}
			for r, rule := range m.Rules {
				rp := fmt.Sprintf("%s.rules[%d]", mp, r)
				if rule.Claim == "" {
					p.add(rp+".claim", "must not be empty")
				}
				if rule.Value == "" {
					p.add(rp+".value", "must not be empty")
				}
				if !inSet(rule.MatchType, "Equals", "Contains", "StartsWith", "NotEqual") {
					p.add(rp+".match_type", "%q is not one of Equals, Contains, StartsWith, NotEqual", rule.MatchType)
				}
				if rule.Role == "" {
					p.add(rp+".role", "must not be empty")
				}
				roleRef(rp+".role", rule.Role)
			}
		}
	}
}

func hasClient(p *Pool, ref string) bool {
	for _, cl := range p.Clients {
		if ref != "" && (cl.Name == ref || cl.ID == ref) {
			return true
		}
	}
	return false
}
