package cognitoidp

import (
	"context"
	"encoding/json"

	"userpool/internal/awsjson"
)

// Passkey management (userpool/webauthn.go): StartWebAuthnRegistration,
// CompleteWebAuthnRegistration, ListWebAuthnCredentials,
// DeleteWebAuthnCredential, each authenticated by the user's access token.

type startWebAuthnRegistrationOutput struct {
	// CredentialCreationOptions is a JSON document (an object, not a string).
	CredentialCreationOptions json.RawMessage `json:"CredentialCreationOptions"`
}

type completeWebAuthnRegistrationInput struct {
	AccessToken string     `cg:"req,re=token,sensitive"`
	Credential  jsonObject `cg:"req"`
}

type listWebAuthnCredentialsInput struct {
	AccessToken string  `cg:"req,re=token,sensitive"`
	NextToken   *string `cg:"len=1:,re=nonSpace"`
	MaxResults  *int    `cg:"range=0:20"`
}

// webAuthnCredentialDescription is WebAuthnCredentialDescription.
type webAuthnCredentialDescription struct {
	CredentialId            string       `json:"CredentialId"`
	FriendlyCredentialName  string       `json:"FriendlyCredentialName"`
	RelyingPartyId          string       `json:"RelyingPartyId"`
	AuthenticatorAttachment string       `json:"AuthenticatorAttachment,omitempty"`
	AuthenticatorTransports []string     `json:"AuthenticatorTransports"`
	CreatedAt               awsjson.Time `json:"CreatedAt"`
}

type listWebAuthnCredentialsOutput struct {
	Credentials []webAuthnCredentialDescription `json:"Credentials"`
	NextToken   string                          `json:"NextToken,omitempty"`
}

type deleteWebAuthnCredentialInput struct {
	AccessToken  string `cg:"req,re=token,sensitive"`
	CredentialId string `cg:"req"`
}

func (h *Handler) startWebAuthnRegistration(ctx context.Context, in *AccessTokenInput) (*startWebAuthnRegistrationOutput, error) {
	opts, err := h.svc.StartWebAuthnRegistration(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &startWebAuthnRegistrationOutput{CredentialCreationOptions: opts}, nil
}

func (h *Handler) completeWebAuthnRegistration(ctx context.Context, in *completeWebAuthnRegistrationInput) (*struct{}, error) {
	return &struct{}{}, h.svc.CompleteWebAuthnRegistration(ctx, in.AccessToken, json.RawMessage(in.Credential))
}

func (h *Handler) listWebAuthnCredentials(ctx context.Context, in *listWebAuthnCredentialsInput) (*listWebAuthnCredentialsOutput, error) {
	next, max := "", 0
	if in.NextToken != nil {
		next = *in.NextToken
	}
	if in.MaxResults != nil {
		max = *in.MaxResults
	}
	creds, tok, err := h.svc.ListWebAuthnCredentials(ctx, in.AccessToken, next, max)
	if err != nil {
		return nil, err
	}
	out := &listWebAuthnCredentialsOutput{Credentials: []webAuthnCredentialDescription{}, NextToken: tok}
	for _, c := range creds {
		out.Credentials = append(out.Credentials, webAuthnCredentialDescription{
			CredentialId: c.CredentialID, FriendlyCredentialName: c.FriendlyCredentialName, RelyingPartyId: c.RelyingPartyID,
			AuthenticatorAttachment: c.AuthenticatorAttachment, AuthenticatorTransports: c.AuthenticatorTransports,
			CreatedAt: awsjson.Time{Time: c.CreatedAt},
		})
	}
	return out, nil
}

func (h *Handler) deleteWebAuthnCredential(ctx context.Context, in *deleteWebAuthnCredentialInput) (*struct{}, error) {
	return &struct{}{}, h.svc.DeleteWebAuthnCredential(ctx, in.AccessToken, in.CredentialId)
}
