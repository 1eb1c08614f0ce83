package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// Password recovery: ForgotPassword and ConfirmForgotPassword (unsigned),
// AdminResetUserPassword and AdminSetUserPassword (SigV4).

// ConfirmForgotPasswordInput is the input of ConfirmForgotPassword.
type ConfirmForgotPasswordInput struct {
	ClientId          string            `cg:"req,len=1:128,re=clientId,sensitive"`
	SecretHash        *string           `cg:"len=1:128,re=secretHash,sensitive"`
	Username          string            `cg:"req,len=1:128,re=username,sensitive"`
	ConfirmationCode  string            `cg:"req,len=1:2048,re=nonSpace,sensitive"`
	Password          string            `cg:"req,len=:256,re=passwordLoose,sensitive"`
	AnalyticsMetadata jsonObject        `json:"AnalyticsMetadata"`
	UserContextData   jsonObject        `json:"UserContextData"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
}

// AdminResetUserPasswordInput is the input of AdminResetUserPassword.
type AdminResetUserPasswordInput struct {
	UserPoolId     string            `cg:"req,len=1:55,re=poolId"`
	Username       string            `cg:"req,len=1:128,re=username,sensitive"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// AdminSetUserPasswordInput is the input of AdminSetUserPassword.
type AdminSetUserPasswordInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Username   string `cg:"req,len=1:128,re=username,sensitive"`
	Password   string `cg:"req,len=:256,re=passwordLoose,sensitive"`
	Permanent  bool   `json:"Permanent"`
}

func (h *Handler) forgotPassword(ctx context.Context, in *ClientUserInput) (*CodeDeliveryOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	d, err := h.svc.ForgotPassword(ctx, userpool.ForgotPasswordInput{
		ClientID: in.ClientId, SecretHash: uStr(in.SecretHash), Username: in.Username,
	})
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: toCodeDelivery(d)}, nil
}

func (h *Handler) confirmForgotPassword(ctx context.Context, in *ConfirmForgotPasswordInput) (*struct{}, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return nil, h.svc.ConfirmForgotPassword(ctx, userpool.ConfirmForgotPasswordInput{
		ClientID:   in.ClientId,
		SecretHash: uStr(in.SecretHash),
		Username:   in.Username,
		Code:       in.ConfirmationCode,
		Password:   in.Password,
	})
}

func (h *Handler) adminResetUserPassword(ctx context.Context, in *AdminResetUserPasswordInput) (*struct{}, error) {
	return nil, h.svc.AdminResetUserPassword(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) adminSetUserPassword(ctx context.Context, in *AdminSetUserPasswordInput) (*struct{}, error) {
	return nil, h.svc.AdminSetUserPassword(ctx, in.UserPoolId, in.Username, in.Password, in.Permanent)
}
