package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"testing"
	"time"
)

func pcI64(v int64) *int64 { return &v }

func TestResolveValidity(t *testing.T) {
	t.Parallel()
	access := func(v *int64, unit string) (int64, string, error) {
		return resolveValidity(v, unit, UnitHours, defaultAccessValidity, UnitMinutes, minAccessValidity, maxAccessValidity)
	}
	refresh := func(v *int64, unit string) (int64, string, error) {
		return resolveValidity(v, unit, UnitDays, defaultRefreshDays*24*time.Hour, UnitDays, minRefreshValidity, maxRefreshValidity)
	}
	for _, tc := range []struct {
		name     string
		fn       func(*int64, string) (int64, string, error)
		v        *int64
		unit     string
		wantV    int64
		wantUnit string
		bad      bool
	}{
		{"access default", access, nil, "", 60, UnitMinutes, false},
		{"access default in seconds", access, nil, UnitSeconds, 3600, UnitSeconds, false},
		{"access default in hours", access, nil, UnitHours, 1, UnitHours, false},
		{"access default cannot be days", access, nil, UnitDays, 60, UnitMinutes, false},
		{"access value without unit is hours", access, pcI64(2), "", 2, UnitHours, false},
		{"access 5 minutes", access, pcI64(5), UnitMinutes, 5, UnitMinutes, false},
		{"access 4 minutes", access, pcI64(4), UnitMinutes, 0, "", true},
		{"access 1 day", access, pcI64(1), UnitDays, 1, UnitDays, false},
		{"access 25 hours", access, pcI64(25), "", 0, "", true},
		{"access 299 seconds", access, pcI64(299), UnitSeconds, 0, "", true},
		{"refresh default", refresh, nil, "", 30, UnitDays, false},
		{"refresh zero is default", refresh, pcI64(0), "", 30, UnitDays, false},
		{"refresh 60 minutes", refresh, pcI64(60), UnitMinutes, 60, UnitMinutes, false},
		{"refresh 59 minutes", refresh, pcI64(59), UnitMinutes, 0, "", true},
		{"refresh 3650 days", refresh, pcI64(3650), "", 3650, UnitDays, false},
		{"refresh 3651 days", refresh, pcI64(3651), "", 0, "", true},
		{"refresh huge", refresh, pcI64(315360000), UnitDays, 0, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, unit, err := tc.fn(tc.v, tc.unit)
			if tc.bad {
				pcWantKind(t, err, KindInvalidParameter, "Invalid range for token validity.")
				return
			}
			if err != nil || v != tc.wantV || unit != tc.wantUnit {
				t.Fatalf("got %d %s %v, want %d %s", v, unit, err, tc.wantV, tc.wantUnit)
			}
		})
	}
}

func TestClientValidityAccessors(t *testing.T) {
	t.Parallel()
	c := &Client{Settings: ClientSettings{
		AccessTokenValidity: 15, IdTokenValidity: 2, RefreshTokenValidity: 90,
		TokenValidityUnits:  TokenValidityUnits{AccessToken: UnitMinutes, IdToken: UnitHours, RefreshToken: UnitMinutes},
		AuthSessionValidity: 7,
	}}
	if c.AccessTokenValidity() != 15*time.Minute || c.IDTokenValidity() != 2*time.Hour || c.RefreshTokenValidity() != 90*time.Minute {
		t.Fatalf("got %v %v %v", c.AccessTokenValidity(), c.IDTokenValidity(), c.RefreshTokenValidity())
	}
	if c.AuthSessionValidity() != 7*time.Minute {
		t.Fatalf("auth session %v", c.AuthSessionValidity())
	}
	empty := &Client{}
	if empty.AccessTokenValidity() != time.Hour || empty.IDTokenValidity() != time.Hour || empty.RefreshTokenValidity() != 30*24*time.Hour || empty.AuthSessionValidity() != 3*time.Minute {
		t.Fatal("zero settings must mean Cognito's defaults")
	}
}

func TestCheckAuthFlows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flows []string
		ok    bool
	}{
		{[]string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, true},
		{[]string{"ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"}, true},
		{[]string{}, true},
		{[]string{"ADMIN_NO_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, false},
		{[]string{"CUSTOM_AUTH_FLOW_ONLY", "ALLOW_CUSTOM_AUTH"}, false},
		{[]string{"BOGUS"}, false},
	} {
		err := checkAuthFlows(tc.flows)
		if (err == nil) != tc.ok {
			t.Errorf("%v: err = %v", tc.flows, err)
		}
	}
}

func TestAllowsAuthFlow(t *testing.T) {
	t.Parallel()
	type want map[string]bool
	for _, tc := range []struct {
		flows []string
		want  want
	}{
		{DefaultExplicitAuthFlows, want{"USER_SRP_AUTH": true, "REFRESH_TOKEN_AUTH": true, "REFRESH_TOKEN": true, "CUSTOM_AUTH": true,
			"USER_PASSWORD_AUTH": false, "ADMIN_USER_PASSWORD_AUTH": false, "ADMIN_NO_SRP_AUTH": false, "USER_AUTH": false}},
		{[]string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"}, want{"USER_PASSWORD_AUTH": true, "ADMIN_USER_PASSWORD_AUTH": true,
			"ADMIN_NO_SRP_AUTH": true, "USER_SRP_AUTH": false, "REFRESH_TOKEN_AUTH": false}},
		{[]string{"USER_PASSWORD_AUTH"}, want{"USER_PASSWORD_AUTH": true, "USER_SRP_AUTH": true, "REFRESH_TOKEN_AUTH": true, "ADMIN_NO_SRP_AUTH": false}},
		{[]string{"ADMIN_NO_SRP_AUTH"}, want{"ADMIN_NO_SRP_AUTH": true, "ADMIN_USER_PASSWORD_AUTH": true, "USER_PASSWORD_AUTH": false}},
		{[]string{"CUSTOM_AUTH_FLOW_ONLY"}, want{"CUSTOM_AUTH": true, "USER_SRP_AUTH": false, "REFRESH_TOKEN_AUTH": true}},
		{[]string{}, want{"USER_SRP_AUTH": true, "REFRESH_TOKEN_AUTH": true, "USER_PASSWORD_AUTH": false}},
	} {
		c := &Client{Settings: ClientSettings{ExplicitAuthFlows: tc.flows}}
		for flow, w := range tc.want {
			if got := c.AllowsAuthFlow(flow); got != w {
				t.Errorf("flows %v: AllowsAuthFlow(%s) = %v, want %v", tc.flows, flow, got, w)
			}
		}
	}
}

func TestVerifySecretHash(t *testing.T) {
	t.Parallel()
	c := &Client{ID: "client123", Secret: "s3cr3t"}
	m := hmac.New(sha256.New, []byte("s3cr3t"))
	m.Write([]byte("alice" + "client123"))
	good := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !c.VerifySecretHash("alice", good) {
		t.Fatal("correct hash rejected")
	}
	if c.VerifySecretHash("bob", good) || c.VerifySecretHash("alice", good[:len(good)-2]+"==") {
		t.Fatal("wrong hash accepted")
	}
	if (&Client{ID: "x"}).VerifySecretHash("alice", good) {
		t.Fatal("a client without secret has no valid hash")
	}
}

func TestCheckClientAttributes(t *testing.T) {
	t.Parallel()
	st, err := newPoolSettings(PoolInput{Schema: []SchemaAttributeInput{
		{Name: "email", Required: pcBool(true)},
		{Name: "tier", AttributeDataType: "String"},
		{Name: "hidden", AttributeDataType: "String", DeveloperOnlyAttribute: pcBool(true)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := &Pool{Settings: st}
	for _, tc := range []struct {
		name        string
		read, write []string
		msg         string
	}{
		{"nothing given", nil, nil, ""},
		{"read standard, custom and dev", []string{"email", "email_verified", "custom:tier", "dev:custom:hidden", "sub"}, nil, ""},
		{"write with required", nil, []string{"email", "custom:tier", "name"}, ""},
		{"unknown read", []string{"custom:nope"}, nil, "Invalid read attributes specified while creating a client"},
		{"write misses required email", nil, []string{"name"}, "Invalid write attributes specified while creating a client"},
		{"write email_verified", nil, []string{"email", "email_verified"}, "Invalid write attributes specified while creating a client"},
		{"write sub", nil, []string{"email", "sub"}, "Invalid write attributes specified while creating a client"},
		{"write developer-only", nil, []string{"email", "dev:custom:hidden"}, "Invalid write attributes specified while creating a client"},
		{"bare custom name", nil, []string{"email", "tier"}, "Invalid write attributes specified while creating a client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkClientAttributes(p, tc.read, tc.write, "creating")
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			pcWantKind(t, err, KindInvalidParameter, tc.msg)
		})
	}
}

var (
	clientIDRE     = regexp.MustCompile(`^[0-9a-z]{26}$`)
	clientSecretRE = regexp.MustCompile(`^[0-9a-z]{51}$`)
)

func TestClientLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	svc := pcService(t, Options{Now: func() time.Time { return clock }})
	p, err := svc.CreatePool(ctx, PoolInput{Name: "apps"})
	if err != nil {
		t.Fatal(err)
	}

	plain, err := svc.CreateClient(ctx, p.ID, ClientInput{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if !clientIDRE.MatchString(plain.ID) || plain.HasSecret() {
		t.Fatalf("plain client %+v", plain)
	}
	st := plain.Settings
	if st.PreventUserExistenceErrors != "LEGACY" || !st.EnableTokenRevocation || st.AuthSessionValidity != 3 ||
		len(st.ExplicitAuthFlows) != 3 || st.AccessTokenValidity != 60 || st.TokenValidityUnits.AccessToken != UnitMinutes ||
		st.RefreshTokenValidity != 30 || st.TokenValidityUnits.RefreshToken != UnitDays {
		t.Fatalf("defaults %+v", st)
	}

	secret, err := svc.CreateClient(ctx, p.ID, ClientInput{Name: "server", GenerateSecret: true,
		AccessTokenValidity: pcI64(15), TokenValidityUnits: &TokenValidityUnits{AccessToken: UnitMinutes}})
	if err != nil {
		t.Fatal(err)
	}
	if !clientSecretRE.MatchString(secret.Secret) || secret.AccessTokenValidity() != 15*time.Minute {
		t.Fatalf("secret client %+v", secret)
	}

	explicit, err := svc.CreateClient(ctx, p.ID, ClientInput{Name: "explicit", Secret: "abcdefghijklmnopqrstuvwxyz_+0123"})
	if err != nil || explicit.Secret != "abcdefghijklmnopqrstuvwxyz_+0123" {
		t.Fatalf("explicit secret: %v %+v", err, explicit)
	}
	_, err = svc.CreateClient(ctx, p.ID, ClientInput{Name: "both", GenerateSecret: true, Secret: "abcdefghijklmnopqrstuvwxyz"})
	pcWantKind(t, err, KindInvalidParameter, "")
	_, err = svc.CreateClient(ctx, p.ID, ClientInput{Name: "mixed", ExplicitAuthFlows: []string{"ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"}})
	pcWantKind(t, err, KindInvalidParameter, "")
	_, err = svc.CreateClient(ctx, "us-east-1_nothere00", ClientInput{Name: "x"})
	pcWantKind(t, err, KindResourceNotFound, "User pool us-east-1_nothere00 does not exist.")

	got, err := svc.GetClient(ctx, p.ID, secret.ID)
	if err != nil || got.Secret != secret.Secret || got.Name != "server" || got.AccessTokenValidity() != 15*time.Minute {
		t.Fatalf("GetClient %+v %v", got, err)
	}
	byID, err := svc.GetClientByID(ctx, secret.ID)
	if err != nil || byID.PoolID != p.ID {
		t.Fatalf("GetClientByID %+v %v", byID, err)
	}
	_, err = svc.GetClient(ctx, p.ID, "nosuchclient")
	pcWantKind(t, err, KindResourceNotFound, "User pool client nosuchclient does not exist.")
	_, err = svc.GetClient(ctx, "us-east-1_nothere00", secret.ID)
	pcWantKind(t, err, KindResourceNotFound, "User pool us-east-1_nothere00 does not exist.")
	_, err = svc.GetClientByID(ctx, "nosuchclient")
	pcWantKind(t, err, KindResourceNotFound, "User pool client nosuchclient does not exist.")

	// Paging: three clients, two per page.
	page1, tok, err := svc.ListClients(ctx, p.ID, 2, "")
	if err != nil || len(page1) != 2 || tok == "" {
		t.Fatalf("page1 %d %q %v", len(page1), tok, err)
	}
	page2, tok2, err := svc.ListClients(ctx, p.ID, 2, tok)
	if err != nil || len(page2) != 1 || tok2 != "" {
		t.Fatalf("page2 %d %q %v", len(page2), tok2, err)
	}
	_, _, err = svc.ListClients(ctx, "us-east-1_nothere00", 2, "")
	pcWantKind(t, err, KindResourceNotFound, "User pool us-east-1_nothere00 does not exist.")

	// Update: omitted members go back to defaults; name and secret stay.
	clock = clock.Add(time.Minute)
	up, err := svc.UpdateClient(ctx, p.ID, secret.ID, ClientInput{PreventUserExistenceErrors: "ENABLED"})
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "server" || up.Secret != secret.Secret || up.AccessTokenValidity() != time.Hour ||
		up.Settings.PreventUserExistenceErrors != "ENABLED" || !up.UpdatedAt.Equal(clock) || up.CreatedAt.Equal(clock) {
		t.Fatalf("updated %+v", up)
	}
	renamed, err := svc.UpdateClient(ctx, p.ID, secret.ID, ClientInput{Name: "backend"})
	if err != nil || renamed.Name != "backend" {
		t.Fatalf("rename %v %+v", err, renamed)
	}
	_, err = svc.UpdateClient(ctx, p.ID, "nosuchclient", ClientInput{})
	pcWantKind(t, err, KindResourceNotFound, "User pool client nosuchclient does not exist.")
	_, err = svc.UpdateClient(ctx, p.ID, secret.ID, ClientInput{WriteAttributes: []string{"custom:none"}})
	pcWantKind(t, err, KindInvalidParameter, "Invalid write attributes specified while updating a client")

	if err := svc.DeleteClient(ctx, p.ID, secret.ID); err != nil {
		t.Fatal(err)
	}
	pcWantKind(t, svc.DeleteClient(ctx, p.ID, secret.ID), KindResourceNotFound, "User pool client "+secret.ID+" does not exist.")
	pcWantKind(t, svc.DeleteClient(ctx, "us-east-1_nothere00", secret.ID), KindResourceNotFound, "User pool us-east-1_nothere00 does not exist.")
}
