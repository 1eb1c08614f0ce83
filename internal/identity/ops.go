package identity

import (
	"context"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// decode reads the input shape T.
func decode[T any](body []byte) (*T, error) {
	in := new(T)
	if err := awsjson.Decode(body, in); err != nil {
		return nil, err
	}
	return in, nil
}

func required(v, member string) error {
	if v == "" {
		return userpool.Errorf(userpool.KindInvalidParameter, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	return nil
}

func maxResults(n *int) (int, error) {
	if n == nil {
		return 0, userpool.Errorf(userpool.KindInvalidParameter, "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
	}
	if *n < 1 || *n > 60 {
		return 0, userpool.Errorf(userpool.KindInvalidParameter, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *n)
	}
	return *n, nil
}

// ---------------------------------------------------------------- identity pools

type poolIDInput struct {
	IdentityPoolId string
}

func (h *Handler) createIdentityPool(ctx context.Context, body []byte) (any, error) {
	in, err := decode[userpool.IdentityPool](body)
	if err != nil {
		return nil, err
	}
	in.IdentityPoolId = ""
	return h.svc.CreateIdentityPool(ctx, *in)
}

func (h *Handler) describeIdentityPool(ctx context.Context, body []byte) (any, error) {
	in, err := decode[poolIDInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	return h.svc.DescribeIdentityPool(ctx, in.IdentityPoolId)
}

func (h *Handler) updateIdentityPool(ctx context.Context, body []byte) (any, error) {
	in, err := decode[userpool.IdentityPool](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	return h.svc.UpdateIdentityPool(ctx, *in)
}

func (h *Handler) deleteIdentityPool(ctx context.Context, body []byte) (any, error) {
	in, err := decode[poolIDInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	return empty, h.svc.DeleteIdentityPool(ctx, in.IdentityPoolId)
}

type listInput struct {
	IdentityPoolId string
	MaxResults     *int
	NextToken      string
	HideDisabled   bool
}

type poolSummary struct {
	IdentityPoolId   string
	IdentityPoolName string
}

func (h *Handler) listIdentityPools(ctx context.Context, body []byte) (any, error) {
	in, err := decode[listInput](body)
	if err != nil {
		return nil, err
	}
	n, err := maxResults(in.MaxResults)
	if err != nil {
		return nil, err
	}
	pools, next, err := h.svc.ListIdentityPools(ctx, n, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		IdentityPools []poolSummary
		NextToken     string `json:",omitempty"`
	}{IdentityPools: make([]poolSummary, len(pools)), NextToken: next}
	for i, p := range pools {
		out.IdentityPools[i] = poolSummary{p.IdentityPoolId, p.IdentityPoolName}
	}
	return out, nil
}

func (h *Handler) setIdentityPoolRoles(ctx context.Context, body []byte) (any, error) {
	in, err := decode[userpool.IdentityPoolRoles](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	if in.Roles == nil {
		return nil, required("", "roles")
	}
	return empty, h.svc.SetIdentityPoolRoles(ctx, in.IdentityPoolId, in.Roles, in.RoleMappings)
}

func (h *Handler) getIdentityPoolRoles(ctx context.Context, body []byte) (any, error) {
	in, err := decode[poolIDInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	return h.svc.GetIdentityPoolRoles(ctx, in.IdentityPoolId)
}

// ---------------------------------------------------------------- identities

type identityDescription struct {
	IdentityId       string
	Logins           []string      `json:",omitempty"`
	CreationDate     *awsjson.Time `json:",omitempty"`
	LastModifiedDate *awsjson.Time `json:",omitempty"`
}

func wireIdentity(d userpool.IdentityDescription) identityDescription {
	return identityDescription{IdentityId: d.IdentityId, Logins: d.Logins, CreationDate: awsjson.NewTime(d.CreationDate), LastModifiedDate: awsjson.NewTime(d.LastModifiedDate)}
}

func (h *Handler) listIdentities(ctx context.Context, body []byte) (any, error) {
	in, err := decode[listInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	n, err := maxResults(in.MaxResults)
	if err != nil {
		return nil, err
	}
	ids, next, err := h.svc.ListIdentities(ctx, in.IdentityPoolId, n, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		IdentityPoolId string
		Identities     []identityDescription
		NextToken      string `json:",omitempty"`
	}{IdentityPoolId: in.IdentityPoolId, Identities: make([]identityDescription, len(ids)), NextToken: next}
	for i, d := range ids {
		out.Identities[i] = wireIdentity(d)
	}
	return out, nil
}

type identityInput struct {
	IdentityId     string
	IdentityPoolId string
	Logins         map[string]string
	CustomRoleArn  string
	LoginsToRemove []string
	AccountId      string
	TokenDuration  int64
}

func (h *Handler) describeIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityId, "identityId"); err != nil {
		return nil, err
	}
	d, err := h.svc.DescribeIdentity(ctx, in.IdentityId)
	if err != nil {
		return nil, err
	}
	return wireIdentity(d), nil
}

func (h *Handler) deleteIdentities(ctx context.Context, body []byte) (any, error) {
	in, err := decode[struct{ IdentityIdsToDelete []string }](body)
	if err != nil {
		return nil, err
	}
	if n := len(in.IdentityIdsToDelete); n < 1 || n > 60 {
		return nil, userpool.Errorf(userpool.KindInvalidParameter, "1 validation error detected: Value at 'identityIdsToDelete' failed to satisfy constraint: Member must have length between 1 and 60")
	}
	failed, err := h.svc.DeleteIdentities(ctx, in.IdentityIdsToDelete)
	if err != nil {
		return nil, err
	}
	type unprocessed struct{ IdentityId, ErrorCode string }
	out := struct{ UnprocessedIdentityIds []unprocessed }{UnprocessedIdentityIds: []unprocessed{}}
	for id, code := range failed {
		out.UnprocessedIdentityIds = append(out.UnprocessedIdentityIds, unprocessed{id, code})
	}
	return out, nil
}

func (h *Handler) getId(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	id, err := h.svc.GetId(ctx, in.IdentityPoolId, in.Logins)
	if err != nil {
		return nil, err
	}
	return struct{ IdentityId string }{id}, nil
}

func (h *Handler) getCredentialsForIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityId, "identityId"); err != nil {
		return nil, err
	}
	c, err := h.svc.GetCredentialsForIdentity(ctx, in.IdentityId, in.Logins, in.CustomRoleArn)
	if err != nil {
		return nil, err
	}
	type creds struct {
		AccessKeyId  string
		SecretKey    string
		SessionToken string
		Expiration   awsjson.Time
	}
	return struct {
		IdentityId  string
		Credentials creds
	}{in.IdentityId, creds{c.AccessKeyId, c.SecretKey, c.SessionToken, awsjson.Time{Time: c.Expiration}}}, nil
}

type tokenOutput struct {
	IdentityId string
	Token      string
}

func (h *Handler) getOpenIdToken(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityId, "identityId"); err != nil {
		return nil, err
	}
	id, tok, err := h.svc.GetOpenIdToken(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	return tokenOutput{id, tok}, nil
}

func (h *Handler) unlinkIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityId, "identityId"); err != nil {
		return nil, err
	}
	if in.Logins == nil || in.LoginsToRemove == nil {
		return nil, required("", "logins")
	}
	return empty, h.svc.UnlinkIdentity(ctx, in.IdentityId, in.Logins, in.LoginsToRemove)
}

// ---------------------------------------------------------------- tags

type tagInput struct {
	ResourceArn string
	Tags        map[string]string
	TagKeys     []string
}

func (h *Handler) tagResource(ctx context.Context, body []byte) (any, error) {
	in, err := decode[tagInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	return empty, h.svc.TagIdentityPool(ctx, in.ResourceArn, in.Tags, nil)
}

func (h *Handler) untagResource(ctx context.Context, body []byte) (any, error) {
	in, err := decode[tagInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	return empty, h.svc.TagIdentityPool(ctx, in.ResourceArn, nil, in.TagKeys)
}

func (h *Handler) listTagsForResource(ctx context.Context, body []byte) (any, error) {
	in, err := decode[tagInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	tags, err := h.svc.IdentityPoolTags(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return struct{ Tags map[string]string }{tags}, nil
}

// ---------------------------------------------------------------- developer identities

func (h *Handler) getOpenIdTokenForDeveloperIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[identityInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	if in.TokenDuration < 0 || in.TokenDuration > 86400 {
		return nil, userpool.Errorf(userpool.KindInvalidParameter, "1 validation error detected: Value '%d' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and 86400", in.TokenDuration)
	}
	id, tok, err := h.svc.GetOpenIdTokenForDeveloperIdentity(ctx, in.IdentityPoolId, in.IdentityId, in.Logins, time.Duration(in.TokenDuration)*time.Second)
	if err != nil {
		return nil, err
	}
	return tokenOutput{id, tok}, nil
}

type developerInput struct {
	IdentityPoolId            string
	IdentityId                string
	DeveloperUserIdentifier   string
	DeveloperProviderName     string
	SourceUserIdentifier      string
	DestinationUserIdentifier string
	MaxResults                *int
	NextToken                 string
}

func (h *Handler) lookupDeveloperIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[developerInput](body)
	if err != nil {
		return nil, err
	}
	if err := required(in.IdentityPoolId, "identityPoolId"); err != nil {
		return nil, err
	}
	id, users, err := h.svc.LookupDeveloperIdentity(ctx, in.IdentityPoolId, in.IdentityId, in.DeveloperUserIdentifier)
	if err != nil {
		return nil, err
	}
	return struct {
		IdentityId                  string
		DeveloperUserIdentifierList []string
	}{id, users}, nil
}

func (h *Handler) mergeDeveloperIdentities(ctx context.Context, body []byte) (any, error) {
	in, err := decode[developerInput](body)
	if err != nil {
		return nil, err
	}
	for _, r := range [][2]string{{in.IdentityPoolId, "identityPoolId"}, {in.DeveloperProviderName, "developerProviderName"},
		{in.SourceUserIdentifier, "sourceUserIdentifier"}, {in.DestinationUserIdentifier, "destinationUserIdentifier"}} {
		if err := required(r[0], r[1]); err != nil {
			return nil, err
		}
	}
	id, err := h.svc.MergeDeveloperIdentities(ctx, in.IdentityPoolId, in.DeveloperProviderName, in.SourceUserIdentifier, in.DestinationUserIdentifier)
	if err != nil {
		return nil, err
	}
	return struct{ IdentityId string }{id}, nil
}

func (h *Handler) unlinkDeveloperIdentity(ctx context.Context, body []byte) (any, error) {
	in, err := decode[developerInput](body)
	if err != nil {
		return nil, err
	}
	for _, r := range [][2]string{{in.IdentityId, "identityId"}, {in.IdentityPoolId, "identityPoolId"},
		{in.DeveloperProviderName, "developerProviderName"}, {in.DeveloperUserIdentifier, "developerUserIdentifier"}} {
		if err := required(r[0], r[1]); err != nil {
			return nil, err
		}
	}
	return empty, h.svc.UnlinkDeveloperIdentity(ctx, in.IdentityPoolId, in.IdentityId, in.DeveloperProviderName, in.DeveloperUserIdentifier)
}
