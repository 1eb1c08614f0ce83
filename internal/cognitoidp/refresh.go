package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// GetTokensFromRefreshToken (unsigned, authorised by the app client and the
// refresh token in the body): new ID and access tokens, and with the app
// client's refresh-token rotation a new refresh token (userpool/refresh.go).

// GetTokensFromRefreshTokenInput is the input of GetTokensFromRefreshToken.
type GetTokensFromRefreshTokenInput struct {
	RefreshToken   string            `cg:"req,re=token,sensitive"`
	ClientId       string            `cg:"req,len=1:128,re=clientId,sensitive"`
	ClientSecret   *string           `cg:"len=1:64,re=clientSecret,sensitive"`
	DeviceKey      *string           `cg:"len=1:55,re=deviceKey"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// GetTokensFromRefreshTokenOutput is its output: an AuthenticationResult
// with RefreshToken only under rotation, NewDeviceMetadata only when a
// device-tracking pool proposes a device.
type GetTokensFromRefreshTokenOutput struct {
	AuthenticationResult *AuthenticationResultType `json:"AuthenticationResult,omitempty"`
}

func (h *Handler) getTokensFromRefreshToken(ctx context.Context, in *GetTokensFromRefreshTokenInput) (*GetTokensFromRefreshTokenOutput, error) {
	r, err := h.svc.GetTokensFromRefreshToken(ctx, userpool.GetTokensFromRefreshTokenInput{
		ClientID:       in.ClientId,
		RefreshToken:   in.RefreshToken,
		ClientSecret:   uStr(in.ClientSecret),
		DeviceKey:      uStr(in.DeviceKey),
		ClientMetadata: in.ClientMetadata,
	})
	if err != nil {
		return nil, err
	}
	return &GetTokensFromRefreshTokenOutput{
		AuthenticationResult: toAuthOutput(&userpool.AuthOutput{Result: r}).AuthenticationResult,
	}, nil
}
