package cognitoidp

import (
	"context"
	"encoding/json"
	"strconv"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// User pool operations: CreateUserPool, DescribeUserPool, ListUserPools,
// UpdateUserPool, DeleteUserPool. Shapes and constraints follow the
// cognito-idp model (botocore service-2.json); members the domain does not act
// on are stored as JSON and echoed back by DescribeUserPool.

// ---------------------------------------------------------------- shapes

type passwordPolicyType struct {
	MinimumLength                 *int  `json:"MinimumLength,omitempty" cg:"range=6:99"`
	RequireUppercase              *bool `json:"RequireUppercase,omitempty"`
	RequireLowercase              *bool `json:"RequireLowercase,omitempty"`
	RequireNumbers                *bool `json:"RequireNumbers,omitempty"`
	RequireSymbols                *bool `json:"RequireSymbols,omitempty"`
	PasswordHistorySize           *int  `json:"PasswordHistorySize,omitempty" cg:"range=0:24"`
	TemporaryPasswordValidityDays *int  `json:"TemporaryPasswordValidityDays,omitempty" cg:"range=0:365"`
}

type signInPolicyType struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors,omitempty" cg:"len=1:4,enum=PASSWORD|EMAIL_OTP|SMS_OTP|WEB_AUTHN"`
}

type userPoolPolicyType struct {
	PasswordPolicy *passwordPolicyType `json:"PasswordPolicy,omitempty" cg:"dive"`
	SignInPolicy   *signInPolicyType   `json:"SignInPolicy,omitempty" cg:"dive"`
}

type preTokenGenerationVersionConfigType struct {
	LambdaVersion *string `json:"LambdaVersion,omitempty" cg:"req,enum=V1_0|V2_0|V3_0"`
	LambdaArn     *string `json:"LambdaArn,omitempty" cg:"req,len=20:2048,re=arn"`
}

type lambdaV1ConfigType struct {
	LambdaVersion *string `json:"LambdaVersion,omitempty" cg:"req,enum=V1_0"`
	LambdaArn     *string `json:"LambdaArn,omitempty" cg:"req,len=20:2048,re=arn"`
}

type lambdaConfigType struct {
	PreSignUp                   *string                              `json:"PreSignUp,omitempty" cg:"len=20:2048,re=arn"`
	CustomMessage               *string                              `json:"CustomMessage,omitempty" cg:"len=20:2048,re=arn"`
	PostConfirmation            *string                              `json:"PostConfirmation,omitempty" cg:"len=20:2048,re=arn"`
	PreAuthentication           *string                              `json:"PreAuthentication,omitempty" cg:"len=20:2048,re=arn"`
	PostAuthentication          *string                              `json:"PostAuthentication,omitempty" cg:"len=20:2048,re=arn"`
	DefineAuthChallenge         *string                              `json:"DefineAuthChallenge,omitempty" cg:"len=20:2048,re=arn"`
	CreateAuthChallenge         *string                              `json:"CreateAuthChallenge,omitempty" cg:"len=20:2048,re=arn"`
	VerifyAuthChallengeResponse *string                              `json:"VerifyAuthChallengeResponse,omitempty" cg:"len=20:2048,re=arn"`
	PreTokenGeneration          *string                              `json:"PreTokenGeneration,omitempty" cg:"len=20:2048,re=arn"`
	UserMigration               *string                              `json:"UserMigration,omitempty" cg:"len=20:2048,re=arn"`
	PreTokenGenerationConfig    *preTokenGenerationVersionConfigType `json:"PreTokenGenerationConfig,omitempty" cg:"dive"`
	CustomSMSSender             *lambdaV1ConfigType                  `json:"CustomSMSSender,omitempty" cg:"dive"`
	CustomEmailSender           *lambdaV1ConfigType                  `json:"CustomEmailSender,omitempty" cg:"dive"`
	KMSKeyID                    *string                              `json:"KMSKeyID,omitempty" cg:"len=20:2048,re=arn"`
	InboundFederation           *lambdaV1ConfigType                  `json:"InboundFederation,omitempty" cg:"dive"`
}

type verificationMessageTemplateType struct {
	SmsMessage         *string `json:"SmsMessage,omitempty" cg:"len=6:140,re=smsMessage"`
	EmailMessage       *string `json:"EmailMessage,omitempty" cg:"len=6:20000,re=emailMessage"`
	EmailSubject       *string `json:"EmailSubject,omitempty" cg:"len=1:140,re=emailSubject"`
	EmailMessageByLink *string `json:"EmailMessageByLink,omitempty" cg:"len=6:20000,re=emailMessageByLink"`
	EmailSubjectByLink *string `json:"EmailSubjectByLink,omitempty" cg:"len=1:140,re=emailSubject"`
	DefaultEmailOption *string `json:"DefaultEmailOption,omitempty" cg:"enum=CONFIRM_WITH_LINK|CONFIRM_WITH_CODE"`
}

type userAttributeUpdateSettingsType struct {
	AttributesRequireVerificationBeforeUpdate []string `json:"AttributesRequireVerificationBeforeUpdate" cg:"enum=phone_number|email"`
}

type deviceConfigurationType struct {
	ChallengeRequiredOnNewDevice     *bool `json:"ChallengeRequiredOnNewDevice,omitempty"`
	DeviceOnlyRememberedOnUserPrompt *bool `json:"DeviceOnlyRememberedOnUserPrompt,omitempty"`
}

type emailConfigurationType struct {
	SourceArn           *string `json:"SourceArn,omitempty" cg:"len=20:2048,re=arn"`
	ReplyToEmailAddress *string `json:"ReplyToEmailAddress,omitempty" cg:"re=email"`
	EmailSendingAccount *string `json:"EmailSendingAccount,omitempty" cg:"enum=COGNITO_DEFAULT|DEVELOPER"`
	From                *string `json:"From,omitempty" cg:"len=0:131072"`
	ConfigurationSet    *string `json:"ConfigurationSet,omitempty" cg:"len=1:64,re=sesConfigurationSet"`
}

type smsConfigurationType struct {
	SnsCallerArn *string `json:"SnsCallerArn,omitempty" cg:"req,len=20:2048,re=arn"`
	ExternalId   *string `json:"ExternalId,omitempty" cg:"len=0:131072"`
	SnsRegion    *string `json:"SnsRegion,omitempty" cg:"len=5:32"`
}

type messageTemplateType struct {
	SMSMessage   *string `json:"SMSMessage,omitempty" cg:"len=6:140,re=smsInvite"`
	EmailMessage *string `json:"EmailMessage,omitempty" cg:"len=6:20000,re=emailInvite"`
	EmailSubject *string `json:"EmailSubject,omitempty" cg:"len=1:140,re=emailSubject"`
}

type adminCreateUserConfigType struct {
	AllowAdminCreateUserOnly  *bool                `json:"AllowAdminCreateUserOnly,omitempty"`
	UnusedAccountValidityDays *int                 `json:"UnusedAccountValidityDays,omitempty" cg:"range=0:365"`
	InviteMessageTemplate     *messageTemplateType `json:"InviteMessageTemplate,omitempty" cg:"dive"`
}

type numberAttributeConstraintsType struct {
	MinValue *string `json:"MinValue,omitempty" cg:"len=0:131072"`
	MaxValue *string `json:"MaxValue,omitempty" cg:"len=0:131072"`
}

type stringAttributeConstraintsType struct {
	MinLength *string `json:"MinLength,omitempty" cg:"len=0:131072"`
	MaxLength *string `json:"MaxLength,omitempty" cg:"len=0:131072"`
}

type schemaAttributeType struct {
	Name                       *string                         `json:"Name,omitempty" cg:"len=1:20,re=customAttrName"`
	AttributeDataType          *string                         `json:"AttributeDataType,omitempty" cg:"enum=String|Number|DateTime|Boolean"`
	DeveloperOnlyAttribute     *bool                           `json:"DeveloperOnlyAttribute,omitempty"`
	Mutable                    *bool                           `json:"Mutable,omitempty"`
	Required                   *bool                           `json:"Required,omitempty"`
	NumberAttributeConstraints *numberAttributeConstraintsType `json:"NumberAttributeConstraints,omitempty" cg:"dive"`
	StringAttributeConstraints *stringAttributeConstraintsType `json:"StringAttributeConstraints,omitempty" cg:"dive"`
}

type advancedSecurityAdditionalFlowsType struct {
	CustomAuthMode *string `json:"CustomAuthMode,omitempty" cg:"enum=AUDIT|ENFORCED"`
}

type userPoolAddOnsType struct {
	AdvancedSecurityMode            *string                              `json:"AdvancedSecurityMode,omitempty" cg:"req,enum=OFF|AUDIT|ENFORCED"`
	AdvancedSecurityAdditionalFlows *advancedSecurityAdditionalFlowsType `json:"AdvancedSecurityAdditionalFlows,omitempty" cg:"dive"`
}

type usernameConfigurationType struct {
	CaseSensitive *bool `json:"CaseSensitive,omitempty" cg:"req"`
}

type recoveryOptionType struct {
	Priority *int    `json:"Priority,omitempty" cg:"req,range=1:2"`
	Name     *string `json:"Name,omitempty" cg:"req,enum=verified_email|verified_phone_number|admin_only"`
}

type accountRecoverySettingType struct {
	RecoveryMechanisms []recoveryOptionType `json:"RecoveryMechanisms,omitempty" cg:"len=1:2,dive"`
}

// poolConfig is the set of members CreateUserPool and UpdateUserPool share,
// embedded in both inputs (JSON decoding and the cg validator treat its
// members as the embedding shape's own, in place).
type poolConfig struct {
	Policies                    *userPoolPolicyType              `json:"Policies,omitempty" cg:"dive"`
	DeletionProtection          *string                          `json:"DeletionProtection,omitempty" cg:"enum=ACTIVE|INACTIVE"`
	LambdaConfig                *lambdaConfigType                `json:"LambdaConfig,omitempty" cg:"dive"`
	AutoVerifiedAttributes      []string                         `json:"AutoVerifiedAttributes,omitempty" cg:"enum=phone_number|email"`
	SmsVerificationMessage      *string                          `json:"SmsVerificationMessage,omitempty" cg:"len=6:140,re=smsMessage"`
	EmailVerificationMessage    *string                          `json:"EmailVerificationMessage,omitempty" cg:"len=6:20000,re=emailMessage"`
	EmailVerificationSubject    *string                          `json:"EmailVerificationSubject,omitempty" cg:"len=1:140,re=emailSubject"`
	VerificationMessageTemplate *verificationMessageTemplateType `json:"VerificationMessageTemplate,omitempty" cg:"dive"`
	SmsAuthenticationMessage    *string                          `json:"SmsAuthenticationMessage,omitempty" cg:"len=6:140,re=smsMessage"`
	UserAttributeUpdateSettings *userAttributeUpdateSettingsType `json:"UserAttributeUpdateSettings,omitempty" cg:"dive"`
	MfaConfiguration            *string                          `json:"MfaConfiguration,omitempty" cg:"enum=OFF|ON|OPTIONAL"`
	DeviceConfiguration         *deviceConfigurationType         `json:"DeviceConfiguration,omitempty"`
	EmailConfiguration          *emailConfigurationType          `json:"EmailConfiguration,omitempty" cg:"dive"`
	SmsConfiguration            *smsConfigurationType            `json:"SmsConfiguration,omitempty" cg:"dive"`
	UserPoolTags                map[string]string                `json:"UserPoolTags,omitempty"`
	AdminCreateUserConfig       *adminCreateUserConfigType       `json:"AdminCreateUserConfig,omitempty" cg:"dive"`
	UserPoolAddOns              *userPoolAddOnsType              `json:"UserPoolAddOns,omitempty" cg:"dive"`
	AccountRecoverySetting      *accountRecoverySettingType      `json:"AccountRecoverySetting,omitempty" cg:"dive"`
	UserPoolTier                *string                          `json:"UserPoolTier,omitempty" cg:"enum=LITE|ESSENTIALS|PLUS"`
	IssuerConfiguration         *issuerConfigurationType         `json:"IssuerConfiguration,omitempty" cg:"dive"`
}

// issuerConfigurationType is IssuerConfigurationType (userpool/issuer.go).
type issuerConfigurationType struct {
	Type *string `json:"Type,omitempty" cg:"enum=ORIGINAL|UPDATED"`
}

type createUserPoolInput struct {
	PoolName *string `json:"PoolName" cg:"req,len=1:128,re=poolName"`
	poolConfig
	AliasAttributes       []string                   `json:"AliasAttributes,omitempty" cg:"enum=phone_number|email|preferred_username"`
	UsernameAttributes    []string                   `json:"UsernameAttributes,omitempty" cg:"enum=phone_number|email"`
	Schema                []schemaAttributeType      `json:"Schema,omitempty" cg:"len=1:50,dive"`
	UsernameConfiguration *usernameConfigurationType `json:"UsernameConfiguration,omitempty" cg:"dive"`
}

// updateUserPoolInput names the pool and, unlike CreateUserPool, makes
// PoolName optional (last, as the model orders it).
type updateUserPoolInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	poolConfig
	PoolName *string `json:"PoolName,omitempty" cg:"len=1:128,re=poolName"`
}

type userPoolIDInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
}

type listUserPoolsInput struct {
	NextToken  *string `json:"NextToken" cg:"len=1:,re=nonSpace"`
	MaxResults *int    `json:"MaxResults" cg:"req,range=1:60"`
}

// userPoolType is UserPoolType, members in the model's order.
type userPoolType struct {
	Id                          string                     `json:"Id"`
	Name                        string                     `json:"Name"`
	Policies                    *userPoolPolicyType        `json:"Policies,omitempty"`
	DeletionProtection          string                     `json:"DeletionProtection,omitempty"`
	LambdaConfig                json.RawMessage            `json:"LambdaConfig,omitempty"`
	LastModifiedDate            *awsjson.Time              `json:"LastModifiedDate,omitempty"`
	CreationDate                *awsjson.Time              `json:"CreationDate,omitempty"`
	SchemaAttributes            []schemaAttributeOut       `json:"SchemaAttributes,omitempty"`
	AutoVerifiedAttributes      []string                   `json:"AutoVerifiedAttributes,omitempty"`
	AliasAttributes             []string                   `json:"AliasAttributes,omitempty"`
	UsernameAttributes          []string                   `json:"UsernameAttributes,omitempty"`
	SmsVerificationMessage      json.RawMessage            `json:"SmsVerificationMessage,omitempty"`
	EmailVerificationMessage    json.RawMessage            `json:"EmailVerificationMessage,omitempty"`
	EmailVerificationSubject    json.RawMessage            `json:"EmailVerificationSubject,omitempty"`
	VerificationMessageTemplate json.RawMessage            `json:"VerificationMessageTemplate,omitempty"`
	SmsAuthenticationMessage    json.RawMessage            `json:"SmsAuthenticationMessage,omitempty"`
	UserAttributeUpdateSettings json.RawMessage            `json:"UserAttributeUpdateSettings,omitempty"`
	MfaConfiguration            string                     `json:"MfaConfiguration,omitempty"`
	DeviceConfiguration         *deviceConfigurationType   `json:"DeviceConfiguration,omitempty"`
	EstimatedNumberOfUsers      int64                      `json:"EstimatedNumberOfUsers"`
	EmailConfiguration          json.RawMessage            `json:"EmailConfiguration,omitempty"`
	SmsConfiguration            json.RawMessage            `json:"SmsConfiguration,omitempty"`
	UserPoolTags                json.RawMessage            `json:"UserPoolTags,omitempty"`
	AdminCreateUserConfig       *adminCreateUserConfigOut  `json:"AdminCreateUserConfig,omitempty"`
	UserPoolAddOns              json.RawMessage            `json:"UserPoolAddOns,omitempty"`
	UsernameConfiguration       *usernameConfigurationType `json:"UsernameConfiguration,omitempty"`
	Arn                         string                     `json:"Arn,omitempty"`
	AccountRecoverySetting      json.RawMessage            `json:"AccountRecoverySetting,omitempty"`
	UserPoolTier                string                     `json:"UserPoolTier,omitempty"`
	IssuerConfiguration         json.RawMessage            `json:"IssuerConfiguration,omitempty"`
	Domain                      string                     `json:"Domain,omitempty"`
	CustomDomain                string                     `json:"CustomDomain,omitempty"`
}

// schemaAttributeOut is SchemaAttributeType as DescribeUserPool reports it:
// every flag present, custom attributes named custom:x (dev:custom:x).
type schemaAttributeOut struct {
	Name                       string                          `json:"Name"`
	AttributeDataType          string                          `json:"AttributeDataType"`
	DeveloperOnlyAttribute     bool                            `json:"DeveloperOnlyAttribute"`
	Mutable                    bool                            `json:"Mutable"`
	Required                   bool                            `json:"Required"`
	NumberAttributeConstraints *numberAttributeConstraintsType `json:"NumberAttributeConstraints,omitempty"`
	StringAttributeConstraints *stringAttributeConstraintsType `json:"StringAttributeConstraints,omitempty"`
}

type adminCreateUserConfigOut struct {
	AllowAdminCreateUserOnly  bool            `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int             `json:"UnusedAccountValidityDays"`
	InviteMessageTemplate     json.RawMessage `json:"InviteMessageTemplate,omitempty"`
}

type userPoolOutput struct {
	UserPool *userPoolType `json:"UserPool,omitempty"`
}

type userPoolDescriptionType struct {
	Id               string          `json:"Id"`
	Name             string          `json:"Name"`
	LambdaConfig     json.RawMessage `json:"LambdaConfig,omitempty"`
	LastModifiedDate *awsjson.Time   `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time   `json:"CreationDate,omitempty"`
}

type listUserPoolsOutput struct {
	UserPools []userPoolDescriptionType `json:"UserPools"`
	NextToken *string                   `json:"NextToken,omitempty"`
}

// ---------------------------------------------------------------- conversion

func unptr[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// echoJSON encodes an echoed member; nil for an absent one.
func echoJSON[T any](v *T) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func (c *poolConfig) toDomain(in *userpool.PoolInput) {
	if c.Policies != nil {
		if pp := c.Policies.PasswordPolicy; pp != nil {
			in.PasswordPolicy = &userpool.PasswordPolicyInput{
				MinimumLength:                 pp.MinimumLength,
				RequireUppercase:              unptr(pp.RequireUppercase),
				RequireLowercase:              unptr(pp.RequireLowercase),
				RequireNumbers:                unptr(pp.RequireNumbers),
				RequireSymbols:                unptr(pp.RequireSymbols),
				PasswordHistorySize:           pp.PasswordHistorySize,
				TemporaryPasswordValidityDays: pp.TemporaryPasswordValidityDays,
			}
		}
		in.SignInPolicy = echoJSON(c.Policies.SignInPolicy)
	}
	in.DeletionProtection = unptr(c.DeletionProtection)
	in.AutoVerifiedAttributes = c.AutoVerifiedAttributes
	in.MfaConfiguration = unptr(c.MfaConfiguration)
	if d := c.DeviceConfiguration; d != nil {
		in.DeviceConfiguration = &userpool.DeviceConfiguration{
			ChallengeRequiredOnNewDevice:     unptr(d.ChallengeRequiredOnNewDevice),
			DeviceOnlyRememberedOnUserPrompt: unptr(d.DeviceOnlyRememberedOnUserPrompt),
		}
	}
	if a := c.AdminCreateUserConfig; a != nil {
		in.AdminCreateUserConfig = &userpool.AdminCreateUserConfigInput{
			AllowAdminCreateUserOnly:  unptr(a.AllowAdminCreateUserOnly),
			UnusedAccountValidityDays: a.UnusedAccountValidityDays,
			InviteMessageTemplate:     echoJSON(a.InviteMessageTemplate),
		}
	}
	in.UserPoolTier = unptr(c.UserPoolTier)
	extra := map[string]json.RawMessage{
		"LambdaConfig":                echoJSON(c.LambdaConfig),
		"SmsVerificationMessage":      echoJSON(c.SmsVerificationMessage),
		"EmailVerificationMessage":    echoJSON(c.EmailVerificationMessage),
		"EmailVerificationSubject":    echoJSON(c.EmailVerificationSubject),
		"VerificationMessageTemplate": echoJSON(c.VerificationMessageTemplate),
		"SmsAuthenticationMessage":    echoJSON(c.SmsAuthenticationMessage),
		"UserAttributeUpdateSettings": echoJSON(c.UserAttributeUpdateSettings),
		"EmailConfiguration":          echoJSON(c.EmailConfiguration),
		"SmsConfiguration":            echoJSON(c.SmsConfiguration),
		"UserPoolAddOns":              echoJSON(c.UserPoolAddOns),
		"AccountRecoverySetting":      echoJSON(c.AccountRecoverySetting),
		"IssuerConfiguration":         echoJSON(c.IssuerConfiguration),
	}
	if c.UserPoolTags != nil {
		extra["UserPoolTags"] = echoJSON(&c.UserPoolTags)
	}
	in.Extra = map[string]json.RawMessage{}
	for k, v := range extra {
		if v != nil {
			in.Extra[k] = v
		}
	}
}

func schemaToDomain(list []schemaAttributeType) []userpool.SchemaAttributeInput {
	out := make([]userpool.SchemaAttributeInput, 0, len(list))
	for _, a := range list {
		sa := userpool.SchemaAttributeInput{
			Name:                   unptr(a.Name),
			AttributeDataType:      unptr(a.AttributeDataType),
			DeveloperOnlyAttribute: a.DeveloperOnlyAttribute,
			Mutable:                a.Mutable,
			Required:               a.Required,
		}
		if c := a.StringAttributeConstraints; c != nil {
			sa.StringConstraints = &userpool.AttributeConstraintsInput{Min: c.MinLength, Max: c.MaxLength}
		}
		if c := a.NumberAttributeConstraints; c != nil {
			sa.NumberConstraints = &userpool.AttributeConstraintsInput{Min: c.MinValue, Max: c.MaxValue}
		}
		out = append(out, sa)
	}
	return out
}

func intString(p *int64) *string {
	if p == nil {
		return nil
	}
	s := strconv.FormatInt(*p, 10)
	return &s
}

func schemaOut(list []userpool.SchemaAttribute) []schemaAttributeOut {
	out := make([]schemaAttributeOut, 0, len(list))
	for _, a := range list {
		o := schemaAttributeOut{
			Name:                   a.AttributeName(),
			AttributeDataType:      a.AttributeDataType,
			DeveloperOnlyAttribute: a.DeveloperOnlyAttribute,
			Mutable:                a.Mutable,
			Required:               a.Required,
		}
		// Cognito reports a constraints object for every String and Number
		// attribute, empty when the attribute has no bounds.
		switch a.AttributeDataType {
		case "String":
			o.StringAttributeConstraints = &stringAttributeConstraintsType{MinLength: intString(a.MinLength), MaxLength: intString(a.MaxLength)}
		case "Number":
			o.NumberAttributeConstraints = &numberAttributeConstraintsType{MinValue: intString(a.MinValue), MaxValue: intString(a.MaxValue)}
		}
		out = append(out, o)
	}
	return out
}

func mkptr[T any](v T) *T { return &v }

func (h *Handler) poolOut(p *userpool.Pool, users int64) *userPoolType {
	st := p.Settings
	pp := st.PasswordPolicy
	policy := &passwordPolicyType{
		MinimumLength:                 mkptr(pp.MinimumLength),
		RequireUppercase:              mkptr(pp.RequireUppercase),
		RequireLowercase:              mkptr(pp.RequireLowercase),
		RequireNumbers:                mkptr(pp.RequireNumbers),
		RequireSymbols:                mkptr(pp.RequireSymbols),
		TemporaryPasswordValidityDays: mkptr(pp.TemporaryPasswordValidityDays),
	}
	if pp.PasswordHistorySize > 0 {
		policy.PasswordHistorySize = mkptr(pp.PasswordHistorySize)
	}
	policies := &userPoolPolicyType{PasswordPolicy: policy}
	if len(st.SignInPolicy) > 0 {
		var sip signInPolicyType
		if json.Unmarshal(st.SignInPolicy, &sip) == nil {
			policies.SignInPolicy = &sip
		}
	}
	out := &userPoolType{
		Id:                          p.ID,
		Name:                        p.Name,
		Policies:                    policies,
		DeletionProtection:          st.DeletionProtection,
		LambdaConfig:                st.Extra["LambdaConfig"],
		LastModifiedDate:            awsjson.NewTime(p.UpdatedAt),
		CreationDate:                awsjson.NewTime(p.CreatedAt),
		SchemaAttributes:            schemaOut(st.Schema),
		AutoVerifiedAttributes:      st.AutoVerifiedAttributes,
		AliasAttributes:             st.AliasAttributes,
		UsernameAttributes:          st.UsernameAttributes,
		SmsVerificationMessage:      st.Extra["SmsVerificationMessage"],
		EmailVerificationMessage:    st.Extra["EmailVerificationMessage"],
		EmailVerificationSubject:    st.Extra["EmailVerificationSubject"],
		VerificationMessageTemplate: st.Extra["VerificationMessageTemplate"],
		SmsAuthenticationMessage:    st.Extra["SmsAuthenticationMessage"],
		UserAttributeUpdateSettings: st.Extra["UserAttributeUpdateSettings"],
		MfaConfiguration:            st.MfaConfiguration,
		EstimatedNumberOfUsers:      users,
		EmailConfiguration:          st.Extra["EmailConfiguration"],
		SmsConfiguration:            st.Extra["SmsConfiguration"],
		UserPoolTags:                st.Extra["UserPoolTags"],
		AdminCreateUserConfig: &adminCreateUserConfigOut{
			AllowAdminCreateUserOnly:  st.AdminCreateUserConfig.AllowAdminCreateUserOnly,
			UnusedAccountValidityDays: st.AdminCreateUserConfig.UnusedAccountValidityDays,
			InviteMessageTemplate:     st.AdminCreateUserConfig.InviteMessageTemplate,
		},
		UserPoolAddOns:         st.Extra["UserPoolAddOns"],
		UsernameConfiguration:  &usernameConfigurationType{CaseSensitive: mkptr(st.CaseSensitive)},
		Arn:                    h.svc.PoolARN(p.ID),
		AccountRecoverySetting: st.Extra["AccountRecoverySetting"],
		UserPoolTier:           st.UserPoolTier,
		IssuerConfiguration:    st.Extra["IssuerConfiguration"],
	}
	if d := st.DeviceConfiguration; d != nil {
		out.DeviceConfiguration = &deviceConfigurationType{
			ChallengeRequiredOnNewDevice:     mkptr(d.ChallengeRequiredOnNewDevice),
			DeviceOnlyRememberedOnUserPrompt: mkptr(d.DeviceOnlyRememberedOnUserPrompt),
		}
	}
	return out
}

// ---------------------------------------------------------------- handlers

func (h *Handler) createUserPool(ctx context.Context, in *createUserPoolInput) (*userPoolOutput, error) {
	pin := userpool.PoolInput{
		Name:               unptr(in.PoolName),
		AliasAttributes:    in.AliasAttributes,
		UsernameAttributes: in.UsernameAttributes,
		Schema:             schemaToDomain(in.Schema),
	}
	if in.UsernameConfiguration != nil {
		pin.CaseSensitive = in.UsernameConfiguration.CaseSensitive
	}
	in.poolConfig.toDomain(&pin)
	p, err := h.svc.CreatePool(ctx, pin)
	if err != nil {
		return nil, err
	}
	return &userPoolOutput{UserPool: h.poolOut(p, 0)}, nil
}

func (h *Handler) describeUserPool(ctx context.Context, in *userPoolIDInput) (*userPoolOutput, error) {
	p, n, err := h.svc.DescribePool(ctx, unptr(in.UserPoolId))
	if err != nil {
		return nil, err
	}
	out := h.poolOut(p, n)
	if out.Domain, out.CustomDomain, err = h.svc.PoolDomains(ctx, p.ID); err != nil {
		return nil, err
	}
	return &userPoolOutput{UserPool: out}, nil
}

func (h *Handler) listUserPools(ctx context.Context, in *listUserPoolsInput) (*listUserPoolsOutput, error) {
	pools, next, err := h.svc.ListPools(ctx, unptr(in.MaxResults), unptr(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listUserPoolsOutput{UserPools: make([]userPoolDescriptionType, 0, len(pools))}
	for _, p := range pools {
		out.UserPools = append(out.UserPools, userPoolDescriptionType{
			Id:               p.ID,
			Name:             p.Name,
			LambdaConfig:     p.Settings.Extra["LambdaConfig"],
			LastModifiedDate: awsjson.NewTime(p.UpdatedAt),
			CreationDate:     awsjson.NewTime(p.CreatedAt),
		})
	}
	if next != "" {
		out.NextToken = &next
	}
	return out, nil
}

func (h *Handler) updateUserPool(ctx context.Context, in *updateUserPoolInput) (*struct{}, error) {
	pin := userpool.PoolInput{Name: unptr(in.PoolName)}
	in.poolConfig.toDomain(&pin)
	if _, err := h.svc.UpdatePool(ctx, unptr(in.UserPoolId), pin); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (h *Handler) deleteUserPool(ctx context.Context, in *userPoolIDInput) (*struct{}, error) {
	if err := h.svc.DeletePool(ctx, unptr(in.UserPoolId)); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
