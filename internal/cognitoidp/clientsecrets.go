package cognitoidp

import (
	"context"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// Client secrets: AddUserPoolClientSecret, DeleteUserPoolClientSecret,
// ListUserPoolClientSecrets (userpool/clientsecrets.go). A confidential
// client holds up to two secrets; the value is returned only by Add, and
// only when the server generated it.

type addUserPoolClientSecretInput struct {
	UserPoolId   *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientId     *string `json:"ClientId" cg:"req,len=1:128,re=clientId,sensitive"`
	ClientSecret *string `json:"ClientSecret" cg:"len=24:64,re=clientSecret,sensitive"`
}

type deleteUserPoolClientSecretInput struct {
	UserPoolId     *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientId       *string `json:"ClientId" cg:"req,len=1:128,re=clientId,sensitive"`
	ClientSecretId *string `json:"ClientSecretId" cg:"req,len=1:128"`
}

type listUserPoolClientSecretsInput struct {
	UserPoolId *string `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	ClientId   *string `json:"ClientId" cg:"req,len=1:128,re=clientId,sensitive"`
	NextToken  *string `json:"NextToken" cg:"len=1:,re=nonSpace"`
}

// clientSecretDescriptorType is ClientSecretDescriptorType.
type clientSecretDescriptorType struct {
	ClientSecretId         string        `json:"ClientSecretId"`
	ClientSecretValue      string        `json:"ClientSecretValue,omitempty"`
	ClientSecretCreateDate *awsjson.Time `json:"ClientSecretCreateDate,omitempty"`
}

type addUserPoolClientSecretOutput struct {
	ClientSecretDescriptor *clientSecretDescriptorType `json:"ClientSecretDescriptor"`
}

type listUserPoolClientSecretsOutput struct {
	ClientSecrets []clientSecretDescriptorType `json:"ClientSecrets"`
}

func secretDescriptor(s userpool.ClientSecret) clientSecretDescriptorType {
	return clientSecretDescriptorType{ClientSecretId: s.ID, ClientSecretValue: s.Value, ClientSecretCreateDate: awsjson.NewTime(s.CreatedAt)}
}

func (h *Handler) addUserPoolClientSecret(ctx context.Context, in *addUserPoolClientSecretInput) (*addUserPoolClientSecretOutput, error) {
	s, err := h.svc.AddClientSecret(ctx, unptr(in.UserPoolId), unptr(in.ClientId), unptr(in.ClientSecret))
	if err != nil {
		return nil, err
	}
	d := secretDescriptor(s)
	return &addUserPoolClientSecretOutput{ClientSecretDescriptor: &d}, nil
}

func (h *Handler) deleteUserPoolClientSecret(ctx context.Context, in *deleteUserPoolClientSecretInput) (*struct{}, error) {
	return nil, h.svc.DeleteClientSecret(ctx, unptr(in.UserPoolId), unptr(in.ClientId), unptr(in.ClientSecretId))
}

// listUserPoolClientSecrets answers every secret in one page (Cognito: "there
// are only 2 secrets at any given time and we return both"); a NextToken is
// accepted and ignored. Values are never listed.
func (h *Handler) listUserPoolClientSecrets(ctx context.Context, in *listUserPoolClientSecretsInput) (*listUserPoolClientSecretsOutput, error) {
	list, err := h.svc.ListClientSecrets(ctx, unptr(in.UserPoolId), unptr(in.ClientId))
	if err != nil {
		return nil, err
	}
	out := &listUserPoolClientSecretsOutput{ClientSecrets: make([]clientSecretDescriptorType, 0, len(list))}
	for _, s := range list {
		d := secretDescriptor(s)
		d.ClientSecretValue = ""
		out.ClientSecrets = append(out.ClientSecrets, d)
	}
	return out, nil
}
