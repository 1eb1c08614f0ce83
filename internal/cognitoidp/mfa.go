package cognitoidp

import (
	"context"
	"encoding/json"

	"userpool/internal/userpool"
)

// MFA operations: AssociateSoftwareToken and VerifySoftwareToken (access
// token or MFA_SETUP Session, unsigned), SetUserMFAPreference (access
// token), SetUserPoolMfaConfig and GetUserPoolMfaConfig (SigV4).

// AssociateSoftwareTokenInput is the input of AssociateSoftwareToken.
type AssociateSoftwareTokenInput struct {
	AccessToken *string `cg:"re=token,sensitive"`
	Session     *string `cg:"len=20:2048,sensitive"`
}

// AssociateSoftwareTokenOutput is the output of AssociateSoftwareToken.
type AssociateSoftwareTokenOutput struct {
	SecretCode string `json:"SecretCode"`
	Session    string `json:"Session,omitempty"`
}

// VerifySoftwareTokenInput is the input of VerifySoftwareToken.
type VerifySoftwareTokenInput struct {
	AccessToken        *string `cg:"re=token,sensitive"`
	Session            *string `cg:"len=20:2048,sensitive"`
	UserCode           string  `cg:"req,len=6:6,re=digits,sensitive"`
	FriendlyDeviceName *string `json:"FriendlyDeviceName"`
}

// VerifySoftwareTokenOutput is the output of VerifySoftwareToken.
type VerifySoftwareTokenOutput struct {
	Status  string `json:"Status"`
	Session string `json:"Session,omitempty"`
}

// SetUserMFAPreferenceInput is the input of SetUserMFAPreference.
type SetUserMFAPreferenceInput struct {
	SMSMfaSettings           *MfaSettingsType         `json:"SMSMfaSettings"`
	SoftwareTokenMfaSettings *MfaSettingsType         `json:"SoftwareTokenMfaSettings"`
	EmailMfaSettings         *MfaSettingsType         `json:"EmailMfaSettings"`
	WebAuthnMfaSettings      *WebAuthnMfaSettingsType `json:"WebAuthnMfaSettings"`
	AccessToken              string                   `cg:"req,re=token,sensitive"`
}

// SmsConfigurationType is echoed verbatim except for its required ARN.
type SmsConfigurationType struct {
	SnsCallerArn string `cg:"req,len=20:2048,re=arn"`
	ExternalId   *string
	SnsRegion    *string
}

// SmsMfaConfigType is the SMS part of a pool's MFA configuration.
type SmsMfaConfigType struct {
	SmsAuthenticationMessage *string    `cg:"len=6:140"`
	SmsConfiguration         jsonObject `json:"SmsConfiguration"`
}

// SoftwareTokenMfaConfigType switches TOTP MFA for a pool.
type SoftwareTokenMfaConfigType struct {
	Enabled bool `json:"Enabled"`
}

// SetUserPoolMfaConfigInput is the input of SetUserPoolMfaConfig.
type SetUserPoolMfaConfigInput struct {
	UserPoolId                    string                      `cg:"req,len=1:55,re=poolId"`
	SmsMfaConfiguration           *SmsMfaConfigType           `cg:"dive"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration"`
	EmailMfaConfiguration         jsonObject                  `json:"EmailMfaConfiguration"`
	MfaConfiguration              *string                     `cg:"enum=OFF|ON|OPTIONAL"`
	WebAuthnConfiguration         jsonObject                  `json:"WebAuthnConfiguration"`
}

// GetUserPoolMfaConfigInput is the input of GetUserPoolMfaConfig.
type GetUserPoolMfaConfigInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

// UserPoolMfaConfigOutput is the output of SetUserPoolMfaConfig and GetUserPoolMfaConfig.
type UserPoolMfaConfigOutput struct {
	SmsMfaConfiguration           *smsMfaConfigOut            `json:"SmsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration,omitempty"`
	EmailMfaConfiguration         json.RawMessage             `json:"EmailMfaConfiguration,omitempty"`
	MfaConfiguration              string                      `json:"MfaConfiguration"`
	WebAuthnConfiguration         json.RawMessage             `json:"WebAuthnConfiguration,omitempty"`
}

type smsMfaConfigOut struct {
	SmsAuthenticationMessage string          `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration         json.RawMessage `json:"SmsConfiguration,omitempty"`
}

func toMfaConfigOutput(c *userpool.PoolMfaConfig) *UserPoolMfaConfigOutput {
	out := &UserPoolMfaConfigOutput{
		SoftwareTokenMfaConfiguration: &SoftwareTokenMfaConfigType{Enabled: c.SoftwareTokenEnabled},
		EmailMfaConfiguration:         c.Email,
		MfaConfiguration:              c.MfaConfiguration,
		WebAuthnConfiguration:         c.WebAuthn,
	}
	if c.SMS != nil {
		out.SmsMfaConfiguration = &smsMfaConfigOut{SmsAuthenticationMessage: c.SMS.SmsAuthenticationMessage, SmsConfiguration: c.SMS.SmsConfiguration}
	}
	return out
}

// checkSmsConfiguration validates the SmsConfiguration member (kept raw so
// that it is echoed as sent).
func checkSmsConfiguration(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var sc SmsConfigurationType
	if err := json.Unmarshal(raw, &sc); err != nil {
		return userpool.Errorf(userpool.KindInvalidParameter, "Invalid SmsConfiguration.")
	}
	if msg := validate(&sc); msg != "" {
		return userpool.Errorf(userpool.KindInvalidParameter, "%s", msg)
	}
	return nil
}

func (h *Handler) associateSoftwareToken(ctx context.Context, in *AssociateSoftwareTokenInput) (*AssociateSoftwareTokenOutput, error) {
	a, err := h.svc.AssociateSoftwareToken(ctx, uStr(in.AccessToken), uStr(in.Session))
	if err != nil {
		return nil, err
	}
	return &AssociateSoftwareTokenOutput{SecretCode: a.SecretCode, Session: a.Session}, nil
}

func (h *Handler) verifySoftwareToken(ctx context.Context, in *VerifySoftwareTokenInput) (*VerifySoftwareTokenOutput, error) {
	v, err := h.svc.VerifySoftwareToken(ctx, uStr(in.AccessToken), uStr(in.Session), in.UserCode)
	if err != nil {
		return nil, err
	}
	return &VerifySoftwareTokenOutput{Status: v.Status, Session: v.Session}, nil
}

func (h *Handler) setUserMFAPreference(ctx context.Context, in *SetUserMFAPreferenceInput) (*struct{}, error) {
	return nil, h.svc.SetUserMFAPreference(ctx, in.AccessToken, userpool.MFAPreference{
		SMS:   mfaSetting(in.SMSMfaSettings),
		TOTP:  mfaSetting(in.SoftwareTokenMfaSettings),
		Email: mfaSetting(in.EmailMfaSettings),
	})
}

func (h *Handler) setUserPoolMfaConfig(ctx context.Context, in *SetUserPoolMfaConfigInput) (*UserPoolMfaConfigOutput, error) {
	cfg := userpool.PoolMfaConfigInput{
		MfaConfiguration: uStr(in.MfaConfiguration),
		Email:            json.RawMessage(in.EmailMfaConfiguration),
		WebAuthn:         json.RawMessage(in.WebAuthnConfiguration),
	}
	if in.SoftwareTokenMfaConfiguration != nil {
		cfg.SoftwareTokenEnabled = &in.SoftwareTokenMfaConfiguration.Enabled
	}
	if s := in.SmsMfaConfiguration; s != nil {
		if err := checkSmsConfiguration(json.RawMessage(s.SmsConfiguration)); err != nil {
			return nil, err
		}
		cfg.SMS = &userpool.SmsMfaConfig{SmsAuthenticationMessage: uStr(s.SmsAuthenticationMessage), SmsConfiguration: json.RawMessage(s.SmsConfiguration)}
	}
	c, err := h.svc.SetUserPoolMfaConfig(ctx, in.UserPoolId, cfg)
	if err != nil {
		return nil, err
	}
	return toMfaConfigOutput(c), nil
}

func (h *Handler) getUserPoolMfaConfig(ctx context.Context, in *GetUserPoolMfaConfigInput) (*UserPoolMfaConfigOutput, error) {
	c, err := h.svc.GetUserPoolMfaConfig(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return toMfaConfigOutput(c), nil
}
