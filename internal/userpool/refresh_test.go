package userpool

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// rfSignIn signs u in through c (ADMIN_USER_PASSWORD_AUTH) at the env's
// clock and returns the refresh token.
func rfSignIn(t *testing.T, e *lcEnv, c *Client, username string) string {
	t.Helper()
	out, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{
		Admin: true, PoolID: c.PoolID, ClientID: c.ID, AuthFlow: FlowAdminUserPassword,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": lcPassword},
	})
	if err != nil || out.Result == nil || out.Result.RefreshToken == "" {
		t.Fatalf("sign-in: %+v %v", out, err)
	}
	return out.Result.RefreshToken
}

func rfRefresh(e *lcEnv, c *Client, rt string) (*AuthenticationResult, error) {
	return e.svc.GetTokensFromRefreshToken(context.Background(), GetTokensFromRefreshTokenInput{ClientID: c.ID, RefreshToken: rt})
}

func rfMust(t *testing.T, e *lcEnv, c *Client, rt string) *AuthenticationResult {
	t.Helper()
	r, err := rfRefresh(e, c, rt)
	if err != nil {
		t.Fatalf("GetTokensFromRefreshToken: %v", err)
	}
	return r
}

func rfClient(t *testing.T, e *lcEnv, poolID, rotation string, refreshMinutes int64) *Client {
	t.Helper()
	in := ClientInput{ExplicitAuthFlows: []string{FlowAllowAdminUserPasswordAuth, FlowAllowRefreshTokenAuth}}
	if rotation != "" {
		in.RefreshTokenRotation = json.RawMessage(rotation)
	}
	if refreshMinutes > 0 {
		in.RefreshTokenValidity = &refreshMinutes
		in.TokenValidityUnits = &TokenValidityUnits{RefreshToken: UnitMinutes}
	}
	return e.client(t, poolID, in)
}

// The grace period of a rotated-out token ends exactly RetryGracePeriodSeconds
// after its first rotation; retries inside it mint further family members;
// the family keeps the sign-in's absolute expiry.
func TestRefreshRotationGraceAndExpiry(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_rotgrace", PoolSettings{CaseSensitive: true})
	c := rfClient(t, e, p.ID, `{"Feature":"ENABLED","RetryGracePeriodSeconds":10}`, 60)
	e.confirmedUser(t, p.ID, "rita")
	start := e.now
	rt1 := rfSignIn(t, e, c, "rita")

	e.now = start.Add(time.Minute)
	rotatedAt := e.now
	rt2 := rfMust(t, e, c, rt1).RefreshToken
	if rt2 == "" || rt2 == rt1 {
		t.Fatalf("rotation returned %q", rt2)
	}
	e.now = rotatedAt.Add(10*time.Second - time.Millisecond)
	rt3 := rfMust(t, e, c, rt1).RefreshToken // a retry inside the grace
	if rt3 == "" || rt3 == rt2 {
		t.Fatalf("retry in grace returned %q", rt3)
	}
	e.now = rotatedAt.Add(10 * time.Second)
	_, err := rfRefresh(e, c, rt1)
	utWantErr(t, err, KindRefreshTokenReuse, "")
	// Both successors live on; the second one's grace also counts from its
	// own first rotation.
	rt4 := rfMust(t, e, c, rt2).RefreshToken
	rfMust(t, e, c, rt3)

	// The family expires with the sign-in (60 minutes), however recent the token.
	e.now = start.Add(60*time.Minute - time.Millisecond)
	rt5 := rfMust(t, e, c, rt4).RefreshToken
	e.now = start.Add(60 * time.Minute)
	_, err = rfRefresh(e, c, rt5)
	utWantErr(t, err, KindNotAuthorized, "Refresh Token has expired")
}

func TestRefreshRotationNoGrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_rotnograce", PoolSettings{CaseSensitive: true})
	c := rfClient(t, e, p.ID, `{"Feature":"ENABLED"}`, 0)
	e.confirmedUser(t, p.ID, "nora")
	rt1 := rfSignIn(t, e, c, "nora")
	rt2 := rfMust(t, e, c, rt1).RefreshToken
	// Same instant, no grace: the old token is done.
	_, err := rfRefresh(e, c, rt1)
	utWantErr(t, err, KindRefreshTokenReuse, "")
	rt3 := rfMust(t, e, c, rt2).RefreshToken

	// REFRESH_TOKEN_AUTH is refused on a rotating client, whatever its flows.
	for _, flow := range []string{FlowRefreshTokenAuth, FlowRefreshToken} {
		_, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: flow, AuthParameters: map[string]string{"REFRESH_TOKEN": rt3}})
		utWantErr(t, err, KindInvalidParameter, "Auth flow not enabled for this client")
	}

	// Rotation switched off: refreshes return no refresh token; the
	// rotated-out token stays dead, also for REFRESH_TOKEN_AUTH.
	off := json.RawMessage(`{"Feature":"DISABLED","RetryGracePeriodSeconds":0}`)
	if _, err := e.svc.UpdateClient(ctx, p.ID, c.ID, ClientInput{ExplicitAuthFlows: c.Settings.ExplicitAuthFlows, RefreshTokenRotation: off}); err != nil {
		t.Fatal(err)
	}
	c, _ = e.svc.GetClient(ctx, p.ID, c.ID)
	if on, _ := c.RefreshRotation(); on {
		t.Fatal("rotation still on")
	}
	r := rfMust(t, e, c, rt3)
	if r.RefreshToken != "" {
		t.Fatalf("non-rotating refresh returned a refresh token")
	}
	_, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": rt1}})
	utWantErr(t, err, KindNotAuthorized, "Invalid Refresh Token")
	if _, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": rt3}}); err != nil {
		t.Fatalf("REFRESH_TOKEN_AUTH after rotation was switched off: %v", err)
	}
}

func TestParseRefreshRotation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw     string
		enabled bool
		grace   time.Duration
		msg     string
	}{
		{raw: ``},
		{raw: `null`},
		{raw: `{"Feature":"ENABLED"}`, enabled: true},
		{raw: `{"Feature":"ENABLED","RetryGracePeriodSeconds":60}`, enabled: true, grace: time.Minute},
		{raw: `{"Feature":"DISABLED","RetryGracePeriodSeconds":30}`},
		{raw: `{"RetryGracePeriodSeconds":3}`, msg: "1 validation error detected: Value null at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must not be null"},
		{raw: `{"Feature":"on"}`, msg: "1 validation error detected: Value 'on' at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"},
		{raw: `{"Feature":"ENABLED","RetryGracePeriodSeconds":61}`, msg: "1 validation error detected: Value '61' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{raw: `{"Feature":"ENABLED","RetryGracePeriodSeconds":-1}`, msg: "1 validation error detected: Value '-1' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value greater than or equal to 0"},
	} {
		_, err := parseRefreshRotation(json.RawMessage(tc.raw))
		if tc.msg != "" {
			utWantErr(t, err, KindInvalidParameter, tc.msg)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		c := &Client{Settings: ClientSettings{RefreshTokenRotation: json.RawMessage(tc.raw)}}
		if on, g := c.RefreshRotation(); on != tc.enabled || g != tc.grace {
			t.Errorf("%s: rotation (%v, %v), want (%v, %v)", tc.raw, on, g, tc.enabled, tc.grace)
		}
	}
}
