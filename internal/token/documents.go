package token

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// JWKS returns the pool's JSON Web Key Set, the document served at
// /<poolId>/.well-known/jwks.json:
//
//	{"keys":[{"alg":"RS256","e":"AQAB","kid":"…","kty":"RSA","n":"…","use":"sig"},…]}
//
// It lists every key not yet expired: the current ID and access keys and
// keys rotated out whose tokens may still be live. A pool without keys gives
// {"keys":[]}; JWKS never creates keys (call EnsureKeys when the pool is
// created), so requests for unknown pools write nothing.
func (is *Issuer) JWKS(ctx context.Context, poolID string) ([]byte, error) {
	pk, err := is.keySet(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), pk.jwks...), nil
}

// discovery is the OpenID configuration document; fields in the order real
// Cognito serves them (alphabetical).
type discovery struct {
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
}

// Discovery returns the pool's /.well-known/openid-configuration document,
// shaped like Cognito's for a pool without a domain. "issuer" is
// IssuerURL(poolID). The URLs a client fetches (jwks_uri and the endpoints)
// are under "<baseURL>/<poolID>" so that they reach this server even when the
// issuer is the AWS form; with an empty baseURL they are under the issuer.
func (is *Issuer) Discovery(poolID, baseURL string) ([]byte, error) {
	return is.DiscoveryWithDomain(poolID, baseURL, "")
}

// DiscoveryWithDomain is Discovery for a pool whose OAuth endpoints are
// served under domainURL (the pool's domain, "https://<domain>" or the
// path-prefix form "<public URL>/<domain>"): the authorization, token,
// userinfo, revocation and end-session endpoints are there, as in the
// document Cognito serves for a pool with a domain (12 members). An empty
// domainURL gives Discovery's document.
func (is *Issuer) DiscoveryWithDomain(poolID, baseURL, domainURL string) ([]byte, error) {
	iss := is.opts.IssuerURL(poolID)
	prefix := iss
	if baseURL != "" {
		prefix = strings.TrimRight(baseURL, "/") + "/" + poolID
	}
	d := discovery{
		AuthorizationEndpoint:             prefix + "/authorize",
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		Issuer:                            iss,
		JWKSURI:                           prefix + "/.well-known/jwks.json",
		ResponseTypesSupported:            []string{"code", "token"},
		ScopesSupported:                   []string{"openid", "email", "phone", "profile"},
		SubjectTypesSupported:             []string{"public"},
		TokenEndpoint:                     prefix + "/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		UserinfoEndpoint:                  prefix + "/userInfo",
	}
	if domainURL != "" {
		o := strings.TrimRight(domainURL, "/")
		d.AuthorizationEndpoint = o + "/oauth2/authorize"
		d.TokenEndpoint = o + "/oauth2/token"
		d.UserinfoEndpoint = o + "/oauth2/userInfo"
		d.RevocationEndpoint = o + "/oauth2/revoke"
		d.EndSessionEndpoint = o + "/logout"
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("token: marshal discovery: %w", err)
	}
	return b, nil
}
