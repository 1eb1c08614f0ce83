package cognitoidp

import (
	"context"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// App client operations: CreateUserPoolClient, DescribeUserPoolClient,
// ListUserPoolClients, UpdateUserPoolClient, DeleteUserPoolClient.

// ---------------------------------------------------------------- shapes

type tokenValidityUnitsType struct {
	AccessToken  *string `json:"AccessToken,omitempty" cg:"enum=seconds|minutes|hours|days"`
	IdToken      *string `json:"IdToken,omitempty" cg:"enum=seconds|minutes|hours|days"`
	RefreshToken *string `json:"RefreshToken,omitempty" cg:"enum=seconds|minutes|hours|days"`
}

type analyticsConfigurationType struct {
	ApplicationId  *string `json:"ApplicationId,omitempty" cg:"re=hexString"`
	ApplicationArn *string `json:"ApplicationArn,omitempty" cg:"len=20:2048,re=arn"`
	RoleArn        *string `json:"RoleArn,omitempty" cg:"len=20:2048,re=arn"`
	ExternalId     *string `json:"ExternalId,omitempty"`
	UserDataShared *bool   `json:"UserDataShared,omitempty"`
}

type refreshTokenRotationType struct {
	Feature                 *string `json:"Feature,omitempty" cg:"req,enum=ENABLED|DISABLED"`
	RetryGracePeriodSeconds *int    `json:"RetryGracePeriodSeconds,omitempty" cg:"range=0:60"`
}

// clientConfig is the set of members CreateUserPoolClient and
// UpdateUserPoolClient share, embedded in both inputs (JSON decoding and the
// cg validator treat its members as the embedding shape's own, in place).
type clientConfig struct {
	RefreshTokenValidity                     *int64                      `json:"RefreshTokenValidity" cg:"range=0:315360000"`
	AccessTokenValidity                      *int64                      `json:"AccessTokenValidity" cg:"range=1:86400"`
	IdTokenValidity                          *int64                      `json:"IdTokenValidity" cg:"range=1:86400"`
	TokenValidityUnits                       *tokenValidityUnitsType     `json:"TokenValidityUnits" cg:"dive"`
	ReadAttributes                           []string                    `json:"ReadAttributes"`
	WriteAttributes                          []string                    `json:"WriteAttributes"`
	ExplicitAuthFlows                        []string                    `json:"ExplicitAuthFlows" cg:"enum=ADMIN_NO_SRP_AUTH|CUSTOM_AUTH_FLOW_ONLY|USER_PASSWORD_AUTH|ALLOW_ADMIN_USER_PASSWORD_AUTH|ALLOW_CUSTOM_AUTH|ALLOW_USER_PASSWORD_AUTH|ALLOW_USER_SRP_AUTH|ALLOW_REFRESH_TOKEN_AUTH|ALLOW_USER_AUTH"`
	SupportedIdentityProviders               []string                    `json:"SupportedIdentityProviders" cg:"re=providerName"`
	CallbackURLs                             []string                    `json:"CallbackURLs" cg:"len=0:100,re=redirectUrl"`
	LogoutURLs                               []string                    `json:"LogoutURLs" cg:"len=0:100,re=redirectUrl"`
	DefaultRedirectURI                       *string                     `json:"DefaultRedirectURI" cg:"len=1:1024,re=redirectUrl"`
	AllowedOAuthFlows                        []string                    `json:"AllowedOAuthFlows" cg:"len=0:3,enum=code|implicit|client_credentials"`
	AllowedOAuthScopes                       []string                    `json:"AllowedOAuthScopes" cg:"len=:50,re=scope"`
	AllowedOAuthFlowsUserPoolClient          *bool                       `json:"AllowedOAuthFlowsUserPoolClient"`
	AnalyticsConfiguration                   *analyticsConfigurationType `json:"AnalyticsConfiguration" cg:"dive"`
	PreventUserExistenceErrors               *string                     `json:"PreventUserExistenceErrors" cg:"enum=LEGACY|ENABLED"`
	EnableTokenRevocation                    *bool                       `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData *bool                       `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      *int                        `json:"AuthSessionValidity" cg:"range=3:15"`
	RefreshTokenRotation                     *refreshTokenRotationType   `json:"RefreshTokenRotation" cg:"dive"`
}

type createUserPoolClientInput struct {
	UserPoolId     *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientName     *string `json:"ClientName" cg:"req,len=1:128,re=clientName"`
	GenerateSecret *bool   `json:"GenerateSecret"`
	ClientSecret   *string `json:"ClientSecret" cg:"len=24:64,re=clientSecret,sensitive"`
	clientConfig
}

// updateUserPoolClientInput names the client; ClientName is optional.
type updateUserPoolClientInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientId   *string `json:"ClientId" cg:"req,len=1:128,re=clientId,sensitive"`
	ClientName *string `json:"ClientName" cg:"len=1:128,re=clientName"`
	clientConfig
}

type userPoolClientIDInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientId   *string `json:"ClientId" cg:"req,len=1:128,re=clientId,sensitive"`
}

type listUserPoolClientsInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	MaxResults *int    `json:"MaxResults" cg:"range=1:60"`
	NextToken  *string `json:"NextToken" cg:"len=1:131072,re=nonSpace"`
}

// userPoolClientType is UserPoolClientType, members in the model's order:
// the client's identity, then its settings, which the domain keeps under
// Cognito's member names and omission rules.
type userPoolClientType struct {
	UserPoolId       string        `json:"UserPoolId"`
	ClientName       string        `json:"ClientName"`
	ClientId         string        `json:"ClientId"`
	ClientSecret     string        `json:"ClientSecret,omitempty"`
	LastModifiedDate *awsjson.Time `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time `json:"CreationDate,omitempty"`
	userpool.ClientSettings
}

type userPoolClientOutput struct {
	UserPoolClient *userPoolClientType `json:"UserPoolClient,omitempty"`
}

type userPoolClientDescription struct {
	ClientId   string `json:"ClientId"`
	UserPoolId string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

type listUserPoolClientsOutput struct {
	UserPoolClients []userPoolClientDescription `json:"UserPoolClients"`
	NextToken       *string                     `json:"NextToken,omitempty"`
}

// ---------------------------------------------------------------- conversion

// toDomain converts the shared members; the caller adds name and secret.
func (f *clientConfig) toDomain() userpool.ClientInput {
	ci := userpool.ClientInput{
		RefreshTokenValidity:                     f.RefreshTokenValidity,
		AccessTokenValidity:                      f.AccessTokenValidity,
		IdTokenValidity:                          f.IdTokenValidity,
		ReadAttributes:                           f.ReadAttributes,
		WriteAttributes:                          f.WriteAttributes,
		ExplicitAuthFlows:                        f.ExplicitAuthFlows,
		SupportedIdentityProviders:               f.SupportedIdentityProviders,
		CallbackURLs:                             f.CallbackURLs,
		LogoutURLs:                               f.LogoutURLs,
		DefaultRedirectURI:                       unptr(f.DefaultRedirectURI),
		AllowedOAuthFlows:                        f.AllowedOAuthFlows,
		AllowedOAuthScopes:                       f.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient:          unptr(f.AllowedOAuthFlowsUserPoolClient),
		AnalyticsConfiguration:                   echoJSON(f.AnalyticsConfiguration),
		PreventUserExistenceErrors:               unptr(f.PreventUserExistenceErrors),
		EnableTokenRevocation:                    f.EnableTokenRevocation,
		EnablePropagateAdditionalUserContextData: f.EnablePropagateAdditionalUserContextData,
		AuthSessionValidity:                      f.AuthSessionValidity,
		RefreshTokenRotation:                     echoJSON(f.RefreshTokenRotation),
	}
	if u := f.TokenValidityUnits; u != nil {
		ci.TokenValidityUnits = &userpool.TokenValidityUnits{
			AccessToken:  unptr(u.AccessToken),
			IdToken:      unptr(u.IdToken),
			RefreshToken: unptr(u.RefreshToken),
		}
	}
	return ci
}

func clientOut(c *userpool.Client) *userPoolClientType {
	out := &userPoolClientType{
		UserPoolId:       c.PoolID,
		ClientName:       c.Name,
		ClientId:         c.ID,
		ClientSecret:     c.Secret,
		LastModifiedDate: awsjson.NewTime(c.UpdatedAt),
		CreationDate:     awsjson.NewTime(c.CreatedAt),
		ClientSettings:   c.Settings,
	}
	// The domain keeps an explicitly empty list (no flows, not the
	// defaults); the answer omits it like any empty list.
	if len(out.ExplicitAuthFlows) == 0 {
		out.ExplicitAuthFlows = nil
	}
	return out
}

// ---------------------------------------------------------------- handlers

func (h *Handler) createUserPoolClient(ctx context.Context, in *createUserPoolClientInput) (*userPoolClientOutput, error) {
	ci := in.clientConfig.toDomain()
	ci.Name = unptr(in.ClientName)
	ci.GenerateSecret = unptr(in.GenerateSecret)
	ci.Secret = unptr(in.ClientSecret)
	c, err := h.svc.CreateClient(ctx, unptr(in.UserPoolId), ci)
	if err != nil {
		return nil, err
	}
	return &userPoolClientOutput{UserPoolClient: clientOut(c)}, nil
}

func (h *Handler) describeUserPoolClient(ctx context.Context, in *userPoolClientIDInput) (*userPoolClientOutput, error) {
	c, err := h.svc.GetClient(ctx, unptr(in.UserPoolId), unptr(in.ClientId))
	if err != nil {
		return nil, err
	}
	return &userPoolClientOutput{UserPoolClient: clientOut(c)}, nil
}

func (h *Handler) listUserPoolClients(ctx context.Context, in *listUserPoolClientsInput) (*listUserPoolClientsOutput, error) {
	clients, next, err := h.svc.ListClients(ctx, unptr(in.UserPoolId), unptr(in.MaxResults), unptr(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listUserPoolClientsOutput{UserPoolClients: make([]userPoolClientDescription, 0, len(clients))}
	for _, c := range clients {
		out.UserPoolClients = append(out.UserPoolClients, userPoolClientDescription{ClientId: c.ID, UserPoolId: c.PoolID, ClientName: c.Name})
	}
	if next != "" {
		out.NextToken = &next
	}
	return out, nil
}

func (h *Handler) updateUserPoolClient(ctx context.Context, in *updateUserPoolClientInput) (*userPoolClientOutput, error) {
	ci := in.clientConfig.toDomain()
	ci.Name = unptr(in.ClientName)
	c, err := h.svc.UpdateClient(ctx, unptr(in.UserPoolId), unptr(in.ClientId), ci)
	if err != nil {
		return nil, err
	}
	return &userPoolClientOutput{UserPoolClient: clientOut(c)}, nil
}

func (h *Handler) deleteUserPoolClient(ctx context.Context, in *userPoolClientIDInput) (*struct{}, error) {
	if err := h.svc.DeleteClient(ctx, unptr(in.UserPoolId), unptr(in.ClientId)); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
