package cognitoidp

import (
	"context"
	"fmt"

	"userpool/internal/awsjson"
	"userpool/internal/cognitorules"
	"userpool/internal/userpool"
)

// ---------------------------------------------------------------- shared shapes

// AttributeType is a user (or device) attribute.
type AttributeType struct {
	Name  string `json:"Name" cg:"req,len=1:32,re=attrName"`
	Value string `json:"Value" cg:"len=:2048,sensitive"`
}

// MFAOptionType is a legacy MFA option.
type MFAOptionType struct {
	DeliveryMedium *string `json:"DeliveryMedium,omitempty" cg:"enum=SMS|EMAIL"`
	AttributeName  *string `json:"AttributeName,omitempty" cg:"len=1:32,re=attrName"`
}

// UserType is a user as ListUsers, ListUsersInGroup and AdminCreateUser return it.
type UserType struct {
	Username             string          `json:"Username"`
	Attributes           []AttributeType `json:"Attributes"`
	UserCreateDate       *awsjson.Time   `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *awsjson.Time   `json:"UserLastModifiedDate,omitempty"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []MFAOptionType `json:"MFAOptions,omitempty"`
}

func toAttributes(in []userpool.Attribute) []AttributeType {
	out := make([]AttributeType, len(in))
	for i, a := range in {
		out[i] = AttributeType{Name: a.Name, Value: a.Value}
	}
	return out
}

func fromAttributes(in []AttributeType) []userpool.Attribute {
	out := make([]userpool.Attribute, len(in))
	for i, a := range in {
		out[i] = userpool.Attribute{Name: a.Name, Value: a.Value}
	}
	return out
}

func toMFAOptions(opts []userpool.MFAOption) []MFAOptionType {
	if len(opts) == 0 {
		return nil
	}
	out := make([]MFAOptionType, len(opts))
	for i, o := range opts {
		out[i] = MFAOptionType{DeliveryMedium: uStrPtr(o.DeliveryMedium), AttributeName: uStrPtr(o.AttributeName)}
	}
	return out
}

// toUserType renders a user; only, when non-empty, keeps only those attributes.
func toUserType(u userpool.User, only []string) UserType {
	return UserType{
		Username:             u.Username,
		Attributes:           toAttributes(u.Attributes(only)),
		UserCreateDate:       awsjson.NewTime(u.CreatedAt),
		UserLastModifiedDate: awsjson.NewTime(u.UpdatedAt),
		Enabled:              u.Enabled,
		UserStatus:           u.Status,
		MFAOptions:           toMFAOptions(u.MFA.Options),
	}
}

func toUserTypes(us []userpool.User, only []string) []UserType {
	out := make([]UserType, len(us))
	for i, u := range us {
		out[i] = toUserType(u, only)
	}
	return out
}

// limitOf reads an optional Limit member (0 or absent: the default page).
func uLimit(l *int32) int {
	if l == nil {
		return 0
	}
	return int(*l)
}

func uStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func uStrPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// checkNameList applies the element constraints of a list of attribute
// names (AttributeNameType: 1..32), which the cg tags cannot express, with
// Coral's message.
func checkNameList(member string, names []string) error {
	var ve validationError
	name := cognitorules.Member{Min: 1, Max: 32}
	for i, n := range names {
		ve.msgs = name.Check(ve.msgs, n, fmt.Sprintf("%s.%d.member", member, i+1))
	}
	if len(ve.msgs) == 0 {
		return nil
	}
	return userpool.Errorf(userpool.KindInvalidParameter, "%s", ve.message())
}

// ---------------------------------------------------------------- inputs and outputs

// AdminCreateUserInput is the input of AdminCreateUser.
type AdminCreateUserInput struct {
	UserPoolId             string            `cg:"req,len=1:55,re=poolId"`
	Username               string            `cg:"req,len=1:128,re=username,sensitive"`
	UserAttributes         []AttributeType   `cg:"dive"`
	ValidationData         []AttributeType   `cg:"dive"`
	TemporaryPassword      *string           `cg:"len=:256,re=passwordLoose,sensitive"`
	ForceAliasCreation     bool              ``
	MessageAction          *string           `cg:"enum=RESEND|SUPPRESS"`
	DesiredDeliveryMediums []string          `cg:"enum=SMS|EMAIL"`
	ClientMetadata         map[string]string ``
}

// AdminCreateUserOutput is the output of AdminCreateUser.
type AdminCreateUserOutput struct {
	User UserType `json:"User"`
}

// AdminUserRef names a user of a pool (the input of several Admin* operations).
type AdminUserRef struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Username   string `cg:"req,len=1:128,re=username,sensitive"`
}

// AdminGetUserOutput is the output of AdminGetUser.
type AdminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []AttributeType `json:"UserAttributes"`
	UserCreateDate       *awsjson.Time   `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *awsjson.Time   `json:"UserLastModifiedDate,omitempty"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []MFAOptionType `json:"MFAOptions,omitempty"`
	PreferredMfaSetting  string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList   []string        `json:"UserMFASettingList,omitempty"`
}

// AdminUpdateUserAttributesInput is the input of AdminUpdateUserAttributes.
type AdminUpdateUserAttributesInput struct {
	UserPoolId     string            `cg:"req,len=1:55,re=poolId"`
	Username       string            `cg:"req,len=1:128,re=username,sensitive"`
	UserAttributes []AttributeType   `cg:"req,dive"`
	ClientMetadata map[string]string ``
}

// AdminDeleteUserAttributesInput is the input of AdminDeleteUserAttributes.
type AdminDeleteUserAttributesInput struct {
	UserPoolId         string   `cg:"req,len=1:55,re=poolId"`
	Username           string   `cg:"req,len=1:128,re=username,sensitive"`
	UserAttributeNames []string `cg:"req,re=attrName"`
}

// AdminConfirmSignUpInput is the input of AdminConfirmSignUp.
type AdminConfirmSignUpInput struct {
	UserPoolId     string            `cg:"req,len=1:55,re=poolId"`
	Username       string            `cg:"req,len=1:128,re=username,sensitive"`
	ClientMetadata map[string]string ``
}

// AdminSetUserSettingsInput is the input of AdminSetUserSettings.
type AdminSetUserSettingsInput struct {
	UserPoolId string          `cg:"req,len=1:55,re=poolId"`
	Username   string          `cg:"req,len=1:128,re=username,sensitive"`
	MFAOptions []MFAOptionType `cg:"req,dive"`
}

// MfaSettingsType is SMSMfaSettingsType / SoftwareTokenMfaSettingsType /
// EmailMfaSettingsType.
type MfaSettingsType struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

// WebAuthnMfaSettingsType is accepted and ignored (no WebAuthn support).
type WebAuthnMfaSettingsType struct {
	Enabled bool `json:"Enabled"`
}

// AdminSetUserMFAPreferenceInput is the input of AdminSetUserMFAPreference.
type AdminSetUserMFAPreferenceInput struct {
	SMSMfaSettings           *MfaSettingsType         ``
	SoftwareTokenMfaSettings *MfaSettingsType         ``
	EmailMfaSettings         *MfaSettingsType         ``
	WebAuthnMfaSettings      *WebAuthnMfaSettingsType ``
	Username                 string                   `cg:"req,len=1:128,re=username,sensitive"`
	UserPoolId               string                   `cg:"req,len=1:55,re=poolId"`
}

// ListUsersInput is the input of ListUsers.
type ListUsersInput struct {
	UserPoolId      string   `cg:"req,len=1:55,re=poolId"`
	AttributesToGet []string `cg:"re=attrName"`
	Limit           *int32   `cg:"range=0:60"`
	PaginationToken *string  `cg:"len=1:,re=nonSpace"`
	Filter          *string  `cg:"len=:256"`
}

// ListUsersOutput is the output of ListUsers.
type ListUsersOutput struct {
	Users           []UserType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
}

func mfaSetting(in *MfaSettingsType) *userpool.MFAFactorSetting {
	if in == nil {
		return nil
	}
	return &userpool.MFAFactorSetting{Enabled: in.Enabled, Preferred: in.PreferredMfa}
}

func (h *Handler) adminCreateUser(ctx context.Context, in *AdminCreateUserInput) (*AdminCreateUserOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, in.ValidationData)
	res, err := h.svc.AdminCreateUser(ctx, userpool.CreateUserInput{
		PoolID:             in.UserPoolId,
		Username:           in.Username,
		Attributes:         fromAttributes(in.UserAttributes),
		TemporaryPassword:  uStr(in.TemporaryPassword),
		MessageAction:      uStr(in.MessageAction),
		DeliveryMediums:    in.DesiredDeliveryMediums,
		ForceAliasCreation: in.ForceAliasCreation,
	})
	if err != nil {
		return nil, err
	}
	return &AdminCreateUserOutput{User: toUserType(res.User, nil)}, nil
}

func (h *Handler) adminGetUser(ctx context.Context, in *AdminUserRef) (*AdminGetUserOutput, error) {
	u, err := h.svc.AdminGetUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return &AdminGetUserOutput{
		Username:             u.Username,
		UserAttributes:       toAttributes(u.Attributes(nil)),
		UserCreateDate:       awsjson.NewTime(u.CreatedAt),
		UserLastModifiedDate: awsjson.NewTime(u.UpdatedAt),
		Enabled:              u.Enabled,
		UserStatus:           u.Status,
		MFAOptions:           toMFAOptions(u.MFA.Options),
		PreferredMfaSetting:  u.MFA.Preferred,
		UserMFASettingList:   u.MFA.Enabled,
	}, nil
}

func (h *Handler) adminDeleteUser(ctx context.Context, in *AdminUserRef) (*struct{}, error) {
	return nil, h.svc.AdminDeleteUser(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) adminUpdateUserAttributes(ctx context.Context, in *AdminUpdateUserAttributesInput) (*struct{}, error) {
	return nil, h.svc.AdminUpdateUserAttributes(ctx, in.UserPoolId, in.Username, fromAttributes(in.UserAttributes))
}

func (h *Handler) adminDeleteUserAttributes(ctx context.Context, in *AdminDeleteUserAttributesInput) (*struct{}, error) {
	if err := checkNameList("userAttributeNames", in.UserAttributeNames); err != nil {
		return nil, err
	}
	return nil, h.svc.AdminDeleteUserAttributes(ctx, in.UserPoolId, in.Username, in.UserAttributeNames)
}

func (h *Handler) adminDisableUser(ctx context.Context, in *AdminUserRef) (*struct{}, error) {
	return nil, h.svc.AdminDisableUser(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) adminEnableUser(ctx context.Context, in *AdminUserRef) (*struct{}, error) {
	return nil, h.svc.AdminEnableUser(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) adminConfirmSignUp(ctx context.Context, in *AdminConfirmSignUpInput) (*struct{}, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return nil, h.svc.AdminConfirmSignUp(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) adminSetUserSettings(ctx context.Context, in *AdminSetUserSettingsInput) (*struct{}, error) {
	opts := make([]userpool.MFAOption, len(in.MFAOptions))
	for i, o := range in.MFAOptions {
		opts[i] = userpool.MFAOption{DeliveryMedium: uStr(o.DeliveryMedium), AttributeName: uStr(o.AttributeName)}
	}
	return nil, h.svc.AdminSetUserSettings(ctx, in.UserPoolId, in.Username, opts)
}

func (h *Handler) adminSetUserMFAPreference(ctx context.Context, in *AdminSetUserMFAPreferenceInput) (*struct{}, error) {
	return nil, h.svc.AdminSetUserMFAPreference(ctx, in.UserPoolId, in.Username, userpool.MFAPreference{
		SMS:   mfaSetting(in.SMSMfaSettings),
		TOTP:  mfaSetting(in.SoftwareTokenMfaSettings),
		Email: mfaSetting(in.EmailMfaSettings),
	})
}

func (h *Handler) listUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	if err := checkNameList("attributesToGet", in.AttributesToGet); err != nil {
		return nil, err
	}
	users, next, err := h.svc.ListUsers(ctx, userpool.ListUsersInput{
		PoolID: in.UserPoolId,
		Filter: uStr(in.Filter),
		Limit:  uLimit(in.Limit),
		Token:  uStr(in.PaginationToken),
	})
	if err != nil {
		return nil, err
	}
	return &ListUsersOutput{Users: toUserTypes(users, in.AttributesToGet), PaginationToken: next}, nil
}
