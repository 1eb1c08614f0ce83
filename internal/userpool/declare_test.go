package userpool

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"userpool/internal/store/sqlite"
)

func newDeclareService(t *testing.T) *Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return New(st, Options{})
}

func TestCreatePoolWithID(t *testing.T) {
	t.Parallel()
	s := newDeclareService(t)
	ctx := context.Background()
	for _, bad := range []string{"", "us-east-1_short", "pool", "US-EAST-1_AbCdEfGhI", "us-east-1_AbCdEfGh!"} {
		if _, err := s.CreatePoolWithID(ctx, bad, PoolInput{Name: "x"}); KindOf(err) != KindInvalidParameter {
			t.Errorf("id %q: %v", bad, err)
		}
	}
	p, err := s.CreatePoolWithID(ctx, "eu-west-1_AbCdEfGhI", PoolInput{Name: "fixed", MfaConfiguration: "OPTIONAL", UsernameAttributes: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPool(ctx, "eu-west-1_AbCdEfGhI")
	if err != nil || got.Name != "fixed" || got.Settings.MfaConfiguration != "OPTIONAL" || !got.Settings.SoftwareTokenMfa || p.Settings.PasswordPolicy != DefaultPasswordPolicy {
		t.Fatalf("pool: %+v %v", got, err)
	}
	if _, err := s.CreatePoolWithID(ctx, "eu-west-1_AbCdEfGhI", PoolInput{Name: "again"}); KindOf(err) != KindInvalidParameter {
		t.Fatalf("duplicate id: %v", err)
	}
	// The shared validation applies.
	if _, err := s.CreatePoolWithID(ctx, "eu-west-1_AbCdEfGh2", PoolInput{Name: "x", UsernameAttributes: []string{"email"}, AliasAttributes: []string{"email"}}); KindOf(err) != KindInvalidParameter {
		t.Fatalf("username+alias attributes: %v", err)
	}
}

// declared is a DeclarePool change setting the given members ("" and nil:
// not declared).
func declared(name string, pp *PasswordPolicyInput, mfa string) func(*PoolInput) {
	return func(in *PoolInput) {
		if name != "" {
			in.Name = name
		}
		if pp != nil {
			in.PasswordPolicy = pp
		}
		if mfa != "" {
			in.MfaConfiguration = mfa
		}
	}
}

// PoolInputOf reproduces every updatable member: declaring nothing on a
// pool created with many of them writes nothing and keeps them all.
func TestPoolInputOfRoundTrip(t *testing.T) {
	t.Parallel()
	s := newDeclareService(t)
	ctx := context.Background()
	three, days := 3, 30
	in := PoolInput{
		Name:                   "full",
		PasswordPolicy:         &PasswordPolicyInput{MinimumLength: &days, RequireSymbols: true, PasswordHistorySize: &three},
		SignInPolicy:           json.RawMessage(`{"AllowedFirstAuthFactors":["PASSWORD"]}`),
		DeletionProtection:     DeletionProtectionActive,
		AutoVerifiedAttributes: []string{"email"},
		UsernameAttributes:     []string{"email"},
		MfaConfiguration:       "OFF", // ON/OPTIONAL: DeclarePool also turns TOTP on (a write)
		DeviceConfiguration:    &DeviceConfiguration{ChallengeRequiredOnNewDevice: true},
		AdminCreateUserConfig:  &AdminCreateUserConfigInput{AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: &three, InviteMessageTemplate: json.RawMessage(`{"EmailSubject":"Welcome"}`)},
		UserPoolTier:           "PLUS",
		Extra: map[string]json.RawMessage{
			"UserPoolTags":                json.RawMessage(`{"team":"a"}`),
			"VerificationMessageTemplate": json.RawMessage(`{"DefaultEmailOption":"CONFIRM_WITH_CODE","EmailMessage":"Your code is {####}","EmailSubject":"Your code"}`),
			"AccountRecoverySetting":      json.RawMessage(`{"RecoveryMechanisms":[{"Name":"verified_email","Priority":1}]}`),
		},
	}
	p, err := s.CreatePool(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	wrote, err := s.DeclarePool(ctx, p.ID, func(*PoolInput) {})
	if err != nil || wrote {
		t.Fatalf("nothing declared: wrote=%v err=%v", wrote, err)
	}
	// One member changes; the others stay.
	wrote, err = s.DeclarePool(ctx, p.ID, func(in *PoolInput) { in.AutoVerifiedAttributes = []string{"email", "phone_number"} })
	if err != nil || !wrote {
		t.Fatalf("auto verified: wrote=%v err=%v", wrote, err)
	}
	got, _ := s.GetPool(ctx, p.ID)
	st := got.Settings
	if len(st.AutoVerifiedAttributes) != 2 || st.DeletionProtection != DeletionProtectionActive || st.UserPoolTier != "PLUS" ||
		st.DeviceConfiguration == nil || !st.DeviceConfiguration.ChallengeRequiredOnNewDevice || !st.AdminCreateUserConfig.AllowAdminCreateUserOnly ||
		st.PasswordPolicy.PasswordHistorySize != 3 || string(st.Extra["UserPoolTags"]) != `{"team":"a"}` || string(st.Extra["EmailVerificationSubject"]) != `"Your code"` {
		t.Fatalf("after: %+v", st)
	}
}

func TestDeclarePool(t *testing.T) {
	t.Parallel()
	s := newDeclareService(t)
	ctx := context.Background()
	p, err := s.CreatePool(ctx, PoolInput{Name: "decl", DeletionProtection: DeletionProtectionActive})
	if err != nil {
		t.Fatal(err)
	}
	wrote, err := s.DeclarePool(ctx, p.ID, declared("decl", nil, ""))
	if err != nil || wrote {
		t.Fatalf("no change: wrote=%v err=%v", wrote, err)
	}
	ten := 10
	wrote, err = s.DeclarePool(ctx, p.ID, declared("renamed", &PasswordPolicyInput{MinimumLength: &ten, RequireNumbers: true}, "ON"))
	if err != nil || !wrote {
		t.Fatalf("change: wrote=%v err=%v", wrote, err)
	}
	got, _ := s.GetPool(ctx, p.ID)
	if got.Name != "renamed" || got.Settings.PasswordPolicy.MinimumLength != 10 || got.Settings.PasswordPolicy.RequireSymbols ||
		got.Settings.MfaConfiguration != "ON" || !got.Settings.SoftwareTokenMfa {
		t.Fatalf("after: %+v", got)
	}
	// Undeclared members are kept (UpdateUserPool would reset them).
	if got.Settings.DeletionProtection != DeletionProtectionActive {
		t.Fatalf("deletion protection reset: %q", got.Settings.DeletionProtection)
	}
	if wrote, _ := s.DeclarePool(ctx, p.ID, declared("renamed", &PasswordPolicyInput{MinimumLength: &ten, RequireNumbers: true}, "ON")); wrote {
		t.Fatal("same declaration wrote again")
	}
	five := 5
	if _, err := s.DeclarePool(ctx, p.ID, declared("", &PasswordPolicyInput{MinimumLength: &five}, "")); KindOf(err) != KindInvalidParameter {
		t.Fatalf("bad policy: %v", err)
	}
	if _, err := s.DeclarePool(ctx, "us-east-1_NoSuchPoo", declared("", nil, "")); KindOf(err) != KindResourceNotFound {
		t.Fatalf("missing pool: %v", err)
	}
}

func TestClientWithIDAndDeclareClient(t *testing.T) {
	t.Parallel()
	s := newDeclareService(t)
	ctx := context.Background()
	p, err := s.CreatePool(ctx, PoolInput{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateClientWithID(ctx, p.ID, "bad id", ClientInput{Name: "x"}); KindOf(err) != KindInvalidParameter {
		t.Fatalf("bad id: %v", err)
	}
	c, err := s.CreateClientWithID(ctx, p.ID, "fixedclient01", ClientInput{Name: "web", GenerateSecret: true, CallbackURLs: []string{"https://app.example.com/cb"}})
	if err != nil || c.ID != "fixedclient01" || !c.HasSecret() {
		t.Fatalf("create: %+v %v", c, err)
	}
	if _, err := s.CreateClientWithID(ctx, p.ID, "fixedclient01", ClientInput{Name: "again"}); KindOf(err) != KindInvalidParameter {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.CreateClientWithID(ctx, "us-east-1_NoSuchPoo", "other", ClientInput{Name: "x"}); KindOf(err) != KindResourceNotFound {
		t.Fatalf("missing pool: %v", err)
	}

	// ClientInputOf reproduces the settings exactly: no write.
	wrote, err := s.DeclareClient(ctx, p.ID, c.ID, func(*ClientInput) {})
	if err != nil || wrote {
		t.Fatalf("identity change: wrote=%v err=%v", wrote, err)
	}
	fifteen := int64(15)
	wrote, err = s.DeclareClient(ctx, p.ID, c.ID, func(in *ClientInput) {
		in.AccessTokenValidity = &fifteen
		in.TokenValidityUnits.AccessToken = UnitMinutes
		in.ExplicitAuthFlows = []string{FlowAllowUserSRPAuth, FlowAllowRefreshTokenAuth}
	})
	if err != nil || !wrote {
		t.Fatalf("change: wrote=%v err=%v", wrote, err)
	}
	got, _ := s.GetClient(ctx, p.ID, c.ID)
	if got.AccessTokenValidity().Minutes() != 15 || len(got.Settings.ExplicitAuthFlows) != 2 || got.Secret != c.Secret {
		t.Fatalf("after: %+v", got)
	}
	if len(got.Settings.CallbackURLs) != 1 {
		t.Fatalf("undeclared callback URLs were reset: %+v", got.Settings.CallbackURLs)
	}
}

// A client created with an explicitly empty ExplicitAuthFlows keeps it (it
// is not a client with the default flows): read back, reproduced by
// ClientInputOf, and a declaration that does not name flows leaves it.
func TestClientWithNoFlowsKeepsThem(t *testing.T) {
	t.Parallel()
	s := newDeclareService(t)
	ctx := context.Background()
	p, err := s.CreatePool(ctx, PoolInput{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for _, create := range []func(ClientInput) (*Client, error){
		func(in ClientInput) (*Client, error) { return s.CreateClient(ctx, p.ID, in) },
		func(in ClientInput) (*Client, error) { return s.CreateClientWithID(ctx, p.ID, "noflows01", in) },
	} {
		c, err := create(ClientInput{Name: "noflows", ExplicitAuthFlows: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetClient(ctx, p.ID, c.ID)
		if err != nil || got.Settings.ExplicitAuthFlows == nil || len(got.Settings.ExplicitAuthFlows) != 0 {
			t.Fatalf("read back: %#v %v", got.Settings.ExplicitAuthFlows, err)
		}
		if in := ClientInputOf(got); in.ExplicitAuthFlows == nil {
			t.Fatal("ClientInputOf turned no flows into the defaults")
		}
		wrote, err := s.DeclareClient(ctx, p.ID, c.ID, func(*ClientInput) {})
		if err != nil || wrote {
			t.Fatalf("identity change: wrote=%v err=%v", wrote, err)
		}
	}
	_, err = s.CreateClientWithID(ctx, p.ID, "noflows01", ClientInput{Name: "again"})
	if e, ok := err.(*Error); !ok || e.Kind != KindInvalidParameter || e.Message != "User pool client noflows01 already exists." {
		t.Fatalf("taken id: %v", err)
	}
}
