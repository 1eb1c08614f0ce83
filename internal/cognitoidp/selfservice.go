package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// Self-service operations authorised by the user's access token (unsigned):
// ChangePassword, UpdateUserAttributes, DeleteUserAttributes,
// GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser and
// SetUserSettings.

// ChangePasswordInput is the input of ChangePassword.
type ChangePasswordInput struct {
	PreviousPassword *string `cg:"len=:256,re=passwordLoose,sensitive"`
	ProposedPassword string  `cg:"req,len=:256,re=passwordLoose,sensitive"`
	AccessToken      string  `cg:"req,re=token,sensitive"`
}

// UpdateUserAttributesInput is the input of UpdateUserAttributes.
type UpdateUserAttributesInput struct {
	UserAttributes []AttributeType   `cg:"req,dive"`
	AccessToken    string            `cg:"req,re=token,sensitive"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// UpdateUserAttributesOutput is the output of UpdateUserAttributes.
type UpdateUserAttributesOutput struct {
	CodeDeliveryDetailsList []CodeDeliveryDetailsType `json:"CodeDeliveryDetailsList,omitempty"`
}

// DeleteUserAttributesInput is the input of DeleteUserAttributes.
type DeleteUserAttributesInput struct {
	UserAttributeNames []string `cg:"req,re=attrName"`
	AccessToken        string   `cg:"req,re=token,sensitive"`
}

// GetUserAttributeVerificationCodeInput is the input of GetUserAttributeVerificationCode.
type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `cg:"req,re=token,sensitive"`
	AttributeName  string            `cg:"req,len=1:32,re=attrName"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// VerifyUserAttributeInput is the input of VerifyUserAttribute.
type VerifyUserAttributeInput struct {
	AccessToken   string `cg:"req,re=token,sensitive"`
	AttributeName string `cg:"req,len=1:32,re=attrName"`
	Code          string `cg:"req,len=1:2048,re=nonSpace,sensitive"`
}

// SetUserSettingsInput is the input of SetUserSettings.
type SetUserSettingsInput struct {
	AccessToken string          `cg:"req,re=token,sensitive"`
	MFAOptions  []MFAOptionType `cg:"req,dive"`
}

func (h *Handler) changePassword(ctx context.Context, in *ChangePasswordInput) (*struct{}, error) {
	return nil, h.svc.ChangePassword(ctx, in.AccessToken, in.PreviousPassword, in.ProposedPassword)
}

func (h *Handler) updateUserAttributes(ctx context.Context, in *UpdateUserAttributesInput) (*UpdateUserAttributesOutput, error) {
	ds, err := h.svc.UpdateUserAttributes(ctx, in.AccessToken, fromAttributes(in.UserAttributes))
	if err != nil {
		return nil, err
	}
	out := &UpdateUserAttributesOutput{}
	for i := range ds {
		out.CodeDeliveryDetailsList = append(out.CodeDeliveryDetailsList, *toCodeDelivery(&ds[i]))
	}
	return out, nil
}

func (h *Handler) deleteUserAttributes(ctx context.Context, in *DeleteUserAttributesInput) (*struct{}, error) {
	if err := checkNameList("userAttributeNames", in.UserAttributeNames); err != nil {
		return nil, err
	}
	return nil, h.svc.DeleteUserAttributes(ctx, in.AccessToken, in.UserAttributeNames)
}

func (h *Handler) getUserAttributeVerificationCode(ctx context.Context, in *GetUserAttributeVerificationCodeInput) (*CodeDeliveryOutput, error) {
	d, err := h.svc.GetUserAttributeVerificationCode(ctx, in.AccessToken, in.AttributeName)
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: toCodeDelivery(d)}, nil
}

func (h *Handler) verifyUserAttribute(ctx context.Context, in *VerifyUserAttributeInput) (*struct{}, error) {
	return nil, h.svc.VerifyUserAttribute(ctx, in.AccessToken, in.AttributeName, in.Code)
}

func (h *Handler) deleteUser(ctx context.Context, in *AccessTokenInput) (*struct{}, error) {
	return nil, h.svc.DeleteUser(ctx, in.AccessToken)
}

func (h *Handler) setUserSettings(ctx context.Context, in *SetUserSettingsInput) (*struct{}, error) {
	opts := make([]userpool.MFAOption, len(in.MFAOptions))
	for i, o := range in.MFAOptions {
		opts[i] = userpool.MFAOption{DeliveryMedium: uStr(o.DeliveryMedium), AttributeName: uStr(o.AttributeName)}
	}
	return nil, h.svc.SetUserSettings(ctx, in.AccessToken, opts)
}
