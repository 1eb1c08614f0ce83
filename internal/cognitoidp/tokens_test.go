package cognitoidp_test

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/store"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

func (e *auEnv) refresh(c types.UserPoolClientType, rt string, username string) (*cip.InitiateAuthOutput, error) {
	p := params("REFRESH_TOKEN", rt)
	if h := secretHash(c, username); h != nil && username != "" {
		p["SECRET_HASH"] = *h
	}
	return e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: c.ClientId, AuthParameters: p})
}

func (e *auEnv) getUser(at string) (*cip.GetUserOutput, error) {
	return e.anon.GetUser(bg, &cip.GetUserInput{AccessToken: aws.String(at)})
}

func TestRefreshGetUserAndSignOut(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, nil)
	other := e.client(t, pool, nil)
	secret := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	u := e.user(t, pool, "alice", types.AttributeType{Name: aws.String("email"), Value: aws.String("a@example.com")})
	e.update(t, pool, u.UsernameKey, func(x *store.User) {
		m := userpool.MFASettings{MFAOptions: []userpool.MFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}, TOTPEnabled: true, TOTPPreferred: true, TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPVerified: true}
		x.MFA = m.Encode()
	})

	res := e.mustPasswordAuth(t, c, "alice")
	first := e.claims(t, pool, *res.AccessToken, "access")

	// GetUser with the access token.
	g, err := e.getUser(*res.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if *g.Username != "alice" || *g.UserAttributes[0].Name != "sub" || *g.UserAttributes[0].Value != u.Sub ||
		*g.PreferredMfaSetting != "SOFTWARE_TOKEN_MFA" || len(g.UserMFASettingList) != 1 || len(g.MFAOptions) != 1 {
		t.Fatalf("GetUser = %+v", g)
	}
	// ... also through a signing client (the SDK signs unsigned ops too when it has credentials).
	if _, err := e.signed.GetUser(bg, &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatalf("signed GetUser: %v", err)
	}
	_, err = e.getUser(*res.IdToken)
	wantErr(t, err, "NotAuthorizedException", "Invalid Access Token")

	// Refresh: new tokens, same origin_jti and auth_time, no refresh token.
	e.advance(2 * time.Second)
	r, err := e.refresh(c, *res.RefreshToken, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.AuthenticationResult.RefreshToken != nil || r.AuthenticationResult.AccessToken == nil || r.ChallengeParameters == nil {
		t.Fatalf("refresh result %+v", r.AuthenticationResult)
	}
	second := e.claims(t, pool, *r.AuthenticationResult.AccessToken, "access")
	if second.OriginJTI != first.OriginJTI || !second.AuthTime.Equal(first.AuthTime) || second.JTI == first.JTI || !second.IssuedAt.After(first.IssuedAt) {
		t.Fatalf("refreshed claims %v vs %v", second.Raw, first.Raw)
	}
	_, err = e.refresh(other, *res.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	_, err = e.refresh(c, "bm90LWEtdG9rZW4", "")
	wantErr(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	// Legacy flow name.
	if _, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshToken, ClientId: c.ClientId, AuthParameters: params("REFRESH_TOKEN", *res.RefreshToken)}); err != nil {
		t.Fatalf("REFRESH_TOKEN: %v", err)
	}

	// Secret client: SECRET_HASH over the internal username on refresh.
	sres, err := e.passwordAuth(secret, "alice", auPW)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.refresh(secret, *sres.AuthenticationResult.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Client "+*secret.ClientId+" is configured with secret but SECRET_HASH was not received")
	_, err = e.refresh(secret, *sres.AuthenticationResult.RefreshToken, "mallory")
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*secret.ClientId)
	if _, err := e.refresh(secret, *sres.AuthenticationResult.RefreshToken, "alice"); err != nil {
		t.Fatalf("secret refresh: %v", err)
	}

	// RevokeToken: the refresh token and every token of its origin die; others live.
	res2 := e.mustPasswordAuth(t, c, "alice")
	_, err = e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: res.AccessToken, ClientId: c.ClientId})
	wantErr(t, err, "UnsupportedTokenTypeException", "")
	_, err = e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: res.RefreshToken, ClientId: other.ClientId})
	wantErr(t, err, "UnauthorizedException", "")
	_, err = e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: sres.AuthenticationResult.RefreshToken, ClientId: secret.ClientId})
	wantErr(t, err, "UnauthorizedException", "")
	if _, err := e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: sres.AuthenticationResult.RefreshToken, ClientId: secret.ClientId, ClientSecret: secret.ClientSecret}); err != nil {
		t.Fatalf("RevokeToken with secret: %v", err)
	}
	if _, err := e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: res.RefreshToken, ClientId: c.ClientId}); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = e.refresh(c, *res.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	for _, at := range []string{*res.AccessToken, *r.AuthenticationResult.AccessToken} {
		_, err = e.getUser(at)
		wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	}
	if _, err := e.getUser(*res2.AccessToken); err != nil {
		t.Fatalf("another session's token after RevokeToken: %v", err)
	}

	// GlobalSignOut: everything issued so far is revoked; a new sign-in works at once.
	if _, err := e.anon.GlobalSignOut(bg, &cip.GlobalSignOutInput{AccessToken: res2.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getUser(*res2.AccessToken)
	wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	_, err = e.refresh(c, *res2.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	_, err = e.anon.GlobalSignOut(bg, &cip.GlobalSignOutInput{AccessToken: res2.AccessToken})
	wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	res3 := e.mustPasswordAuth(t, c, "alice")
	if _, err := e.getUser(*res3.AccessToken); err != nil {
		t.Fatalf("sign-in right after GlobalSignOut: %v", err)
	}

	// AdminUserGlobalSignOut likewise.
	if _, err := e.signed.AdminUserGlobalSignOut(bg, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getUser(*res3.AccessToken)
	wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	_, err = e.refresh(c, *res3.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")

	// Expiry: access token after an hour, refresh token after 30 days.
	res4 := e.mustPasswordAuth(t, c, "alice")
	e.advance(time.Hour + time.Second)
	_, err = e.getUser(*res4.AccessToken)
	wantErr(t, err, "NotAuthorizedException", "Access Token has expired")
	if _, err := e.refresh(c, *res4.RefreshToken, ""); err != nil {
		t.Fatalf("refresh after the access token expired: %v", err)
	}
	e.advance(30 * 24 * time.Hour)
	_, err = e.refresh(c, *res4.RefreshToken, "")
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has expired")

	// Disabled and deleted users.
	res5 := e.mustPasswordAuth(t, c, "alice")
	if _, err := e.signed.AdminDeleteUser(bg, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getUser(*res5.AccessToken)
	wantErr(t, err, "NotAuthorizedException", "User does not exist.")
}

// TestAccessTokenTampering: AuthenticateAccessToken (through GetUser)
// refuses every forged or misused token with "Invalid Access Token".
func TestAccessTokenTampering(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	pool2 := e.pool(t, nil)
	c := e.client(t, pool, nil)
	c2 := e.client(t, pool2, nil)
	u := e.user(t, pool, "alice")
	e.user(t, pool2, "alice")
	res := e.mustPasswordAuth(t, c, "alice")
	res2 := e.mustPasswordAuth(t, c2, "alice")
	at := *res.AccessToken
	parts := strings.Split(at, ".")
	enc := base64.RawURLEncoding
	var header map[string]any
	hb, _ := enc.DecodeString(parts[0])
	_ = json.Unmarshal(hb, &header)
	var payload map[string]any
	pb, _ := enc.DecodeString(parts[1])
	_ = json.Unmarshal(pb, &payload)

	withHeader := func(h map[string]any, sig string) string {
		b, _ := json.Marshal(h)
		return enc.EncodeToString(b) + "." + parts[1] + "." + sig
	}
	withPayload := func(mut func(map[string]any)) string {
		m := map[string]any{}
		for k, v := range payload {
			m[k] = v
		}
		mut(m)
		b, _ := json.Marshal(m)
		return parts[0] + "." + enc.EncodeToString(b) + "." + parts[2]
	}

	// HS256 signed with the pool's public key (PEM and DER), the classic key-confusion attack.
	var jwks struct {
		Keys []struct{ Kid, N, E string } `json:"keys"`
	}
	doc, err := e.svc.WellKnownDocument(bg, pool, "jwks.json", "")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(doc, &jwks)
	var hsTokens []string
	for _, k := range jwks.Keys {
		if k.Kid != header["kid"] {
			continue
		}
		nb, _ := enc.DecodeString(k.N)
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 65537}
		der, _ := x509.MarshalPKIXPublicKey(pub)
		for _, key := range [][]byte{der, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})} {
			h := map[string]any{"kid": k.Kid, "alg": "HS256"}
			hb, _ := json.Marshal(h)
			signing := enc.EncodeToString(hb) + "." + parts[1]
			m := hmac.New(sha256.New, key)
			m.Write([]byte(signing))
			hsTokens = append(hsTokens, signing+"."+enc.EncodeToString(m.Sum(nil)))
		}
	}
	if len(hsTokens) != 2 {
		t.Fatalf("access key not in JWKS (%d keys)", len(jwks.Keys))
	}

	// A token signed with this pool's real key but another issuer.
	evil, err := token.NewIssuer(e.st, token.Options{Now: e.now, KeyBits: 1024, IssuerURL: func(id string) string { return "https://evil.example/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	_, wrongIss, err := evil.IssuePair(bg, token.IssueInput{PoolID: pool, ClientID: *c.ClientId, Sub: u.Sub, Username: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	// Pool 2's key, claiming pool 1's issuer.
	cross, err := token.NewIssuer(e.st, token.Options{Now: e.now, KeyBits: 1024, IssuerURL: func(string) string { return token.CognitoIssuerURL(pool) }})
	if err != nil {
		t.Fatal(err)
	}
	_, crossPool, err := cross.IssuePair(bg, token.IssueInput{PoolID: pool2, ClientID: *c2.ClientId, Sub: u.Sub, Username: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	// Pool 2's genuine token with its iss rewritten to pool 1 (signature breaks).
	p2 := strings.Split(*res2.AccessToken, ".")
	var pl2 map[string]any
	b2, _ := enc.DecodeString(p2[1])
	_ = json.Unmarshal(b2, &pl2)
	pl2["iss"] = token.CognitoIssuerURL(pool)
	b2, _ = json.Marshal(pl2)
	rewritten := p2[0] + "." + enc.EncodeToString(b2) + "." + p2[2]

	cases := map[string]string{
		"alg none":             withHeader(map[string]any{"alg": "none", "kid": header["kid"]}, ""),
		"alg none, no sig dot": parts[0] + "." + parts[1],
		"HS256 with DER key":   hsTokens[0],
		"HS256 with PEM key":   hsTokens[1],
		"unknown kid":          withHeader(map[string]any{"kid": "bm9wZQ==", "alg": "RS256"}, parts[2]),
		"payload edited":       withPayload(func(m map[string]any) { m["username"] = "root" }),
		"expiry extended":      withPayload(func(m map[string]any) { m["exp"] = time.Now().Add(99 * time.Hour).Unix() }),
		"wrong issuer":         wrongIss,
		"other pool's key":     crossPool,
		"other pool rewritten": rewritten,
		"ID token":             *res.IdToken,
		"garbage":              "not-a-jwt",
		"unknown pool":         withPayload(func(m map[string]any) { m["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Nope" }),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := e.getUser(tok)
			wantErr(t, err, "NotAuthorizedException", "Invalid Access Token")
			if _, derr := e.svc.AuthenticateAccessToken(bg, tok); userpool.KindOf(derr) != userpool.KindNotAuthorized {
				t.Fatalf("AuthenticateAccessToken = %v", derr)
			}
		})
	}
	// The genuine tokens still work, each in its own pool.
	for _, tok := range []string{at, *res2.AccessToken} {
		if _, err := e.getUser(tok); err != nil {
			t.Fatalf("genuine token refused: %v", err)
		}
	}

	// Missing scope: a token signed correctly but without aws.cognito.signin.user.admin.
	_, scoped, err := e.iss.IssuePair(bg, token.IssueInput{PoolID: pool, ClientID: *c.ClientId, Sub: u.Sub, Username: "alice", Scope: "openid email"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.getUser(scoped)
	wantErr(t, err, "NotAuthorizedException", "Access Token does not have required scopes")

	// Disabled user.
	if _, err := e.signed.AdminDisableUser(bg, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	ac, err := e.svc.AuthenticateAccessToken(bg, *res2.AccessToken)
	if err != nil || ac.Pool.ID != pool2 || ac.User.Username != "alice" || ac.Claims.ClientID != *c2.ClientId {
		t.Fatalf("pool 2 token after disabling pool 1's alice: %+v %v", ac, err)
	}
	if _, err := e.signed.AdminEnableUser(bg, &cip.AdminEnableUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	// Disabling revoked the old token; a token minted after re-enabling, for
	// a user disabled without revocation, says "User is disabled.".
	_, err = e.getUser(at)
	wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	e.advance(time.Second)
	fresh := e.mustPasswordAuth(t, c, "alice")
	e.update(t, pool, u.UsernameKey, func(x *store.User) { x.Enabled = false })
	_, err = e.getUser(*fresh.AccessToken)
	wantErr(t, err, "NotAuthorizedException", "User is disabled.")
}
