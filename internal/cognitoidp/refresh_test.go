package cognitoidp_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/store"
)

// GetTokensFromRefreshToken and refresh-token rotation, through the AWS SDK
// for Go v2. The clock moves with e.advance; nothing sleeps.

func (e *auEnv) getTokens(c types.UserPoolClientType, rt string, opts ...func(*cip.GetTokensFromRefreshTokenInput)) (*types.AuthenticationResultType, error) {
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: c.ClientId, RefreshToken: aws.String(rt)}
	for _, o := range opts {
		o(in)
	}
	out, err := e.anon.GetTokensFromRefreshToken(bg, in)
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func (e *auEnv) mustGetTokens(t *testing.T, c types.UserPoolClientType, rt string, opts ...func(*cip.GetTokensFromRefreshTokenInput)) *types.AuthenticationResultType {
	t.Helper()
	r, err := e.getTokens(c, rt, opts...)
	if err != nil {
		t.Fatalf("GetTokensFromRefreshToken: %v", err)
	}
	if r == nil || r.AccessToken == nil || r.IdToken == nil || aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn == 0 {
		t.Fatalf("AuthenticationResult %+v", r)
	}
	return r
}

func rotation(grace int32) *types.RefreshTokenRotationType {
	return &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(grace)}
}

func TestGetTokensFromRefreshTokenWithoutRotation(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{
		RefreshTokenValidity: 60, TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes},
	})
	other := e.client(t, pool, nil)
	e.user(t, pool, "alice")
	res := e.mustPasswordAuth(t, c, "alice")
	first := e.claims(t, pool, *res.AccessToken, "access")

	e.advance(2 * time.Second)
	r := e.mustGetTokens(t, c, *res.RefreshToken)
	if r.RefreshToken != nil || r.NewDeviceMetadata != nil {
		t.Fatalf("no rotation, yet RefreshToken %v NewDeviceMetadata %v", r.RefreshToken, r.NewDeviceMetadata)
	}
	second := e.claims(t, pool, *r.AccessToken, "access")
	if second.OriginJTI != first.OriginJTI || !second.AuthTime.Equal(first.AuthTime) || second.JTI == first.JTI || !second.IssuedAt.After(first.IssuedAt) {
		t.Fatalf("refreshed claims %v vs %v", second.Raw, first.Raw)
	}
	if _, err := e.getUser(*r.AccessToken); err != nil {
		t.Fatalf("GetUser with the refreshed token: %v", err)
	}
	// The same token refreshes again, and REFRESH_TOKEN_AUTH still works.
	e.mustGetTokens(t, c, *res.RefreshToken)
	if _, err := e.refresh(c, *res.RefreshToken, ""); err != nil {
		t.Fatalf("REFRESH_TOKEN_AUTH: %v", err)
	}

	_, err := e.getTokens(other, *res.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	_, err = e.getTokens(c, "bm90LWEtdG9rZW4")
	wantErr(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	_, err = e.getTokens(c, "not a token!")
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.getTokens(types.UserPoolClientType{ClientId: aws.String("1example23456789abcdefghij")}, *res.RefreshToken)
	wantErr(t, err, "ResourceNotFoundException", "User pool client 1example23456789abcdefghij does not exist.")

	// Expiry: 60 minutes after the sign-in.
	e.advance(58 * time.Minute)
	e.mustGetTokens(t, c, *res.RefreshToken)
	e.advance(2 * time.Minute)
	_, err = e.getTokens(c, *res.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has expired")

	// Disabling the user revokes its refresh tokens (as before this operation).
	res = e.mustPasswordAuth(t, c, "alice")
	if _, err := e.signed.AdminDisableUser(bg, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getTokens(c, *res.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	if _, err := e.signed.AdminEnableUser(bg, &cip.AdminEnableUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}

	// Revoked: RevokeToken, and a global sign-out.
	res = e.mustPasswordAuth(t, c, "alice")
	if _, err := e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: res.RefreshToken, ClientId: c.ClientId}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getTokens(c, *res.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	res = e.mustPasswordAuth(t, c, "alice")
	if _, err := e.anon.GlobalSignOut(bg, &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getTokens(c, *res.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

func TestGetTokensFromRefreshTokenClientSecret(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	e.user(t, pool, "alice")
	res := e.mustPasswordAuth(t, c, "alice")
	rt := *res.RefreshToken

	_, err := e.getTokens(c, rt)
	wantErr(t, err, "NotAuthorizedException", "Client "+*c.ClientId+" is configured with secret but ClientSecret was not received")
	_, err = e.getTokens(c, rt, func(in *cip.GetTokensFromRefreshTokenInput) {
		in.ClientSecret = aws.String("wrongsecretwrongsecretwrongsecret")
	})
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret for client "+*c.ClientId)
	// Outside the model's pattern (a SECRET_HASH is base64): a validation error.
	_, err = e.getTokens(c, rt, func(in *cip.GetTokensFromRefreshTokenInput) { in.ClientSecret = secretHash(c, "alice") })
	wantErr(t, err, "InvalidParameterException", "")
	e.mustGetTokens(t, c, rt, func(in *cip.GetTokensFromRefreshTokenInput) { in.ClientSecret = c.ClientSecret })
}

func TestRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{RefreshTokenRotation: rotation(0)})
	e.user(t, pool, "alice")

	d, err := e.signed.DescribeUserPoolClient(bg, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	if r := d.UserPoolClient.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeEnabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 0 || r.RetryGracePeriodSeconds == nil {
		t.Fatalf("DescribeUserPoolClient RefreshTokenRotation %+v", r)
	}

	res := e.mustPasswordAuth(t, c, "alice")
	signIn := e.claims(t, pool, *res.AccessToken, "access")
	rt := *res.RefreshToken

	// REFRESH_TOKEN_AUTH is refused although the client lists ALLOW_REFRESH_TOKEN_AUTH.
	_, err = e.refresh(c, rt, "")
	wantErr(t, err, "InvalidParameterException", "Auth flow not enabled for this client")

	seen := map[string]bool{rt: true}
	var tokens []string
	for i := range 3 {
		e.advance(time.Minute)
		r := e.mustGetTokens(t, c, rt)
		if r.RefreshToken == nil || seen[*r.RefreshToken] {
			t.Fatalf("rotation %d: refresh token %v", i, r.RefreshToken)
		}
		cl := e.claims(t, pool, *r.AccessToken, "access")
		if cl.OriginJTI != signIn.OriginJTI || !cl.AuthTime.Equal(signIn.AuthTime) {
			t.Fatalf("rotation %d: origin_jti %s auth_time %v, want the sign-in's %s %v", i, cl.OriginJTI, cl.AuthTime, signIn.OriginJTI, signIn.AuthTime)
		}
		id := e.claims(t, pool, *r.IdToken, "id")
		if id.OriginJTI != signIn.OriginJTI {
			t.Fatalf("ID token origin_jti %s", id.OriginJTI)
		}
		// No grace: the submitted token is done at once.
		_, err = e.getTokens(c, rt)
		wantErr(t, err, "RefreshTokenReuseException", "")
		var reuse *types.RefreshTokenReuseException
		if !errors.As(err, &reuse) {
			t.Fatalf("the SDK does not see a RefreshTokenReuseException: %T", err)
		}
		rt = *r.RefreshToken
		seen[rt] = true
		tokens = append(tokens, *r.AccessToken)
	}

	// Revoking the family through a rotated-out member ends every member
	// and every access token of the family.
	first := *res.RefreshToken
	if _, err := e.anon.RevokeToken(bg, &cip.RevokeTokenInput{Token: &first, ClientId: c.ClientId}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getTokens(c, rt)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	for _, at := range append(tokens, *res.AccessToken) {
		_, err = e.getUser(at)
		wantErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	}

	// A global sign-out ends a rotated family too.
	res = e.mustPasswordAuth(t, c, "alice")
	r := e.mustGetTokens(t, c, *res.RefreshToken)
	if _, err := e.signed.AdminUserGlobalSignOut(bg, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(pool), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.getTokens(c, *r.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

func TestRefreshTokenRotationGraceAndExpiry(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{
		RefreshTokenRotation: rotation(30),
		RefreshTokenValidity: 2, TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeHours},
	})
	e.user(t, pool, "alice")
	rt1 := *e.mustPasswordAuth(t, c, "alice").RefreshToken

	e.advance(time.Hour)
	rt2 := *e.mustGetTokens(t, c, rt1).RefreshToken
	// A client retry inside the grace: another new token, from the old one.
	e.advance(20 * time.Second)
	retry := e.mustGetTokens(t, c, rt1)
	if retry.RefreshToken == nil || *retry.RefreshToken == rt2 {
		t.Fatalf("retry in grace: %v", retry.RefreshToken)
	}
	// Past the grace (counted from the first rotation) the old token is done.
	e.advance(11 * time.Second)
	_, err := e.getTokens(c, rt1)
	wantErr(t, err, "RefreshTokenReuseException", "")

	// The family keeps the sign-in's absolute expiry (2 hours), however
	// fresh the latest token.
	e.advance(50 * time.Minute)
	rt3 := *e.mustGetTokens(t, c, rt2).RefreshToken
	e.advance(10 * time.Minute)
	_, err = e.getTokens(c, rt3)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// Concurrent uses of one token outside any grace: exactly one rotates it.
func TestRefreshTokenRotationRace(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{RefreshTokenRotation: rotation(0)})
	e.user(t, pool, "alice")
	rt := *e.mustPasswordAuth(t, c, "alice").RefreshToken
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.getTokens(c, rt)
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var ae smithy.APIError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &ae) && ae.ErrorCode() == "RefreshTokenReuseException":
		default:
			t.Fatalf("concurrent refresh: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent rotations succeeded, want 1", wins)
	}
}

func TestRefreshTokenRotationValidation(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	// (A missing Feature is refused by the SDK itself; the server's check is
	// in the userpool package's TestParseRefreshRotation.)
	for _, tc := range []struct {
		rot  *types.RefreshTokenRotationType
		code string
	}{
		{&types.RefreshTokenRotationType{Feature: "MAYBE"}, "InvalidParameterException"},
		{&types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(61)}, "InvalidParameterException"},
		{&types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(-1)}, "InvalidParameterException"},
	} {
		_, err := e.signed.CreateUserPoolClient(bg, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("x"), RefreshTokenRotation: tc.rot})
		wantErr(t, err, tc.code, "")
	}
	// Update replaces the setting; leaving it out turns rotation off.
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{RefreshTokenRotation: rotation(60)})
	e.user(t, pool, "alice")
	if _, err := e.signed.UpdateUserPoolClient(bg, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId, ExplicitAuthFlows: allFlows}); err != nil {
		t.Fatal(err)
	}
	d, err := e.signed.DescribeUserPoolClient(bg, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserPoolClient.RefreshTokenRotation != nil {
		t.Fatalf("rotation kept after an update without it: %+v", d.UserPoolClient.RefreshTokenRotation)
	}
	r := e.mustGetTokens(t, c, *e.mustPasswordAuth(t, c, "alice").RefreshToken)
	if r.RefreshToken != nil {
		t.Fatal("refresh token returned without rotation")
	}
}

// DeviceKey: with device tracking a registered device binds the refreshed
// tokens; no key or an unknown one gets a new device proposal.
func TestGetTokensFromRefreshTokenDeviceKey(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{}})
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{RefreshTokenRotation: rotation(0)})
	u := e.user(t, pool, "alice")
	res := e.mustPasswordAuth(t, c, "alice")
	if res.NewDeviceMetadata == nil {
		t.Fatal("sign-in in a device-tracking pool without NewDeviceMetadata")
	}
	key := *res.NewDeviceMetadata.DeviceKey
	if err := e.st.CreateDevice(bg, store.Device{PoolID: pool, UsernameKey: u.UsernameKey, Key: key, GroupKey: *res.NewDeviceMetadata.DeviceGroupKey,
		SRPSalt: []byte{1}, SRPVerifier: []byte{2}, Remembered: "remembered", CreatedAt: e.now(), UpdatedAt: e.now()}); err != nil {
		t.Fatal(err)
	}

	r := e.mustGetTokens(t, c, *res.RefreshToken, func(in *cip.GetTokensFromRefreshTokenInput) { in.DeviceKey = aws.String(key) })
	if r.NewDeviceMetadata != nil {
		t.Fatalf("registered device, yet NewDeviceMetadata %+v", r.NewDeviceMetadata)
	}
	if cl := e.claims(t, pool, *r.AccessToken, "access"); cl.DeviceKey != key {
		t.Fatalf("device_key %q, want %q", cl.DeviceKey, key)
	}
	for name, dk := range map[string]*string{"no key": nil, "unknown key": aws.String("us-east-1_00000000-0000-0000-0000-000000000000")} {
		r = e.mustGetTokens(t, c, *r.RefreshToken, func(in *cip.GetTokensFromRefreshTokenInput) { in.DeviceKey = dk })
		nd := r.NewDeviceMetadata
		if nd == nil || aws.ToString(nd.DeviceKey) == key || aws.ToString(nd.DeviceGroupKey) == "" {
			t.Fatalf("%s: NewDeviceMetadata %+v", name, nd)
		}
		if cl := e.claims(t, pool, *r.AccessToken, "access"); cl.DeviceKey != *nd.DeviceKey {
			t.Fatalf("%s: device_key %q, want the proposed %q", name, cl.DeviceKey, *nd.DeviceKey)
		}
	}
	_, err := e.getTokens(c, *r.RefreshToken, func(in *cip.GetTokensFromRefreshTokenInput) { in.DeviceKey = aws.String("bad key") })
	wantErr(t, err, "InvalidParameterException", "")
}
