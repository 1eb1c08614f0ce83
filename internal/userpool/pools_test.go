package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
	"userpool/internal/store/sqlite"
)

func pcService(t *testing.T, opts Options) *Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return New(st, opts)
}

func pcWantKind(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s %q, got success", kind, msg)
	}
	e := AsError(err)
	if e.Kind != kind || (msg != "" && e.Message != msg) {
		t.Fatalf("want %s %q, got %s %q", kind, msg, e.Kind, e.Message)
	}
}

func pcStr(s string) *string { return &s }
func pcBool(b bool) *bool    { return &b }
func pcInt(i int) *int       { return &i }

func TestRandomStringAlphabetAndLength(t *testing.T) {
	t.Parallel()
	// A reader of all 0xFF bytes is rejected by the sampler (255 >= 248 for
	// 62 symbols), so a mix is needed; bytes 0..61 map one to one.
	var src bytes.Buffer
	for i := 0; i < 4; i++ {
		src.Write([]byte{0xFF, 0, 1, 61, 10, 36, 0xF8})
	}
	s, err := randomString(&src, 9, poolIDAlphabet)
	if err != nil {
		t.Fatal(err)
	}
	if s != "01zAa01zA" {
		t.Fatalf("got %q", s)
	}
	if _, err := randomString(bytes.NewReader(nil), 9, poolIDAlphabet); err == nil {
		t.Fatal("an exhausted reader must fail")
	}
}

func TestStandardSchema(t *testing.T) {
	t.Parallel()
	want := []string{"sub", "name", "given_name", "family_name", "middle_name", "nickname",
		"preferred_username", "profile", "picture", "website", "email", "email_verified",
		"gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified",
		"address", "updated_at"}
	got := standardSchema()
	if len(got) != len(want) {
		t.Fatalf("got %d attributes, want %d", len(got), len(want))
	}
	for i, a := range got {
		if a.Name != want[i] {
			t.Fatalf("attribute %d = %s, want %s", i, a.Name, want[i])
		}
	}
	sub := got[0]
	if !sub.Required || sub.Mutable || *sub.MinLength != 1 || *sub.MaxLength != 2048 {
		t.Fatalf("sub = %+v", sub)
	}
	if got[11].AttributeDataType != "Boolean" || got[19].AttributeDataType != "Number" || *got[19].MinValue != 0 {
		t.Fatalf("email_verified/updated_at types wrong: %+v %+v", got[11], got[19])
	}
	if *got[13].MinLength != 10 || *got[13].MaxLength != 10 {
		t.Fatalf("birthdate constraints = %+v", got[13])
	}
}

func TestBuildSchema(t *testing.T) {
	t.Parallel()
	schema, err := buildSchema([]SchemaAttributeInput{
		{Name: "email", Required: pcBool(true), Mutable: pcBool(false)},
		{Name: "tier", AttributeDataType: "String", StringConstraints: &AttributeConstraintsInput{Min: pcStr("1"), Max: pcStr("16")}},
		{Name: "level", AttributeDataType: "Number", Mutable: pcBool(false), NumberConstraints: &AttributeConstraintsInput{Min: pcStr("-5"), Max: pcStr("99")}},
		{Name: "secret", AttributeDataType: "Boolean", DeveloperOnlyAttribute: pcBool(true)},
		{Name: "sub", Mutable: pcBool(true), Required: pcBool(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(schema) != 23 {
		t.Fatalf("got %d attributes", len(schema))
	}
	p := &Pool{Settings: PoolSettings{Schema: schema}}
	email, _ := p.SchemaAttribute("email")
	if !email.Required || email.Mutable {
		t.Fatalf("email override lost: %+v", email)
	}
	sub, _ := p.SchemaAttribute("sub")
	if !sub.Required || sub.Mutable {
		t.Fatalf("sub must stay required and immutable: %+v", sub)
	}
	tier, ok := p.SchemaAttribute("custom:tier")
	if !ok || !tier.Custom || !tier.Mutable || *tier.MinLength != 1 || *tier.MaxLength != 16 {
		t.Fatalf("custom:tier = %+v (found %v)", tier, ok)
	}
	level, _ := p.SchemaAttribute("custom:level")
	if level.Mutable || *level.MinValue != -5 || *level.MaxValue != 99 {
		t.Fatalf("custom:level = %+v", level)
	}
	if _, ok := p.SchemaAttribute("dev:custom:secret"); !ok {
		t.Fatal("developer-only attribute should be named dev:custom:secret")
	}
}

func TestBuildSchemaErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   SchemaAttributeInput
		msg  string
	}{
		{"required custom", SchemaAttributeInput{Name: "x", AttributeDataType: "String", Required: pcBool(true)}, "Required custom attributes are not supported currently."},
		{"custom without type", SchemaAttributeInput{Name: "x"}, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
		{"name too long", SchemaAttributeInput{Name: strings.Repeat("a", 21), AttributeDataType: "String"}, "Custom attribute name must be between 1 and 20 characters."},
		{"standard type change", SchemaAttributeInput{Name: "email", AttributeDataType: "Number"}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"standard developer only", SchemaAttributeInput{Name: "email", DeveloperOnlyAttribute: pcBool(true)}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"string too long", SchemaAttributeInput{Name: "x", AttributeDataType: "String", StringConstraints: &AttributeConstraintsInput{Max: pcStr("2049")}}, "user.custom:x: String attributes cannot have a length of more than 2048"},
		{"string min over max", SchemaAttributeInput{Name: "x", AttributeDataType: "String", StringConstraints: &AttributeConstraintsInput{Min: pcStr("5"), Max: pcStr("4")}}, "user.custom:x: Max length cannot be less than min length."},
		{"string not a number", SchemaAttributeInput{Name: "x", AttributeDataType: "String", StringConstraints: &AttributeConstraintsInput{Min: pcStr("abc")}}, "Invalid StringAttributeConstraints for schema attribute custom:x"},
		{"number min over max", SchemaAttributeInput{Name: "x", AttributeDataType: "Number", NumberConstraints: &AttributeConstraintsInput{Min: pcStr("5"), Max: pcStr("4")}}, "user.custom:x: Max value cannot be less than min value."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildSchema([]SchemaAttributeInput{tc.in})
			pcWantKind(t, err, KindInvalidParameter, tc.msg)
		})
	}
	_, err := buildSchema([]SchemaAttributeInput{{Name: "x", AttributeDataType: "String"}, {Name: "x", AttributeDataType: "Number"}})
	pcWantKind(t, err, KindInvalidParameter, "Existing attribute already has name custom:x.")
}

func TestNewPoolSettingsDefaults(t *testing.T) {
	t.Parallel()
	st, err := newPoolSettings(PoolInput{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if st.PasswordPolicy != DefaultPasswordPolicy {
		t.Errorf("password policy = %+v", st.PasswordPolicy)
	}
	if !st.CaseSensitive {
		t.Error("usernames must be case-sensitive when UsernameConfiguration is omitted")
	}
	if st.MfaConfiguration != "OFF" || st.DeletionProtection != "INACTIVE" || st.UserPoolTier != "ESSENTIALS" {
		t.Errorf("mfa/deletion/tier = %s/%s/%s", st.MfaConfiguration, st.DeletionProtection, st.UserPoolTier)
	}
	if st.AdminCreateUserConfig.UnusedAccountValidityDays != 7 || st.AdminCreateUserConfig.AllowAdminCreateUserOnly {
		t.Errorf("admin create user config = %+v", st.AdminCreateUserConfig)
	}
	if string(st.Extra["EmailConfiguration"]) != `{"EmailSendingAccount":"COGNITO_DEFAULT"}` {
		t.Errorf("default EmailConfiguration = %s", st.Extra["EmailConfiguration"])
	}
	if len(st.Schema) != 20 {
		t.Errorf("schema has %d attributes", len(st.Schema))
	}
}

func TestNewPoolSettingsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   PoolInput
		msg  string
	}{
		{"alias and username attributes", PoolInput{UsernameAttributes: []string{"email"}, AliasAttributes: []string{"preferred_username"}},
			"Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."},
		{"password too short", PoolInput{PasswordPolicy: &PasswordPolicyInput{MinimumLength: pcInt(5)}}, "Password policy MinimumLength must be between 6 and 99."},
		{"temporary validity", PoolInput{PasswordPolicy: &PasswordPolicyInput{TemporaryPasswordValidityDays: pcInt(366)}}, "Password policy TemporaryPasswordValidityDays must be between 0 and 365."},
		{"mfa", PoolInput{MfaConfiguration: "MAYBE"}, "Invalid MfaConfiguration value MAYBE."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newPoolSettings(tc.in)
			pcWantKind(t, err, KindInvalidParameter, tc.msg)
		})
	}
}

func TestPasswordPolicyPartial(t *testing.T) {
	t.Parallel()
	pp, err := buildPasswordPolicy(&PasswordPolicyInput{MinimumLength: pcInt(12), RequireNumbers: true, TemporaryPasswordValidityDays: pcInt(0)})
	if err != nil {
		t.Fatal(err)
	}
	want := PasswordPolicy{MinimumLength: 12, RequireNumbers: true}
	if pp != want {
		t.Fatalf("got %+v want %+v", pp, want)
	}
}

// ---------------------------------------------------------------- with the store

var poolIDRE = regexp.MustCompile(`^eu-west-1_[0-9A-Za-z]{9}$`)

func TestCreateDescribeListDeletePool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	svc := pcService(t, Options{Region: "eu-west-1", AccountID: "123456789012", Now: func() time.Time { return now }})

	p, err := svc.CreatePool(ctx, PoolInput{
		Name:            "alpha",
		AliasAttributes: []string{"email"},
		CaseSensitive:   pcBool(false),
		Extra:           map[string]json.RawMessage{"UserPoolTags": json.RawMessage(`{"env":"test"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !poolIDRE.MatchString(p.ID) {
		t.Fatalf("pool id %q", p.ID)
	}
	if !p.CreatedAt.Equal(now.Truncate(time.Millisecond)) {
		t.Fatalf("created at %v", p.CreatedAt)
	}
	if got := svc.PoolARN(p.ID); got != "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/"+p.ID {
		t.Fatalf("arn %s", got)
	}

	got, n, err := svc.DescribePool(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 || got.Name != "alpha" || got.Settings.CaseSensitive || string(got.Settings.Extra["UserPoolTags"]) != `{"env":"test"}` {
		t.Fatalf("described %+v (users %d)", got, n)
	}

	// A second pool, then page through both one at a time.
	if _, err := svc.CreatePool(ctx, PoolInput{Name: "beta"}); err != nil {
		t.Fatal(err)
	}
	first, tok, err := svc.ListPools(ctx, 1, "")
	if err != nil || len(first) != 1 || tok == "" {
		t.Fatalf("first page %v %q %v", first, tok, err)
	}
	second, tok2, err := svc.ListPools(ctx, 1, tok)
	if err != nil || len(second) != 1 || second[0].ID == first[0].ID {
		t.Fatalf("second page %v %q %v", second, tok2, err)
	}
	if tok2 != "" {
		if rest, _, _ := svc.ListPools(ctx, 1, tok2); len(rest) != 0 {
			t.Fatalf("more than two pools listed: %v", rest)
		}
	}
	_, _, err = svc.ListPools(ctx, 10, "not-a-token")
	pcWantKind(t, err, KindInvalidParameter, "")

	if err := svc.DeletePool(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.DescribePool(ctx, p.ID)
	pcWantKind(t, err, KindResourceNotFound, "User pool "+p.ID+" does not exist.")
	pcWantKind(t, svc.DeletePool(ctx, p.ID), KindResourceNotFound, "User pool "+p.ID+" does not exist.")
}

func TestDeletionProtection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := pcService(t, Options{})
	p, err := svc.CreatePool(ctx, PoolInput{Name: "guarded", DeletionProtection: DeletionProtectionActive})
	if err != nil {
		t.Fatal(err)
	}
	pcWantKind(t, svc.DeletePool(ctx, p.ID), KindInvalidParameter,
		"The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	if _, err := svc.UpdatePool(ctx, p.ID, PoolInput{DeletionProtection: DeletionProtectionInactive}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeletePool(ctx, p.ID); err != nil {
		t.Fatalf("delete after deactivating protection: %v", err)
	}
}

func TestDeletePoolCascadesClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := pcService(t, Options{})
	p, err := svc.CreatePool(ctx, PoolInput{Name: "cascade"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateClient(ctx, p.ID, ClientInput{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DeletePool(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.GetClientByID(ctx, c.ID)
	pcWantKind(t, err, KindResourceNotFound, "User pool client "+c.ID+" does not exist.")
}

func TestUpdatePoolResetsOmittedMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := pcService(t, Options{Now: func() time.Time { return clock }})
	p, err := svc.CreatePool(ctx, PoolInput{
		Name:               "u",
		UsernameAttributes: []string{"email"},
		CaseSensitive:      pcBool(false),
		MfaConfiguration:   "OPTIONAL",
		PasswordPolicy:     &PasswordPolicyInput{MinimumLength: pcInt(10)},
		UserPoolTier:       "PLUS",
		Schema:             []SchemaAttributeInput{{Name: "tier", AttributeDataType: "String"}},
		Extra:              map[string]json.RawMessage{"UserPoolTags": json.RawMessage(`{"a":"b"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	up, err := svc.UpdatePool(ctx, p.ID, PoolInput{AutoVerifiedAttributes: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	st := up.Settings
	if st.MfaConfiguration != "OFF" || st.PasswordPolicy != DefaultPasswordPolicy {
		t.Errorf("omitted members not reset: mfa %s policy %+v", st.MfaConfiguration, st.PasswordPolicy)
	}
	// Tags are resource metadata (TagResource): kept when omitted.
	if string(st.Extra["UserPoolTags"]) != `{"a":"b"}` {
		t.Errorf("omitted UserPoolTags not kept: %s", st.Extra["UserPoolTags"])
	}
	if up.Name != "u" || st.UserPoolTier != "PLUS" || st.CaseSensitive || len(st.UsernameAttributes) != 1 || len(st.Schema) != 21 {
		t.Errorf("kept members changed: %+v", up)
	}
	if len(st.AutoVerifiedAttributes) != 1 {
		t.Errorf("auto verified = %v", st.AutoVerifiedAttributes)
	}
	again, err := svc.GetPool(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.UpdatedAt.Equal(clock) || !again.CreatedAt.Equal(clock.Add(-time.Hour)) {
		t.Errorf("dates: created %v updated %v", again.CreatedAt, again.UpdatedAt)
	}
	_, err = svc.UpdatePool(ctx, p.ID, PoolInput{MfaConfiguration: "NOPE"})
	pcWantKind(t, err, KindInvalidParameter, "Invalid MfaConfiguration value NOPE.")
	_, err = svc.UpdatePool(ctx, "us-east-1_missing00", PoolInput{})
	pcWantKind(t, err, KindResourceNotFound, "User pool us-east-1_missing00 does not exist.")
}

func TestDescribePoolCountsUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := pcService(t, Options{})
	p, err := svc.CreatePool(ctx, PoolInput{Name: "count"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		u := store.User{PoolID: p.ID, Username: name, UsernameKey: name, Sub: "sub-" + name, Status: "CONFIRMED", Enabled: true,
			Attributes: map[string]string{}, Aliases: map[string]string{}}
		if err := svc.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	_, n, err := svc.DescribePool(ctx, p.ID)
	if err != nil || n != 2 {
		t.Fatalf("EstimatedNumberOfUsers = %d, %v", n, err)
	}
}

func TestCreatePoolRetriesIDCollision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The same 9 bytes twice, then different ones: the second pool collides once.
	src := bytes.NewReader(append(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 2),
		[]byte{9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1}...))
	svc := pcService(t, Options{Rand: src})
	a, err := svc.CreatePool(ctx, PoolInput{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.CreatePool(ctx, PoolInput{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "us-east-1_123456789" || b.ID != "us-east-1_987654321" {
		t.Fatalf("ids %s %s", a.ID, b.ID)
	}
}

// VerificationMessageTemplate and the legacy message members are kept equal
// in both directions (terraform-provider-aws's
// TestAccCognitoIDPUserPool_withVerificationMessageTemplate depends on it).
func TestVerificationMessagesInSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := pcService(t, Options{})
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }

	p, err := svc.CreatePool(ctx, PoolInput{Name: "tmpl", Extra: map[string]json.RawMessage{
		"VerificationMessageTemplate": raw(`{"DefaultEmailOption":"CONFIRM_WITH_CODE","EmailMessage":"Code {####}","EmailSubject":"Hi","SmsMessage":"SMS {####}"}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	x := p.Settings.Extra
	if string(x["EmailVerificationMessage"]) != `"Code {####}"` || string(x["EmailVerificationSubject"]) != `"Hi"` || string(x["SmsVerificationMessage"]) != `"SMS {####}"` {
		t.Fatalf("template not copied to the legacy members: %s %s %s", x["EmailVerificationMessage"], x["EmailVerificationSubject"], x["SmsVerificationMessage"])
	}

	p, err = svc.UpdatePool(ctx, p.ID, PoolInput{Extra: map[string]json.RawMessage{
		"EmailVerificationMessage": raw(`"Legacy {####}"`), "SmsVerificationMessage": raw(`"Old {####}"`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]string
	if err := json.Unmarshal(p.Settings.Extra["VerificationMessageTemplate"], &tmpl); err != nil {
		t.Fatal(err)
	}
	if tmpl["EmailMessage"] != "Legacy {####}" || tmpl["SmsMessage"] != "Old {####}" || tmpl["DefaultEmailOption"] != "CONFIRM_WITH_CODE" {
		t.Fatalf("legacy members not copied to the template: %v", tmpl)
	}
	if _, ok := tmpl["EmailSubject"]; ok {
		t.Fatalf("a member given nowhere appeared: %v", tmpl)
	}
}
