package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// Sign-in operations: InitiateAuth and RespondToAuthChallenge (unsigned,
// authorised by the app client in the body), AdminInitiateAuth and
// AdminRespondToAuthChallenge (SigV4).

// InitiateAuthInput is the input of InitiateAuth.
type InitiateAuthInput struct {
	AuthFlow          string            `cg:"req,enum=USER_SRP_AUTH|REFRESH_TOKEN_AUTH|REFRESH_TOKEN|CUSTOM_AUTH|ADMIN_NO_SRP_AUTH|USER_PASSWORD_AUTH|ADMIN_USER_PASSWORD_AUTH|USER_AUTH"`
	AuthParameters    map[string]string `json:"AuthParameters"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
	ClientId          string            `cg:"req,len=1:128,re=clientId,sensitive"`
	AnalyticsMetadata jsonObject        `json:"AnalyticsMetadata"`
	UserContextData   jsonObject        `json:"UserContextData"`
	Session           *string           `cg:"len=20:2048"`
}

// AdminInitiateAuthInput is the input of AdminInitiateAuth.
type AdminInitiateAuthInput struct {
	UserPoolId        string            `cg:"req,len=1:55,re=poolId"`
	ClientId          string            `cg:"req,len=1:128,re=clientId,sensitive"`
	AuthFlow          string            `cg:"req,enum=USER_SRP_AUTH|REFRESH_TOKEN_AUTH|REFRESH_TOKEN|CUSTOM_AUTH|ADMIN_NO_SRP_AUTH|USER_PASSWORD_AUTH|ADMIN_USER_PASSWORD_AUTH|USER_AUTH"`
	AuthParameters    map[string]string `json:"AuthParameters"`
	ClientMetadata    map[string]string `json:"ClientMetadata"`
	AnalyticsMetadata jsonObject        `json:"AnalyticsMetadata"`
	ContextData       jsonObject        `json:"ContextData"`
	Session           *string           `cg:"len=20:2048"`
}

// RespondToAuthChallengeInput is the input of RespondToAuthChallenge.
type RespondToAuthChallengeInput struct {
	ClientId           string            `cg:"req,len=1:128,re=clientId,sensitive"`
	ChallengeName      string            `cg:"req,enum=SMS_MFA|EMAIL_OTP|SOFTWARE_TOKEN_MFA|SELECT_MFA_TYPE|MFA_SETUP|PASSWORD_VERIFIER|CUSTOM_CHALLENGE|SELECT_CHALLENGE|DEVICE_SRP_AUTH|DEVICE_PASSWORD_VERIFIER|ADMIN_NO_SRP_AUTH|NEW_PASSWORD_REQUIRED|SMS_OTP|PASSWORD|WEB_AUTHN|PASSWORD_SRP"`
	Session            *string           `cg:"len=20:2048"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	AnalyticsMetadata  jsonObject        `json:"AnalyticsMetadata"`
	UserContextData    jsonObject        `json:"UserContextData"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// AdminRespondToAuthChallengeInput is the input of AdminRespondToAuthChallenge.
type AdminRespondToAuthChallengeInput struct {
	UserPoolId         string            `cg:"req,len=1:55,re=poolId"`
	ClientId           string            `cg:"req,len=1:128,re=clientId,sensitive"`
	ChallengeName      string            `cg:"req,enum=SMS_MFA|EMAIL_OTP|SOFTWARE_TOKEN_MFA|SELECT_MFA_TYPE|MFA_SETUP|PASSWORD_VERIFIER|CUSTOM_CHALLENGE|SELECT_CHALLENGE|DEVICE_SRP_AUTH|DEVICE_PASSWORD_VERIFIER|ADMIN_NO_SRP_AUTH|NEW_PASSWORD_REQUIRED|SMS_OTP|PASSWORD|WEB_AUTHN|PASSWORD_SRP"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	Session            *string           `cg:"len=20:2048"`
	AnalyticsMetadata  jsonObject        `json:"AnalyticsMetadata"`
	ContextData        jsonObject        `json:"ContextData"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// NewDeviceMetadataType is handed out with device tracking.
type NewDeviceMetadataType struct {
	DeviceKey      string `json:"DeviceKey"`
	DeviceGroupKey string `json:"DeviceGroupKey"`
}

// AuthenticationResultType holds the tokens of a completed sign-in.
type AuthenticationResultType struct {
	AccessToken       string                 `json:"AccessToken"`
	ExpiresIn         int64                  `json:"ExpiresIn"`
	TokenType         string                 `json:"TokenType"`
	RefreshToken      string                 `json:"RefreshToken,omitempty"`
	IdToken           string                 `json:"IdToken"`
	NewDeviceMetadata *NewDeviceMetadataType `json:"NewDeviceMetadata,omitempty"`
}

// AuthOutput is the output of all four sign-in operations. ChallengeParameters
// is always present (real AWS sends {} with an AuthenticationResult).
type AuthOutput struct {
	ChallengeName        string                    `json:"ChallengeName,omitempty"`
	Session              string                    `json:"Session,omitempty"`
	ChallengeParameters  map[string]string         `json:"ChallengeParameters"`
	AvailableChallenges  []string                  `json:"AvailableChallenges,omitempty"`
	AuthenticationResult *AuthenticationResultType `json:"AuthenticationResult,omitempty"`
}

func toAuthOutput(o *userpool.AuthOutput) *AuthOutput {
	out := &AuthOutput{ChallengeName: o.ChallengeName, Session: o.Session, ChallengeParameters: o.ChallengeParameters, AvailableChallenges: o.AvailableChallenges}
	if out.ChallengeParameters == nil {
		out.ChallengeParameters = map[string]string{}
	}
	if r := o.Result; r != nil {
		out.AuthenticationResult = &AuthenticationResultType{
			AccessToken:  r.AccessToken,
			ExpiresIn:    r.ExpiresIn,
			TokenType:    r.TokenType,
			RefreshToken: r.RefreshToken,
			IdToken:      r.IDToken,
		}
		if d := r.NewDevice; d != nil {
			out.AuthenticationResult.NewDeviceMetadata = &NewDeviceMetadataType{DeviceKey: d.DeviceKey, DeviceGroupKey: d.DeviceGroupKey}
		}
	}
	return out
}

func authResult(o *userpool.AuthOutput, err error) (*AuthOutput, error) {
	if err != nil {
		return nil, err
	}
	return toAuthOutput(o), nil
}

func (h *Handler) initiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return authResult(h.svc.InitiateAuth(ctx, userpool.InitiateAuthInput{
		ClientID: in.ClientId, AuthFlow: in.AuthFlow, AuthParameters: in.AuthParameters,
	}))
}

func (h *Handler) respondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return authResult(h.svc.RespondToAuthChallenge(ctx, userpool.RespondInput{
		ClientID: in.ClientId, ChallengeName: in.ChallengeName, Responses: in.ChallengeResponses, Session: uStr(in.Session),
	}))
}

func (h *Handler) adminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return authResult(h.svc.InitiateAuth(ctx, userpool.InitiateAuthInput{
		Admin: true, PoolID: in.UserPoolId, ClientID: in.ClientId, AuthFlow: in.AuthFlow, AuthParameters: in.AuthParameters,
	}))
}

func (h *Handler) adminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	ctx = withTrigger(ctx, in.ClientMetadata, nil)
	return authResult(h.svc.RespondToAuthChallenge(ctx, userpool.RespondInput{
		Admin: true, PoolID: in.UserPoolId, ClientID: in.ClientId, ChallengeName: in.ChallengeName,
		Responses: in.ChallengeResponses, Session: uStr(in.Session),
	}))
}
