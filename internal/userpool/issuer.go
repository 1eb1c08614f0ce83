package userpool

import (
	"context"
	"encoding/json"

	"userpool/internal/token"
)

// IssuerConfiguration (CreateUserPool, UpdateUserPool, DescribeUserPool):
// ORIGINAL or UPDATED, stored with the pool's echoed members and read by the
// token issuer through PoolIssuerType (token.Issuer.SetPoolIssuerType). With
// the AWS issuer form (tokens.issuer: aws) an UPDATED pool's tokens carry
// iss https://issuer-cognito-idp.<region>.amazonaws.com/<pool>; with
// tokens.issuer: base the setting is stored and echoed only.
//
// Like UserPoolTags, an UpdateUserPool that omits IssuerConfiguration keeps
// the pool's current one (a choice: switching the issuer by omission would
// make every verifier configured for the other one refuse new tokens).

const issuerConfigurationMember = "IssuerConfiguration"

// keptWhenOmitted are the echoed members an UpdateUserPool without them
// leaves as they are: tags are resource metadata that TagResource and
// UntagResource manage, and the issuer type decides the tokens' "iss".
var keptWhenOmitted = []string{"UserPoolTags", issuerConfigurationMember}

// keepOmitted copies into extra the members of keptWhenOmitted that prev
// has and the request (given) does not carry.
func keepOmitted(extra, prev, given map[string]json.RawMessage) {
	for _, k := range keptWhenOmitted {
		if v := given[k]; len(v) > 0 && string(v) != "null" {
			continue
		}
		if v, ok := prev[k]; ok {
			extra[k] = v
		}
	}
}

type issuerConfiguration struct {
	Type string `json:"Type,omitempty"`
}

func checkIssuerConfiguration(raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var ic issuerConfiguration
	if err := json.Unmarshal(raw, &ic); err != nil {
		return invalidParam("Invalid IssuerConfiguration.")
	}
	switch ic.Type {
	case "", token.IssuerTypeOriginal, token.IssuerTypeUpdated:
		return nil
	}
	return invalidParam("Invalid IssuerConfiguration Type value %s.", ic.Type)
}

// IssuerType is the pool's IssuerConfiguration Type: token.IssuerTypeUpdated
// or token.IssuerTypeOriginal (also for a pool that never set one).
func (p *Pool) IssuerType() string {
	var ic issuerConfiguration
	if raw := p.Settings.Extra[issuerConfigurationMember]; len(raw) > 0 && json.Unmarshal(raw, &ic) == nil && ic.Type == token.IssuerTypeUpdated {
		return token.IssuerTypeUpdated
	}
	return token.IssuerTypeOriginal
}

// PoolIssuerType is the issuer type of a pool, for the token issuer
// (token.Issuer.SetPoolIssuerType): read through the pool cache, ORIGINAL
// for a pool that cannot be read. The token issuer asks while it signs for
// or describes a pool the caller has just loaded, so the cache answers.
func (s *Service) PoolIssuerType(poolID string) string {
	p, err := s.GetPool(context.Background(), poolID)
	if err != nil {
		return token.IssuerTypeOriginal
	}
	return p.IssuerType()
}
