package token

import (
	"strings"
	"sync/atomic"
)

// Issuer types of a pool (IssuerConfiguration.Type of CreateUserPool,
// UpdateUserPool and DescribeUserPool).
const (
	IssuerTypeOriginal = "ORIGINAL"
	IssuerTypeUpdated  = "UPDATED"
)

// UpdatedCognitoIssuerURL is the issuer Cognito gives a pool whose
// IssuerConfiguration is UPDATED:
// https://issuer-cognito-idp.<region>.amazonaws.com/<poolID>, the region
// being the pool id's prefix before "_".
func UpdatedCognitoIssuerURL(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return "https://issuer-cognito-idp." + region + ".amazonaws.com/" + poolID
}

// issuerTypes holds what choosing between a pool's two issuers needs: the
// issuer of ORIGINAL pools (Options.IssuerURL as given), that of UPDATED
// pools (Options.UpdatedIssuerURL) and the lookup of a pool's type
// (SetPoolIssuerType).
type issuerTypes struct {
	original func(string) string
	updated  func(string) string
	lookup   atomic.Pointer[func(poolID string) string]
}

// SetPoolIssuerType installs the lookup of a pool's issuer type
// (IssuerTypeOriginal or IssuerTypeUpdated; "" is ORIGINAL): the domain's
// (*userpool.Service).PoolIssuerType. With Options.UpdatedIssuerURL set, the
// pools it reports UPDATED get that issuer in their tokens ("iss"), their
// discovery document and signing certificate. Without Options.UpdatedIssuerURL
// (the tokens.issuer: base mode) it changes nothing. Safe to call while the
// Issuer is in use.
func (is *Issuer) SetPoolIssuerType(lookup func(poolID string) string) {
	is.types.lookup.Store(&lookup)
}

// issuerFor is the pool's current issuer (what Options.IssuerURL becomes
// once NewIssuer has wrapped it).
func (t *issuerTypes) issuerFor(poolID string) string {
	if t.updated != nil {
		if f := t.lookup.Load(); f != nil && (*f)(poolID) == IssuerTypeUpdated {
			return t.updated(poolID)
		}
	}
	return t.original(poolID)
}

// accepts reports whether iss is an issuer of the pool. Both of its forms
// are accepted whatever its current type, so that tokens issued before an
// UpdateUserPool that switched the type keep working until they expire.
func (t *issuerTypes) accepts(poolID, iss string) bool {
	if iss == t.original(poolID) {
		return true
	}
	return t.updated != nil && iss == t.updated(poolID)
}
