package cognitoidp

import (
	"context"
)

// Token operations: GetUser and GlobalSignOut (access token), RevokeToken
// (refresh token + app client, unsigned), AdminUserGlobalSignOut (SigV4).

// AccessTokenInput is the input of the operations authorised by an access
// token alone (GetUser, GlobalSignOut).
type AccessTokenInput struct {
	AccessToken string `cg:"req,re=token,sensitive"`
}

// GetUserOutput is the output of GetUser.
type GetUserOutput struct {
	Username            string          `json:"Username"`
	UserAttributes      []AttributeType `json:"UserAttributes"`
	MFAOptions          []MFAOptionType `json:"MFAOptions,omitempty"`
	PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
}

// AdminUserGlobalSignOutInput is the input of AdminUserGlobalSignOut.
type AdminUserGlobalSignOutInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Username   string `cg:"req,len=1:128,re=username,sensitive"`
}

// RevokeTokenInput is the input of RevokeToken.
type RevokeTokenInput struct {
	Token        string  `cg:"req,re=token,sensitive"`
	ClientId     string  `cg:"req,len=1:128,re=clientId,sensitive"`
	ClientSecret *string `cg:"len=1:64,re=clientSecret,sensitive"`
}

func (h *Handler) getUser(ctx context.Context, in *AccessTokenInput) (*GetUserOutput, error) {
	v, err := h.svc.GetUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &GetUserOutput{
		Username:            v.Username,
		UserAttributes:      toAttributes(v.Attributes(nil)),
		MFAOptions:          toMFAOptions(v.MFA.Options),
		PreferredMfaSetting: v.MFA.Preferred,
		UserMFASettingList:  v.MFA.Enabled,
	}, nil
}

func (h *Handler) globalSignOut(ctx context.Context, in *AccessTokenInput) (*struct{}, error) {
	return nil, h.svc.GlobalSignOut(ctx, in.AccessToken)
}

func (h *Handler) adminUserGlobalSignOut(ctx context.Context, in *AdminUserGlobalSignOutInput) (*struct{}, error) {
	return nil, h.svc.AdminUserGlobalSignOut(ctx, in.UserPoolId, in.Username)
}

func (h *Handler) revokeToken(ctx context.Context, in *RevokeTokenInput) (*struct{}, error) {
	return nil, h.svc.RevokeToken(ctx, in.ClientId, uStr(in.ClientSecret), in.Token)
}
