package config

import "fmt"

// The members of CreateUserPool and CreateUserPoolClient that a
// configuration file declares beyond names, ids, groups and flows. Each
// field's yaml name is the Cognito member name in snake_case
// (AutoVerifiedAttributes: auto_verified_attributes); types that are stored
// as Cognito sends them also carry the member name as their json tag, so
// that encoding one gives the member's wire JSON. members_test.go walks the
// AWS SDK's CreateUserPoolInput and CreateUserPoolClientInput and fails
// when a member has no field here (or in the "not declarable, because"
// table), so the configuration cannot fall behind the API.

// SignInPolicy is Policies.SignInPolicy: the factors a user may choose
// for the first step of choice-based sign-in.
type SignInPolicy struct {
	// AllowedFirstAuthFactors: PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN.
	AllowedFirstAuthFactors []string `yaml:"allowed_first_auth_factors" json:"AllowedFirstAuthFactors,omitempty"`
}

// DeviceConfiguration is the pool's device tracking.
type DeviceConfiguration struct {
	// ChallengeRequiredOnNewDevice asks for MFA on a device not yet remembered.
	ChallengeRequiredOnNewDevice *bool `yaml:"challenge_required_on_new_device" json:"ChallengeRequiredOnNewDevice,omitempty"`
	// DeviceOnlyRememberedOnUserPrompt remembers a device only when the user
	// confirms it (UpdateDeviceStatus); false remembers every device.
	DeviceOnlyRememberedOnUserPrompt *bool `yaml:"device_only_remembered_on_user_prompt" json:"DeviceOnlyRememberedOnUserPrompt,omitempty"`
}

// AdminCreateUserConfig governs administrator-created users.
type AdminCreateUserConfig struct {
	// AllowAdminCreateUserOnly refuses SignUp: only administrators create users.
	AllowAdminCreateUserOnly *bool `yaml:"allow_admin_create_user_only" json:"AllowAdminCreateUserOnly,omitempty"`
	// UnusedAccountValidityDays is how long a temporary password is valid
	// (0-365, default 7).
	UnusedAccountValidityDays *int `yaml:"unused_account_validity_days" json:"UnusedAccountValidityDays,omitempty"`
	// InviteMessageTemplate is the invitation sent with the temporary password.
	InviteMessageTemplate *MessageTemplate `yaml:"invite_message_template" json:"InviteMessageTemplate,omitempty"`
}

// MessageTemplate is an invitation message: {username} and {####} (the
// temporary password) are replaced.
type MessageTemplate struct {
	EmailMessage *string `yaml:"email_message" json:"EmailMessage,omitempty"`
	EmailSubject *string `yaml:"email_subject" json:"EmailSubject,omitempty"`
	SMSMessage   *string `yaml:"sms_message" json:"SMSMessage,omitempty"`
}

// SchemaAttribute is one attribute of the pool's schema: a custom attribute
// (name without the "custom:" prefix, as CreateUserPool takes it) or a
// standard attribute whose required/mutable flags or constraints change.
// The schema is fixed when the pool is created; custom attributes declared
// later are added to an existing pool (AddCustomAttributes).
type SchemaAttribute struct {
	Name string `yaml:"name"`
	// AttributeDataType: String (default for custom attributes), Number,
	// DateTime or Boolean.
	AttributeDataType      string `yaml:"attribute_data_type"`
	DeveloperOnlyAttribute *bool  `yaml:"developer_only_attribute"`
	Mutable                *bool  `yaml:"mutable"`
	Required               *bool  `yaml:"required"`
	// NumberAttributeConstraints bound a Number attribute's value.
	NumberAttributeConstraints *NumberConstraints `yaml:"number_attribute_constraints"`
	// StringAttributeConstraints bound a String attribute's length.
	StringAttributeConstraints *StringConstraints `yaml:"string_attribute_constraints"`
}

// NumberConstraints are a Number attribute's bounds (written as numbers).
type NumberConstraints struct {
	MinValue *string `yaml:"min_value"`
	MaxValue *string `yaml:"max_value"`
}

// StringConstraints are a String attribute's length bounds (0-2048).
type StringConstraints struct {
	MinLength *string `yaml:"min_length"`
	MaxLength *string `yaml:"max_length"`
}

// LambdaConfig names the pool's Lambda triggers (ARNs). Stored and
// reported by DescribeUserPool; see docs/differences.md for which run.
type LambdaConfig struct {
	PreSignUp                   *string              `yaml:"pre_sign_up" json:"PreSignUp,omitempty"`
	CustomMessage               *string              `yaml:"custom_message" json:"CustomMessage,omitempty"`
	PostConfirmation            *string              `yaml:"post_confirmation" json:"PostConfirmation,omitempty"`
	PreAuthentication           *string              `yaml:"pre_authentication" json:"PreAuthentication,omitempty"`
	PostAuthentication          *string              `yaml:"post_authentication" json:"PostAuthentication,omitempty"`
	DefineAuthChallenge         *string              `yaml:"define_auth_challenge" json:"DefineAuthChallenge,omitempty"`
	CreateAuthChallenge         *string              `yaml:"create_auth_challenge" json:"CreateAuthChallenge,omitempty"`
	VerifyAuthChallengeResponse *string              `yaml:"verify_auth_challenge_response" json:"VerifyAuthChallengeResponse,omitempty"`
	PreTokenGeneration          *string              `yaml:"pre_token_generation" json:"PreTokenGeneration,omitempty"`
	UserMigration               *string              `yaml:"user_migration" json:"UserMigration,omitempty"`
	PreTokenGenerationConfig    *LambdaVersionConfig `yaml:"pre_token_generation_config" json:"PreTokenGenerationConfig,omitempty"`
	CustomSMSSender             *LambdaVersionConfig `yaml:"custom_sms_sender" json:"CustomSMSSender,omitempty"`
	CustomEmailSender           *LambdaVersionConfig `yaml:"custom_email_sender" json:"CustomEmailSender,omitempty"`
	KMSKeyID                    *string              `yaml:"kms_key_id" json:"KMSKeyID,omitempty"`
	InboundFederation           *LambdaVersionConfig `yaml:"inbound_federation" json:"InboundFederation,omitempty"`
}

// LambdaVersionConfig is a versioned trigger: its ARN and event version
// (V1_0; V2_0 or V3_0 for pre token generation).
type LambdaVersionConfig struct {
	LambdaArn     *string `yaml:"lambda_arn" json:"LambdaArn,omitempty"`
	LambdaVersion *string `yaml:"lambda_version" json:"LambdaVersion,omitempty"`
}

// VerificationMessageTemplate is the message that carries a verification
// code ({####}) or link ({##Click here##}). The legacy members
// email_verification_message, email_verification_subject and
// sms_verification_message are kept equal to it, as Cognito does.
type VerificationMessageTemplate struct {
	// DefaultEmailOption: CONFIRM_WITH_CODE (default) or CONFIRM_WITH_LINK.
	DefaultEmailOption *string `yaml:"default_email_option" json:"DefaultEmailOption,omitempty"`
	EmailMessage       *string `yaml:"email_message" json:"EmailMessage,omitempty"`
	EmailSubject       *string `yaml:"email_subject" json:"EmailSubject,omitempty"`
	EmailMessageByLink *string `yaml:"email_message_by_link" json:"EmailMessageByLink,omitempty"`
	EmailSubjectByLink *string `yaml:"email_subject_by_link" json:"EmailSubjectByLink,omitempty"`
	SmsMessage         *string `yaml:"sms_message" json:"SmsMessage,omitempty"`
}

// EmailConfiguration is how Cognito would send e-mail (SES). Stored and
// reported; this server sends through smtp: (or the log).
type EmailConfiguration struct {
	// EmailSendingAccount: COGNITO_DEFAULT or DEVELOPER.
	EmailSendingAccount *string `yaml:"email_sending_account" json:"EmailSendingAccount,omitempty"`
	SourceArn           *string `yaml:"source_arn" json:"SourceArn,omitempty"`
	From                *string `yaml:"from" json:"From,omitempty"`
	ReplyToEmailAddress *string `yaml:"reply_to_email_address" json:"ReplyToEmailAddress,omitempty"`
	ConfigurationSet    *string `yaml:"configuration_set" json:"ConfigurationSet,omitempty"`
}

// SmsConfiguration is how Cognito would send SMS (SNS). Stored and reported.
type SmsConfiguration struct {
	SnsCallerArn *string `yaml:"sns_caller_arn" json:"SnsCallerArn,omitempty"`
	ExternalId   *string `yaml:"external_id" json:"ExternalId,omitempty"`
	SnsRegion    *string `yaml:"sns_region" json:"SnsRegion,omitempty"`
}

// UserAttributeUpdateSettings: attributes (email, phone_number) whose new
// value takes effect only once verified.
type UserAttributeUpdateSettings struct {
	AttributesRequireVerificationBeforeUpdate []string `yaml:"attributes_require_verification_before_update" json:"AttributesRequireVerificationBeforeUpdate"`
}

// UserPoolAddOns is the threat-protection (advanced security) setting.
// Stored and reported.
type UserPoolAddOns struct {
	// AdvancedSecurityMode: OFF, AUDIT or ENFORCED.
	AdvancedSecurityMode            *string                          `yaml:"advanced_security_mode" json:"AdvancedSecurityMode,omitempty"`
	AdvancedSecurityAdditionalFlows *AdvancedSecurityAdditionalFlows `yaml:"advanced_security_additional_flows" json:"AdvancedSecurityAdditionalFlows,omitempty"`
}

// AdvancedSecurityAdditionalFlows: CustomAuthMode AUDIT or ENFORCED.
type AdvancedSecurityAdditionalFlows struct {
	CustomAuthMode *string `yaml:"custom_auth_mode" json:"CustomAuthMode,omitempty"`
}

// AccountRecoverySetting orders how a forgotten password is recovered.
type AccountRecoverySetting struct {
	RecoveryMechanisms []RecoveryOption `yaml:"recovery_mechanisms" json:"RecoveryMechanisms,omitempty"`
}

// RecoveryOption is one recovery mechanism: verified_email,
// verified_phone_number or admin_only, with priority 1 or 2.
type RecoveryOption struct {
	Name     string `yaml:"name" json:"Name"`
	Priority int    `yaml:"priority" json:"Priority"`
}

// AnalyticsConfiguration is an app client's Amazon Pinpoint project.
// Stored and reported.
type AnalyticsConfiguration struct {
	ApplicationId  *string `yaml:"application_id" json:"ApplicationId,omitempty"`
	ApplicationArn *string `yaml:"application_arn" json:"ApplicationArn,omitempty"`
	RoleArn        *string `yaml:"role_arn" json:"RoleArn,omitempty"`
	ExternalId     *string `yaml:"external_id" json:"ExternalId,omitempty"`
	UserDataShared *bool   `yaml:"user_data_shared" json:"UserDataShared,omitempty"`
}

// RefreshTokenRotation makes GetTokensFromRefreshToken return a new refresh
// token and retire the old one after a grace period.
type RefreshTokenRotation struct {
	// Feature: ENABLED or DISABLED.
	Feature string `yaml:"feature" json:"Feature"`
	// RetryGracePeriodSeconds (0-60) during which the old token still works.
	RetryGracePeriodSeconds *int `yaml:"retry_grace_period_seconds" json:"RetryGracePeriodSeconds,omitempty"`
}

// validateMembers checks the enumerations and ranges of a pool's members
// that can be judged without the store; the domain judges the rest when
// the pool is applied (each problem then reported with its path too).
func validateMembers(p *Problems, path string, pool *Pool) {
	for k, a := range pool.AutoVerifiedAttributes {
		if !inSet(a, "email", "phone_number") {
			p.add(fmt.Sprintf("%s.auto_verified_attributes[%d]", path, k), "%q is not one of email, phone_number", a)
		}
	}
	if v := pool.DeletionProtection; v != "" && !inSet(v, "ACTIVE", "INACTIVE") {
		p.add(path+".deletion_protection", "%q is not one of ACTIVE, INACTIVE", v)
	}
	if v := pool.UserPoolTier; v != "" && !inSet(v, "LITE", "ESSENTIALS", "PLUS") {
		p.add(path+".user_pool_tier", "%q is not one of LITE, ESSENTIALS, PLUS", v)
	}
	if pp := pool.PasswordPolicy; pp != nil && pp.PasswordHistorySize != nil && (*pp.PasswordHistorySize < 0 || *pp.PasswordHistorySize > 24) {
		p.add(path+".password_policy.password_history_size", "%d is not between 0 and 24", *pp.PasswordHistorySize)
	}
	if sp := pool.SignInPolicy; sp != nil {
		for k, f := range sp.AllowedFirstAuthFactors {
			if !inSet(f, "PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN") {
				p.add(fmt.Sprintf("%s.sign_in_policy.allowed_first_auth_factors[%d]", path, k), "%q is not one of PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN", f)
			}
		}
	}
	if a := pool.AdminCreateUserConfig; a != nil && a.UnusedAccountValidityDays != nil && (*a.UnusedAccountValidityDays < 0 || *a.UnusedAccountValidityDays > 365) {
		p.add(path+".admin_create_user_config.unused_account_validity_days", "%d is not between 0 and 365", *a.UnusedAccountValidityDays)
	}
	seen := map[string]int{}
	for k, a := range pool.Schema {
		sp := fmt.Sprintf("%s.schema[%d]", path, k)
		if a.Name == "" {
			p.add(sp+".name", "must not be empty")
		} else if j, dup := seen[a.Name]; dup {
			p.add(sp+".name", "duplicate attribute %q (also schema[%d])", a.Name, j)
		} else {
			seen[a.Name] = k
		}
		if a.AttributeDataType != "" && !inSet(a.AttributeDataType, "String", "Number", "DateTime", "Boolean") {
			p.add(sp+".attribute_data_type", "%q is not one of String, Number, DateTime, Boolean", a.AttributeDataType)
		}
	}
	if t := pool.VerificationMessageTemplate; t != nil && t.DefaultEmailOption != nil && !inSet(*t.DefaultEmailOption, "CONFIRM_WITH_CODE", "CONFIRM_WITH_LINK") {
		p.add(path+".verification_message_template.default_email_option", "%q is not one of CONFIRM_WITH_CODE, CONFIRM_WITH_LINK", *t.DefaultEmailOption)
	}
	if r := pool.AccountRecoverySetting; r != nil {
		for k, m := range r.RecoveryMechanisms {
			mp := fmt.Sprintf("%s.account_recovery_setting.recovery_mechanisms[%d]", path, k)
			if !inSet(m.Name, "verified_email", "verified_phone_number", "admin_only") {
				p.add(mp+".name", "%q is not one of verified_email, verified_phone_number, admin_only", m.Name)
			}
			if m.Priority < 1 || m.Priority > 2 {
				p.add(mp+".priority", "%d is not 1 or 2", m.Priority)
			}
		}
	}
	for k := range pool.Clients {
		validateClientMembers(p, fmt.Sprintf("%s.clients[%d]", path, k), &pool.Clients[k])
	}
}

func validateClientMembers(p *Problems, path string, c *Client) {
	if v := c.AuthSessionValidity; v != nil && (*v < 3 || *v > 15) {
		p.add(path+".auth_session_validity", "%d is not between 3 and 15 (minutes)", *v)
	}
	if r := c.RefreshTokenRotation; r != nil {
		if !inSet(r.Feature, "ENABLED", "DISABLED") {
			p.add(path+".refresh_token_rotation.feature", "%q is not one of ENABLED, DISABLED", r.Feature)
		}
		if g := r.RetryGracePeriodSeconds; g != nil && (*g < 0 || *g > 60) {
			p.add(path+".refresh_token_rotation.retry_grace_period_seconds", "%d is not between 0 and 60", *g)
		}
	}
	for k, f := range c.AllowedOAuthFlows {
		if !inSet(f, "code", "implicit", "client_credentials") {
			p.add(fmt.Sprintf("%s.allowed_oauth_flows[%d]", path, k), "%q is not one of code, implicit, client_credentials", f)
		}
	}
}
