package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// Self sign-up: SignUp, ConfirmSignUp and ResendConfirmationCode (unsigned,
// authorised by the app client and, for clients with a secret, SecretHash).

// CodeDeliveryDetailsType says where a code went (the destination masked).
type CodeDeliveryDetailsType struct {
	Destination    string `json:"Destination,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	AttributeName  string `json:"AttributeName,omitempty"`
}

func toCodeDelivery(d *userpool.CodeDelivery) *CodeDeliveryDetailsType {
	if d == nil {
		return nil
	}
	return &CodeDeliveryDetailsType{Destination: d.Destination, DeliveryMedium: d.DeliveryMedium, AttributeName: d.AttributeName}
}

// SignUpInput is the input of SignUp.
type SignUpInput struct {
	ClientId          string            `cg:"req,len=1:128,re=clientId,sensitive"`
	SecretHash        *string           `cg:"len=1:128,re=secretHash,sensitive"`
	Username          string            `cg:"req,len=1:128,re=username,sensitive"`
	Password          *string           `cg:"len=:256,re=passwordLoose,sensitive"`
	UserAttributes    []AttributeType   `cg:"dive"`
	ValidationData    []AttributeType   `cg:"dive"`
	AnalyticsMetadata jsonObject        `json:"AnalyticsMetadata"`
	UserContextData   jsonObject        `json:"UserContextData"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
}

// SignUpOutput is the output of SignUp.
type SignUpOutput struct {
	UserConfirmed       bool                     `json:"UserConfirmed"`
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
	UserSub             string                   `json:"UserSub"`
}

// ConfirmSignUpInput is the input of ConfirmSignUp.
type ConfirmSignUpInput struct {
	ClientId           string            `cg:"req,len=1:128,re=clientId,sensitive"`
	SecretHash         *string           `cg:"len=1:128,re=secretHash,sensitive"`
	Username           string            `cg:"req,len=1:128,re=username,sensitive"`
	ConfirmationCode   string            `cg:"req,len=1:2048,re=nonSpace,sensitive"`
	ForceAliasCreation bool              `json:"ForceAliasCreation"`
	AnalyticsMetadata  jsonObject        `json:"AnalyticsMetadata"`
	UserContextData    jsonObject        `json:"UserContextData"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
	Session            *string           `cg:"len=20:2048,sensitive"`
}

// ClientUserInput names a user through an app client (ResendConfirmationCode,
// ForgotPassword).
type ClientUserInput struct {
	ClientId          string            `cg:"req,len=1:128,re=clientId,sensitive"`
	SecretHash        *string           `cg:"len=1:128,re=secretHash,sensitive"`
	Username          string            `cg:"req,len=1:128,re=username,sensitive"`
	AnalyticsMetadata jsonObject        `json:"AnalyticsMetadata"`
	UserContextData   jsonObject        `json:"UserContextData"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
}

// CodeDeliveryOutput is the output of ResendConfirmationCode, ForgotPassword
// and GetUserAttributeVerificationCode.
type CodeDeliveryOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
}

func (h *Handler) signUp(ctx context.Context, in *SignUpInput) (*SignUpOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, in.ValidationData)
	res, err := h.svc.SignUp(ctx, userpool.SignUpInput{
		ClientID:   in.ClientId,
		SecretHash: uStr(in.SecretHash),
		Username:   in.Username,
		Password:   uStr(in.Password),
		Attributes: fromAttributes(in.UserAttributes),
	})
	if err != nil {
		return nil, err
	}
	return &SignUpOutput{UserConfirmed: res.UserConfirmed, UserSub: res.UserSub, CodeDeliveryDetails: toCodeDelivery(res.Delivery)}, nil
}

func (h *Handler) confirmSignUp(ctx context.Context, in *ConfirmSignUpInput) (*struct{}, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return nil, h.svc.ConfirmSignUp(ctx, userpool.ConfirmSignUpInput{
		ClientID:           in.ClientId,
		SecretHash:         uStr(in.SecretHash),
		Username:           in.Username,
		Code:               in.ConfirmationCode,
		ForceAliasCreation: in.ForceAliasCreation,
	})
}

func (h *Handler) resendConfirmationCode(ctx context.Context, in *ClientUserInput) (*CodeDeliveryOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	d, err := h.svc.ResendConfirmationCode(ctx, userpool.ResendConfirmationCodeInput{
		ClientID: in.ClientId, SecretHash: uStr(in.SecretHash), Username: in.Username,
	})
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: toCodeDelivery(d)}, nil
}
