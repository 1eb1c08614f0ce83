package token

import "slices"

// Claim customization: what a PreTokenGeneration trigger asks for
// (V1_0: the ID token only; V2_0/V3_0: ID and access tokens), applied by
// IssuePair and IssueClientAccessCustom after the standard claims are built.

// ClaimOverrides adds, overrides and suppresses claims of one token.
// Values may be any JSON value (V2/V3); V1 gives strings.
type ClaimOverrides struct {
	AddOrOverride map[string]any
	Suppress      []string
}

// GroupOverride replaces cognito:groups, cognito:roles and
// cognito:preferred_role (groupOverrideDetails). An empty list removes the
// claim.
type GroupOverride struct {
	Groups        []string
	Roles         []string
	PreferredRole string
}

// ProtectedClaims are the claims a trigger can neither add, override nor
// suppress (Cognito's list for the ID token; applied to both tokens, with
// the access token's own structural claims added). Attempts are ignored.
var ProtectedClaims = map[string]bool{
	"acr": true, "amr": true, "aud": true, "at_hash": true, "auth_time": true,
	"azp": true, "cognito:username": true, "exp": true, "iat": true,
	"identities": true, "iss": true, "jti": true, "nbf": true, "nonce": true,
	"origin_jti": true, "sub": true, "token_use": true,
}

// accessProtected adds the access token's own claims that a trigger may
// not touch (scope is edited through scopesToAdd/scopesToSuppress).
var accessProtected = map[string]bool{
	"client_id": true, "scope": true, "username": true, "version": true,
	"device_key": true, "event_id": true,
}

// applyOverrides suppresses, then overrides in place, then appends new
// claims in sorted order; protected claims are left alone.
func applyOverrides(ms []member, o *ClaimOverrides, access bool) []member {
	if o == nil {
		return ms
	}
	blocked := func(k string) bool {
		return ProtectedClaims[k] || access && accessProtected[k] || k == "cognito:groups" || k == "cognito:roles" || k == "cognito:preferred_role"
	}
	out := ms[:0:0]
	for _, m := range ms {
		if slices.Contains(o.Suppress, m.k) && !blocked(m.k) {
			continue
		}
		if v, ok := o.AddOrOverride[m.k]; ok && !blocked(m.k) {
			m.v = v
		}
		out = append(out, m)
	}
	keys := make([]string, 0, len(o.AddOrOverride))
	for k := range o.AddOrOverride {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if blocked(k) || slices.Contains(o.Suppress, k) || slices.ContainsFunc(out, func(m member) bool { return m.k == k }) {
			continue
		}
		out = append(out, member{k, o.AddOrOverride[k]})
	}
	return out
}

// groupClaims is GroupClaims, or the override when one is given.
func groupClaims(in IssueInput) (names, roles []string, preferred string) {
	if g := in.GroupOverride; g != nil {
		return g.Groups, g.Roles, g.PreferredRole
	}
	return GroupClaims(in.Groups)
}
