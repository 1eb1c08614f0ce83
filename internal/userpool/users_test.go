package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"userpool/internal/password"
	"userpool/internal/srp"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
)

var utStart = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

type utEnv struct {
	svc *Service
	st  store.Store
	now time.Time
}

func newUTEnv(t *testing.T, limits Limits) *utEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &utEnv{st: st, now: utStart}
	e.svc = New(st, Options{Now: func() time.Time { return e.now }, PasswordParams: password.InsecureTestParams, Limits: limits})
	return e
}

// pool stores a pool with the given settings (zero policy: the default policy).
func (e *utEnv) pool(t *testing.T, id string, ps PoolSettings) *Pool {
	t.Helper()
	if ps.PasswordPolicy == (PasswordPolicy{}) {
		ps.PasswordPolicy = DefaultPasswordPolicy
	}
	b, err := json.Marshal(ps)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreatePool(context.Background(), store.Pool{ID: id, Name: "p", Settings: b, CreatedAt: utStart, UpdatedAt: utStart}); err != nil {
		t.Fatalf("create pool: %v", err)
	}
	p, err := e.svc.GetPool(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *utEnv) create(t *testing.T, poolID, username string, attrs ...Attribute) store.User {
	t.Helper()
	res, err := e.svc.AdminCreateUser(context.Background(), CreateUserInput{PoolID: poolID, Username: username, Attributes: attrs, MessageAction: "SUPPRESS"})
	if err != nil {
		t.Fatalf("AdminCreateUser(%q): %v", username, err)
	}
	u, err := e.svc.userRecord(context.Background(), poolID, res.User.Username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// wantErr checks the kind and, when msg is not "", the exact message.
func utWantErr(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", kind)
	}
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *Error of kind %s", err, kind)
	}
	if de.Kind != kind || (msg != "" && de.Message != msg) {
		t.Fatalf("got %s %q, want %s %q", de.Kind, de.Message, kind, msg)
	}
}

func utCustomAttr(name string, mutable bool, maxLen int64) SchemaAttribute {
	return SchemaAttribute{Name: name, AttributeDataType: "String", Mutable: mutable, Custom: true, MaxLength: &maxLen}
}

func TestAdminCreateUserCredentialAndShape(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	pp := DefaultPasswordPolicy
	pp.TemporaryPasswordValidityDays = 3
	p := e.pool(t, "us-east-1_Pool1", PoolSettings{PasswordPolicy: pp})
	ctx := context.Background()

	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "Alice",
		Attributes: []Attribute{{"email", "alice@example.com"}, {"email_verified", "True"}}})
	if err != nil {
		t.Fatal(err)
	}
	u := res.User
	if u.Username != "Alice" || u.UsernameKey() != "alice" || u.Status != StatusForceChangePassword || !u.Enabled {
		t.Fatalf("user = %+v", u)
	}
	if _, err := uuid.Parse(u.Sub); err != nil {
		t.Fatalf("sub %q is not a UUID", u.Sub)
	}
	if u.attrs["email_verified"] != "true" {
		t.Fatalf("email_verified not normalised: %q", u.attrs["email_verified"])
	}
	if err := policyOf(p).Check(res.TemporaryPassword); err != nil {
		t.Fatalf("generated password %v", err)
	}
	got, err := e.svc.userRecord(ctx, p.ID, "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	cred := got.Password
	if ok, err := password.Verify(res.TemporaryPassword, cred.Hash); !ok || err != nil {
		t.Fatalf("stored hash does not verify the temporary password: %v", err)
	}
	if !strings.HasPrefix(cred.Hash, "$argon2id$") {
		t.Fatalf("hash %q is not argon2id", cred.Hash)
	}
	if len(cred.SRPSalt) != 16 || !bytes.Equal(cred.SRPVerifier, srp.Verifier("Pool1", "Alice", res.TemporaryPassword, cred.SRPSalt)) {
		t.Fatal("SRP verifier does not match pool name, internal username and password")
	}
	if !cred.Temporary || !cred.ExpiresAt.Equal(utStart.Add(3*24*time.Hour)) {
		t.Fatalf("temporary=%v expires=%v", cred.Temporary, cred.ExpiresAt)
	}
	attrs := attributeList(got.Sub, got.Attributes, nil)
	if attrs[0] != (Attribute{"sub", u.Sub}) || len(attrs) != 3 {
		t.Fatalf("attributes = %v", attrs)
	}
	if only := attributeList(got.Sub, got.Attributes, []string{"email"}); len(only) != 1 || only[0].Name != "email" {
		t.Fatalf("projection = %v", only)
	}
}

func TestAdminCreateUserErrors(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	schema := []SchemaAttribute{
		{Name: "name", AttributeDataType: "String", Mutable: true, Required: true},
		utCustomAttr("tier", false, 5),
	}
	p := e.pool(t, "us-east-1_Errs", PoolSettings{Schema: schema})
	ctx := context.Background()
	named := func(extra ...Attribute) []Attribute { return append([]Attribute{{"name", "N"}}, extra...) }
	tests := []struct {
		name  string
		in    CreateUserInput
		kind  Kind
		msg   string
		setup bool
	}{
		{"unknown custom", CreateUserInput{Username: "a", Attributes: named(Attribute{"custom:x", "1"})}, KindInvalidParameter,
			"Attributes did not conform to the schema: Type for attribute {custom:x} could not be determined", false},
		{"custom without prefix", CreateUserInput{Username: "a", Attributes: named(Attribute{"tier", "1"})}, KindInvalidParameter,
			"Attributes did not conform to the schema: Type for attribute {tier} could not be determined", false},
		{"sub", CreateUserInput{Username: "a", Attributes: named(Attribute{"sub", "x"})}, KindInvalidParameter,
			"Cannot modify the non-mutable attribute sub", false},
		{"bad email", CreateUserInput{Username: "a", Attributes: named(Attribute{"email", "nope"})}, KindInvalidParameter,
			"Invalid email address format.", false},
		{"bad phone", CreateUserInput{Username: "a", Attributes: named(Attribute{"phone_number", "555"})}, KindInvalidParameter,
			"Invalid phone number format.", false},
		{"too long", CreateUserInput{Username: "a", Attributes: named(Attribute{"custom:tier", "toolong"})}, KindInvalidParameter,
			"Attributes did not conform to the schema: custom:tier: String must be no longer than 5 characters\n", false},
		{"required", CreateUserInput{Username: "a"}, KindInvalidParameter,
			"Attributes did not conform to the schema: name: The attribute is required\n", false},
		{"verified without email", CreateUserInput{Username: "a", Attributes: named(Attribute{"email_verified", "true"})}, KindInvalidParameter,
			"Email is required to verify/un-verify an email", false},
		{"weak password", CreateUserInput{Username: "a", Attributes: named(), TemporaryPassword: "short"}, KindInvalidPassword,
			"Password did not conform with policy: Password not long enough", false},
		{"duplicate", CreateUserInput{Username: "DUP", Attributes: named()}, KindUsernameExists, "User account already exists", true},
		{"resend missing", CreateUserInput{Username: "ghost", MessageAction: "RESEND"}, KindUserNotFound, "User does not exist.", false},
	}
	e.create(t, p.ID, "dup", Attribute{"name", "N"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.PoolID = p.ID
			_, err := e.svc.AdminCreateUser(ctx, tc.in)
			utWantErr(t, err, tc.kind, tc.msg)
		})
	}
	_, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: "us-east-1_missing", Username: "a"})
	utWantErr(t, err, KindResourceNotFound, "User pool us-east-1_missing does not exist.")
}

func TestCaseSensitivePool(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Case", PoolSettings{CaseSensitive: true})
	e.create(t, p.ID, "bob")
	e.create(t, p.ID, "Bob")
	ctx := context.Background()
	u, err := e.svc.userRecord(ctx, p.ID, "Bob")
	if err != nil || u.Username != "Bob" {
		t.Fatalf("got %q, %v", u.Username, err)
	}
	_, err = e.svc.userRecord(ctx, p.ID, "BOB")
	utWantErr(t, err, KindUserNotFound, "User does not exist.")
}

func TestUsernameAttributesPool(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Email", PoolSettings{UsernameAttributes: []string{"email"}})
	ctx := context.Background()
	u := e.create(t, p.ID, "Carol@Example.com")
	if u.Username != u.Sub || u.Attributes["email"] != "Carol@Example.com" {
		t.Fatalf("user = %+v", u)
	}
	for _, name := range []string{"carol@example.com", u.Sub, strings.ToUpper(u.Sub)} {
		got, err := e.svc.userRecord(ctx, p.ID, name)
		if err != nil || got.Sub != u.Sub {
			t.Fatalf("AdminGetUser(%q) = %v, %v", name, got.Sub, err)
		}
	}
	_, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "CAROL@example.com"})
	utWantErr(t, err, KindUsernameExists, "An account with the given email already exists.")
	_, err = e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "dave"})
	utWantErr(t, err, KindInvalidParameter, "Username should be an email.")

	// The sign-in email cannot be removed, and can be changed only to a free one.
	e.create(t, p.ID, "erin@example.com")
	err = e.svc.AdminUpdateUserAttributes(ctx, p.ID, u.Sub, []Attribute{{"email", "ERIN@example.com"}})
	utWantErr(t, err, KindAliasExists, "An account with the given email already exists.")
	err = e.svc.AdminDeleteUserAttributes(ctx, p.ID, u.Sub, []string{"email"})
	utWantErr(t, err, KindInvalidParameter, "")
	if err := e.svc.AdminUpdateUserAttributes(ctx, p.ID, u.Sub, []Attribute{{"email", "carol2@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.userRecord(ctx, p.ID, "carol2@example.com"); err != nil {
		t.Fatalf("lookup by new email: %v", err)
	}
	_, err = e.svc.userRecord(ctx, p.ID, "carol@example.com")
	utWantErr(t, err, KindUserNotFound, "")
}

func TestAliasPool(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Alias", PoolSettings{AliasAttributes: []string{"email"}})
	ctx := context.Background()
	_, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "x@example.com"})
	utWantErr(t, err, KindInvalidParameter, "Username cannot be of email format, since user pool is configured for email alias.")

	verified := []Attribute{{"email", "f@example.com"}, {"email_verified", "true"}}
	first := e.create(t, p.ID, "frank", verified...)
	_, err = e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "gina", Attributes: verified})
	utWantErr(t, err, KindAliasExists, "An account with the given email already exists.")
	// An unverified email is no alias: no collision.
	e.create(t, p.ID, "hank", Attribute{"email", "f@example.com"})

	if _, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "gina", Attributes: verified, ForceAliasCreation: true}); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.userRecord(ctx, p.ID, "f@example.com")
	if err != nil || got.Username != "gina" {
		t.Fatalf("alias now names %q, %v", got.Username, err)
	}
	old, _ := e.svc.userRecord(ctx, p.ID, "frank")
	if old.Attributes["email_verified"] != "false" || len(old.Aliases) != 0 || old.Sub != first.Sub {
		t.Fatalf("previous holder = %+v", old)
	}
	// Verifying frank's email again collides with gina's alias.
	err = e.svc.AdminUpdateUserAttributes(ctx, p.ID, "frank", []Attribute{{"email_verified", "true"}})
	utWantErr(t, err, KindAliasExists, "An account with the given email already exists.")
}

func TestResendInvitation(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Resend", PoolSettings{})
	ctx := context.Background()
	u := e.create(t, p.ID, "ivan")
	e.now = utStart.Add(time.Hour)
	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: "IVAN", MessageAction: "RESEND", TemporaryPassword: "Fresh-Pass1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Sub != u.Sub || res.TemporaryPassword != "Fresh-Pass1" {
		t.Fatalf("resend = %+v", res)
	}
	got, _ := e.svc.userRecord(ctx, p.ID, "ivan")
	if ok, _ := password.Verify("Fresh-Pass1", got.Password.Hash); !ok {
		t.Fatal("new temporary password not stored")
	}
	if !got.Password.ExpiresAt.Equal(e.now.Add(7 * 24 * time.Hour)) {
		t.Fatalf("expiry %v", got.Password.ExpiresAt)
	}
}

func TestUpdateAndDeleteAttributes(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	schema := []SchemaAttribute{
		{Name: "name", AttributeDataType: "String", Mutable: true, Required: true},
		utCustomAttr("tier", false, 10),
		utCustomAttr("team", true, 10),
		{Name: "level", AttributeDataType: "Number", Mutable: true, Custom: true, MinValue: int64p(1), MaxValue: int64p(5)},
	}
	p := e.pool(t, "us-east-1_Upd", PoolSettings{Schema: schema})
	ctx := context.Background()
	e.create(t, p.ID, "jo", Attribute{"name", "Jo"}, Attribute{"custom:tier", "gold"},
		Attribute{"email", "jo@example.com"}, Attribute{"email_verified", "true"}, Attribute{"custom:team", "red"})

	e.now = utStart.Add(time.Minute)
	if err := e.svc.AdminUpdateUserAttributes(ctx, p.ID, "jo", []Attribute{
		{"custom:team", ""}, {"email", "jo2@example.com"}, {"custom:level", "3"}, {"given_name", "J"},
	}); err != nil {
		t.Fatal(err)
	}
	u, _ := e.svc.userRecord(ctx, p.ID, "jo")
	want := map[string]string{"name": "Jo", "custom:tier": "gold", "email": "jo2@example.com", "email_verified": "false", "custom:level": "3", "given_name": "J"}
	if len(u.Attributes) != len(want) {
		t.Fatalf("attributes = %v", u.Attributes)
	}
	for k, v := range want {
		if u.Attributes[k] != v {
			t.Fatalf("attributes = %v, want %v", u.Attributes, want)
		}
	}
	if !u.UpdatedAt.Equal(e.now) {
		t.Fatalf("UpdatedAt %v", u.UpdatedAt)
	}

	tests := []struct {
		attrs []Attribute
		msg   string
	}{
		{[]Attribute{{"custom:tier", "silver"}}, "Attributes did not conform to the schema: custom:tier: Attribute cannot be updated. (changing an immutable attribute)\n"},
		{[]Attribute{{"team", "x"}}, "Attributes did not conform to the schema: Type for attribute {team} could not be determined"},
		{[]Attribute{{"name", ""}}, "Attributes did not conform to the schema: name: The attribute is required\n"},
		{[]Attribute{{"custom:level", "9"}}, "Attributes did not conform to the schema: custom:level: Number must be no greater than 5\n"},
		{[]Attribute{{"sub", "x"}}, "Cannot modify the non-mutable attribute sub"},
	}
	for _, tc := range tests {
		err := e.svc.AdminUpdateUserAttributes(ctx, p.ID, "jo", tc.attrs)
		utWantErr(t, err, KindInvalidParameter, tc.msg)
	}
	// Every name outside the schema is listed, each on its own line.
	utWantErr(t, e.svc.AdminDeleteUserAttributes(ctx, p.ID, "jo", []string{"custom:foo", "email", "custom:bar"}), KindInvalidParameter,
		"Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.\nuser.custom:bar: Attribute does not exist in the schema.\n")
	utWantErr(t, e.svc.AdminDeleteUserAttributes(ctx, p.ID, "jo", []string{"name"}), KindInvalidParameter,
		"Attributes did not conform to the schema: name: The attribute is required\n")
	if err := e.svc.AdminDeleteUserAttributes(ctx, p.ID, "jo", []string{"email", "given_name"}); err != nil {
		t.Fatal(err)
	}
	u, _ = e.svc.userRecord(ctx, p.ID, "jo")
	if _, ok := u.Attributes["email"]; ok || u.Attributes["email_verified"] != "" || u.Attributes["given_name"] != "" {
		t.Fatalf("attributes after delete = %v", u.Attributes)
	}
	utWantErr(t, e.svc.AdminUpdateUserAttributes(ctx, p.ID, "nobody", []Attribute{{"name", "x"}}), KindUserNotFound, "User does not exist.")
}

func TestEnableDisableConfirm(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Dis", PoolSettings{})
	ctx := context.Background()
	e.create(t, p.ID, "kim")
	e.now = utStart.Add(time.Hour)
	if err := e.svc.AdminDisableUser(ctx, p.ID, "kim"); err != nil {
		t.Fatal(err)
	}
	u, _ := e.svc.userRecord(ctx, p.ID, "kim")
	if u.Enabled || !u.TokensValidAfter.Equal(e.now) {
		t.Fatalf("disabled user = enabled %v, tokens valid after %v", u.Enabled, u.TokensValidAfter)
	}
	if err := e.svc.AdminEnableUser(ctx, p.ID, "kim"); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.svc.userRecord(ctx, p.ID, "kim"); !u.Enabled {
		t.Fatal("still disabled")
	}
	utWantErr(t, e.svc.AdminConfirmSignUp(ctx, p.ID, "kim"), KindNotAuthorized, "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD")

	// An UNCONFIRMED user (as SignUp makes them).
	if err := e.st.CreateUser(ctx, store.User{PoolID: p.ID, Username: "lee", UsernameKey: "lee", Sub: "11111111-1111-4111-8111-111111111111",
		Status: StatusUnconfirmed, Enabled: true, Attributes: map[string]string{}, CreatedAt: utStart, UpdatedAt: utStart}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminConfirmSignUp(ctx, p.ID, "lee"); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.svc.userRecord(ctx, p.ID, "lee"); u.Status != StatusConfirmed {
		t.Fatalf("status %s", u.Status)
	}
	utWantErr(t, e.svc.AdminConfirmSignUp(ctx, p.ID, "lee"), KindNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")
	utWantErr(t, e.svc.AdminDisableUser(ctx, p.ID, "ghost"), KindUserNotFound, "User does not exist.")
}

func TestAdminDeleteUser(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Del", PoolSettings{})
	ctx := context.Background()
	e.create(t, p.ID, "max")
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "g"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminAddUserToGroup(ctx, p.ID, "max", "g"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminDeleteUser(ctx, p.ID, "MAX"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.userRecord(ctx, p.ID, "max")
	utWantErr(t, err, KindUserNotFound, "User does not exist.")
	utWantErr(t, e.svc.AdminDeleteUser(ctx, p.ID, "max"), KindUserNotFound, "User does not exist.")
	members, _, err := e.svc.ListUsersInGroup(ctx, p.ID, "g", 0, "")
	if err != nil || len(members) != 0 {
		t.Fatalf("members after delete = %v, %v", members, err)
	}
}

func TestMFASettings(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	p := e.pool(t, "us-east-1_Mfa", PoolSettings{})
	ctx := context.Background()
	e.create(t, p.ID, "ned")
	on := &MFAFactorSetting{Enabled: true, Preferred: true}
	utWantErr(t, e.svc.AdminSetUserMFAPreference(ctx, p.ID, "ned", MFAPreference{TOTP: on}), KindInvalidParameter,
		"User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	utWantErr(t, e.svc.AdminSetUserMFAPreference(ctx, p.ID, "ned", MFAPreference{SMS: on}), KindInvalidParameter,
		"User does not have delivery config set to turn on SMS_MFA")

	// An unverified secret is not enough; a verified one is.
	setMFA := func(m MFASettings) {
		if _, err := e.st.UpdateUser(ctx, p.ID, "ned", func(u *store.User) error { u.MFA = m.Encode(); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	setMFA(MFASettings{TOTPSecret: "JBSWY3DPEHPK3PXP"})
	utWantErr(t, e.svc.AdminSetUserMFAPreference(ctx, p.ID, "ned", MFAPreference{TOTP: on}), KindInvalidParameter, "")
	setMFA(MFASettings{TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPVerified: true})
	if err := e.svc.AdminUpdateUserAttributes(ctx, p.ID, "ned", []Attribute{{"phone_number", "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminSetUserMFAPreference(ctx, p.ID, "ned", MFAPreference{TOTP: on, SMS: &MFAFactorSetting{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	u, _ := e.svc.userRecord(ctx, p.ID, "ned")
	m, _ := decodeMFA(u.MFA)
	if m.PreferredMFA() != "SOFTWARE_TOKEN_MFA" || strings.Join(m.EnabledMFA(), ",") != "SMS_MFA,SOFTWARE_TOKEN_MFA" || m.TOTPSecret == "" {
		t.Fatalf("mfa = %+v", m)
	}
	// Preferring SMS clears the TOTP preference; an omitted factor is unchanged.
	if err := e.svc.AdminSetUserMFAPreference(ctx, p.ID, "ned", MFAPreference{SMS: on}); err != nil {
		t.Fatal(err)
	}
	u, _ = e.svc.userRecord(ctx, p.ID, "ned")
	m, _ = decodeMFA(u.MFA)
	if m.PreferredMFA() != "SMS_MFA" || !m.TOTPEnabled || m.TOTPPreferred {
		t.Fatalf("mfa = %+v", m)
	}

	if err := e.svc.AdminSetUserSettings(ctx, p.ID, "ned", []MFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}); err != nil {
		t.Fatal(err)
	}
	u, _ = e.svc.userRecord(ctx, p.ID, "ned")
	m, _ = decodeMFA(u.MFA)
	if len(m.MFAOptions) != 1 || !m.SMSEnabled {
		t.Fatalf("mfa = %+v", m)
	}
	if err := e.svc.AdminSetUserSettings(ctx, p.ID, "ned", nil); err != nil {
		t.Fatal(err)
	}
	u, _ = e.svc.userRecord(ctx, p.ID, "ned")
	m, _ = decodeMFA(u.MFA)
	if len(m.MFAOptions) != 0 || m.SMSEnabled || !m.TOTPEnabled {
		t.Fatalf("mfa = %+v", m)
	}
}
