package declare

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"userpool/internal/userpool"
)

const full = `
pools:
  - name: full
    auto_verified_attributes: [email]
    username_attributes: [email]
    deletion_protection: ACTIVE
    user_pool_tier: PLUS
    password_policy: {minimum_length: 10, password_history_size: 3}
    sign_in_policy: {allowed_first_auth_factors: [PASSWORD, EMAIL_OTP]}
    device_configuration: {challenge_required_on_new_device: true}
    admin_create_user_config:
      allow_admin_create_user_only: true
      unused_account_validity_days: 3
      invite_message_template: {email_subject: Welcome, email_message: "Hi {username}, your password is {####}"}
    schema:
      - {name: tier, attribute_data_type: String, string_attribute_constraints: {min_length: 1, max_length: 16}}
      - {name: age, attribute_data_type: Number, number_attribute_constraints: {min_value: 0, max_value: 200}}
    verification_message_template: {email_subject: "Your code", email_message: "The code is {####}"}
    sms_authentication_message: "Your MFA code is {####}"
    user_attribute_update_settings: {attributes_require_verification_before_update: [email]}
    account_recovery_setting: {recovery_mechanisms: [{name: verified_email, priority: 1}]}
    lambda_config: {pre_sign_up: "arn:aws:lambda:us-east-1:123456789012:function:pre"}
    email_configuration: {email_sending_account: COGNITO_DEFAULT}
    user_pool_add_ons: {advanced_security_mode: "OFF"}
    user_pool_tags: {team: identity}
    clients:
      - name: web
        explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
        enable_token_revocation: true
        auth_session_validity: 10
        refresh_token_rotation: {feature: ENABLED, retry_grace_period_seconds: 30}
        supported_identity_providers: [COGNITO]
        callback_urls: ["https://app.example.com/callback"]
        logout_urls: ["https://app.example.com/"]
        allowed_oauth_flows: [code]
        allowed_oauth_scopes: [openid, email]
        allowed_oauth_flows_user_pool_client: true
`

// Every member the file declares reaches the pool and the client; a second
// start changes nothing; a later edit of one member changes only it.
func TestApplyDeclaresEveryMember(t *testing.T) {
	svc, st := setup(t)
	ctx := context.Background()
	rep, err := Apply(ctx, svc, st, parse(t, full), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.GetPool(ctx, rep.PoolIDs["full"])
	if err != nil {
		t.Fatal(err)
	}
	s := p.Settings
	extra := func(k string) string { return string(s.Extra[k]) }
	checks := []struct {
		name string
		ok   bool
	}{
		{"auto_verified_attributes", slices.Equal(s.AutoVerifiedAttributes, []string{"email"})},
		{"deletion_protection", s.DeletionProtection == "ACTIVE"},
		{"user_pool_tier", s.UserPoolTier == "PLUS"},
		{"password_policy", s.PasswordPolicy.MinimumLength == 10 && s.PasswordPolicy.PasswordHistorySize == 3},
		{"sign_in_policy", string(s.SignInPolicy) == `{"AllowedFirstAuthFactors":["PASSWORD","EMAIL_OTP"]}`},
		{"device_configuration", s.DeviceConfiguration != nil && s.DeviceConfiguration.ChallengeRequiredOnNewDevice},
		{"admin_create_user_config", s.AdminCreateUserConfig.AllowAdminCreateUserOnly && s.AdminCreateUserConfig.UnusedAccountValidityDays == 3 &&
			string(s.AdminCreateUserConfig.InviteMessageTemplate) == `{"EmailMessage":"Hi {username}, your password is {####}","EmailSubject":"Welcome"}`},
		{"verification_message_template", extra("EmailVerificationSubject") == `"Your code"`},
		{"sms_authentication_message", extra("SmsAuthenticationMessage") == `"Your MFA code is {####}"`},
		{"user_attribute_update_settings", extra("UserAttributeUpdateSettings") == `{"AttributesRequireVerificationBeforeUpdate":["email"]}`},
		{"account_recovery_setting", extra("AccountRecoverySetting") == `{"RecoveryMechanisms":[{"Name":"verified_email","Priority":1}]}`},
		{"lambda_config", extra("LambdaConfig") == `{"PreSignUp":"arn:aws:lambda:us-east-1:123456789012:function:pre"}`},
		{"email_configuration", extra("EmailConfiguration") == `{"EmailSendingAccount":"COGNITO_DEFAULT"}`},
		{"user_pool_add_ons", extra("UserPoolAddOns") == `{"AdvancedSecurityMode":"OFF"}`},
		{"user_pool_tags", extra("UserPoolTags") == `{"team":"identity"}`},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s not applied: %+v", c.name, s)
		}
	}
	if a, ok := p.SchemaAttribute("custom:tier"); !ok || a.MaxLength == nil || *a.MaxLength != 16 {
		t.Errorf("schema custom:tier: %+v %v", a, ok)
	}
	if a, ok := p.SchemaAttribute("custom:age"); !ok || a.AttributeDataType != "Number" || a.MaxValue == nil || *a.MaxValue != 200 {
		t.Errorf("schema custom:age: %+v %v", a, ok)
	}
	cs, _, err := svc.ListClients(ctx, p.ID, 10, "")
	if err != nil || len(cs) != 1 {
		t.Fatalf("clients: %v %v", cs, err)
	}
	c := cs[0].Settings
	if !c.EnableTokenRevocation || c.AuthSessionValidity != 10 || string(c.RefreshTokenRotation) == "" ||
		!slices.Equal(c.CallbackURLs, []string{"https://app.example.com/callback"}) || !slices.Equal(c.AllowedOAuthFlows, []string{"code"}) ||
		!slices.Equal(c.AllowedOAuthScopes, []string{"openid", "email"}) || !c.AllowedOAuthFlowsUserPoolClient || !slices.Equal(c.SupportedIdentityProviders, []string{"COGNITO"}) {
		t.Errorf("client: %+v", c)
	}
	var rot struct {
		Feature                 string
		RetryGracePeriodSeconds int
	}
	if err := json.Unmarshal(c.RefreshTokenRotation, &rot); err != nil || rot.Feature != "ENABLED" || rot.RetryGracePeriodSeconds != 30 {
		t.Errorf("refresh_token_rotation: %s", c.RefreshTokenRotation)
	}
	// The ids are reported at every start, changed or not.
	if len(rep.Declared) != 2 || rep.Declared[0].ID != p.ID || rep.Declared[1].ID != cs[0].ID {
		t.Errorf("declared: %+v", rep.Declared)
	}

	rep, err = Apply(ctx, svc, st, parse(t, full), time.Now())
	if err != nil || len(rep.Changes) != 0 || len(rep.Declared) != 2 {
		t.Fatalf("second start: %v %v (declared %v)", rep.Changes, err, rep.Declared)
	}

	// A legacy message member declared alone replaces the template's member;
	// a new custom attribute is added; nothing else moves.
	edited := full
	edited = replaceOnce(t, edited, `    sms_authentication_message:`, "    email_verification_subject: \"New subject\"\n    sms_authentication_message:")
	edited = replaceOnce(t, edited, `    verification_message_template: {email_subject: "Your code", email_message: "The code is {####}"}`+"\n", "")
	edited = replaceOnce(t, edited, `      - {name: age,`, "      - {name: plan, attribute_data_type: String}\n      - {name: age,")
	rep, err = Apply(ctx, svc, st, parse(t, edited), time.Now())
	if err != nil || len(rep.Changes) != 2 {
		t.Fatalf("edit: %v %v", rep.Changes, err)
	}
	p, _ = svc.GetPool(ctx, p.ID)
	var tmpl map[string]string
	_ = json.Unmarshal(p.Settings.Extra["VerificationMessageTemplate"], &tmpl)
	if tmpl["EmailSubject"] != "New subject" || tmpl["EmailMessage"] != "The code is {####}" || string(p.Settings.Extra["EmailVerificationSubject"]) != `"New subject"` {
		t.Errorf("legacy subject: %s / %s", p.Settings.Extra["VerificationMessageTemplate"], p.Settings.Extra["EmailVerificationSubject"])
	}
	if _, ok := p.SchemaAttribute("custom:plan"); !ok || p.Settings.DeletionProtection != userpool.DeletionProtectionActive {
		t.Errorf("after edit: %+v", p.Settings)
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	i := strings.Index(s, old)
	if i < 0 {
		t.Fatalf("%q not in the file", old)
	}
	return s[:i] + new + s[i+len(old):]
}
