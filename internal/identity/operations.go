package identity

import (
	"context"
	"encoding/json"
)

// operations is the cognito-identity API this server answers: name,
// whether AWS signs it, and the handler (a decode-call-encode function).
// GetId, GetCredentialsForIdentity, GetOpenIdToken and UnlinkIdentity are
// unsigned in AWS (the model's optionalAuth); everything else is signed.
var operations = []operation{
	{"CreateIdentityPool", signed, (*Handler).createIdentityPool},
	{"DescribeIdentityPool", signed, (*Handler).describeIdentityPool},
	{"UpdateIdentityPool", signed, (*Handler).updateIdentityPool},
	{"DeleteIdentityPool", signed, (*Handler).deleteIdentityPool},
	{"ListIdentityPools", signed, (*Handler).listIdentityPools},
	{"SetIdentityPoolRoles", signed, (*Handler).setIdentityPoolRoles},
	{"GetIdentityPoolRoles", signed, (*Handler).getIdentityPoolRoles},
	{"ListIdentities", signed, (*Handler).listIdentities},
	{"DescribeIdentity", signed, (*Handler).describeIdentity},
	{"DeleteIdentities", signed, (*Handler).deleteIdentities},
	{"TagResource", signed, (*Handler).tagResource},
	{"UntagResource", signed, (*Handler).untagResource},
	{"ListTagsForResource", signed, (*Handler).listTagsForResource},
	{"GetOpenIdTokenForDeveloperIdentity", signed, (*Handler).getOpenIdTokenForDeveloperIdentity},
	{"LookupDeveloperIdentity", signed, (*Handler).lookupDeveloperIdentity},
	{"MergeDeveloperIdentities", signed, (*Handler).mergeDeveloperIdentities},
	{"UnlinkDeveloperIdentity", signed, (*Handler).unlinkDeveloperIdentity},

	{"GetId", unsigned, (*Handler).getId},
	{"GetCredentialsForIdentity", unsigned, (*Handler).getCredentialsForIdentity},
	{"GetOpenIdToken", unsigned, (*Handler).getOpenIdToken},
	{"UnlinkIdentity", unsigned, (*Handler).unlinkIdentity},
}

type authMode bool

const (
	signed   authMode = true
	unsigned authMode = false
)

type operation struct {
	name string
	auth authMode
	call func(h *Handler, ctx context.Context, body []byte) (any, error)
}

var operationsByName = func() map[string]*operation {
	m := make(map[string]*operation, len(operations))
	for i := range operations {
		m[operations[i].name] = &operations[i]
	}
	return m
}()

// Operations lists the operation names and whether AWS signs them.
func Operations() map[string]bool {
	m := make(map[string]bool, len(operations))
	for _, op := range operations {
		m[op.name] = bool(op.auth)
	}
	return m
}

// empty is the answer of operations without output.
var empty = json.RawMessage(`{}`)
