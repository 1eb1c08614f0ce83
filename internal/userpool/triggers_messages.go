package userpool

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"io"

	"userpool/internal/store"
)

// Messages through CustomMessage, CustomEmailSender and CustomSMSSender.
//
// Every code or temporary password the pool delivers (sign-up, resend,
// forgot password, attribute update and verification, invitation) goes
// through sendMessage:
//
//   - with CustomEmailSender (EMAIL) or CustomSMSSender (SMS) configured,
//     the sender function gets the code and userpool sends nothing itself.
//     Cognito encrypts the code with the AWS Encryption SDK under the
//     pool's KMSKeyID; there is no KMS here, so the code is either
//     base64(nonce ‖ AES-256-GCM(code)) under TriggerOptions.CodeKey with
//     the pool id as additional data, or, without a key, the code in
//     plaintext (a documented difference). Cognito invokes these
//     asynchronously: a failure is logged, never the API's answer.
//   - otherwise, with CustomMessage configured, the function gets
//     codeParameter "{####}" (and usernameParameter "{username}" for an
//     invitation; null otherwise; linkParameter "{##Click Here##}") and its
//     smsMessage / emailMessage / emailSubject replace the pool's templates
//     (a null member keeps the template); the placeholders are filled by
//     the Sender. Its failure is the API's answer.

// Trigger sources of the message triggers (the suffix after
// CustomMessage_ / CustomEmailSender_ / CustomSMSSender_).
const (
	msgSrcSignUp              = "SignUp"
	msgSrcAdminCreateUser     = "AdminCreateUser"
	msgSrcResendCode          = "ResendCode"
	msgSrcForgotPassword      = "ForgotPassword"
	msgSrcUpdateUserAttribute = "UpdateUserAttribute"
	msgSrcVerifyUserAttribute = "VerifyUserAttribute"
	msgSrcAuthentication      = "Authentication"
)

// messageSource names the message trigger source of a delivery: the
// Message purpose, refined by whether the send is a limited (user-asked)
// one — ResendConfirmationCode and GetUserAttributeVerificationCode are
// the limited sends of their purposes.
func messageSource(purpose string, limited bool) string {
	switch purpose {
	case MessageSignUp:
		if limited {
			return msgSrcResendCode
		}
		return msgSrcSignUp
	case MessageForgotPassword:
		return msgSrcForgotPassword
	case MessageVerifyAttribute:
		if limited {
			return msgSrcVerifyUserAttribute
		}
		return msgSrcUpdateUserAttribute
	case "invite":
		return msgSrcAdminCreateUser
	case "mfa":
		return msgSrcAuthentication
	}
	return msgSrcSignUp
}

type limitedSendKey struct{}

// withLimitedSend marks the delivery as a user-asked (limited) send.
func withLimitedSend(ctx context.Context) context.Context {
	return context.WithValue(ctx, limitedSendKey{}, true)
}

type customMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	LinkParameter     string            `json:"linkParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

type customMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

type customSenderRequest struct {
	Type           string            `json:"type"`
	Code           *string           `json:"code"`
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// sendMessage delivers m to u through the pool's message triggers and the
// Sender. A trigger failure is returned as a *Error of a Lambda kind; a
// Sender failure as it is.
func (s *Service) sendMessage(ctx context.Context, p *Pool, u store.User, m Message) error {
	lc := s.triggersOf(p)
	clientID := messageClientOf(ctx)
	if lc == nil {
		return s.sender.Send(ctx, m)
	}
	limited, _ := ctx.Value(limitedSendKey{}).(bool)
	src := messageSource(m.Purpose, limited)
	md := triggerRequestOf(ctx).ClientMetadata
	sender, typ := trigCustomEmailSender, "customEmailSenderRequestV1"
	if m.Medium == "SMS" {
		sender, typ = trigCustomSMSSender, "customSMSSenderRequestV1"
	}
	if fn := lc.function(sender); fn != "" {
		code, err := s.sealTriggerCode(p, m.Code)
		if err != nil {
			return err
		}
		ev := s.newEvent(ctx, p, clientID, sender+"_"+src, u.Username, customSenderRequest{
			Type: typ, Code: code, UserAttributes: eventAttributes(p, u), ClientMetadata: md,
		}, struct{}{})
		if err := s.invokeTrigger(ctx, sender, fn, ev, nil); err != nil {
			s.log.Error("custom sender trigger failed", "pool", p.ID, "trigger", sender, "err", err)
		}
		return nil
	}
	if fn := lc.function(trigCustomMessage); fn != "" {
		var userParam *string
		if src == msgSrcAdminCreateUser {
			v := "{username}"
			userParam = &v
		}
		ev := s.newEvent(ctx, p, clientID, trigCustomMessage+"_"+src, u.Username, customMessageRequest{
			UserAttributes: eventAttributes(p, u), CodeParameter: "{####}", LinkParameter: "{##Click Here##}",
			UsernameParameter: userParam, ClientMetadata: md,
		}, customMessageResponse{})
		var r customMessageResponse
		if err := s.invokeTrigger(ctx, trigCustomMessage, fn, ev, &r); err != nil {
			return err
		}
		if m.Medium == "SMS" {
			if r.SMSMessage != nil {
				m.Body = *r.SMSMessage
			}
		} else {
			if r.EmailMessage != nil {
				m.Body = *r.EmailMessage
			}
			if r.EmailSubject != nil {
				m.Subject = *r.EmailSubject
			}
		}
	}
	return s.sender.Send(ctx, m)
}

type messageClientKey struct{}

// withMessageClient names the app client of the call whose messages
// follow (callerContext.clientId of the message triggers).
func withMessageClient(ctx context.Context, clientID string) context.Context {
	return context.WithValue(ctx, messageClientKey{}, clientID)
}

func messageClientOf(ctx context.Context) string {
	id, _ := ctx.Value(messageClientKey{}).(string)
	return id
}

// sealTriggerCode is the code member of a custom sender event (see the
// top of this file).
func (s *Service) sealTriggerCode(p *Pool, code string) (*string, error) {
	if code == "" {
		return nil, nil
	}
	if len(s.trig.CodeKey) == 0 {
		return &code, nil
	}
	block, err := aes.NewCipher(s.trig.CodeKey)
	if err != nil {
		return nil, Internal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, Internal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, Internal(err)
	}
	out := base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(code), []byte(p.ID)))
	return &out, nil
}

// isTriggerError reports whether err is a Lambda trigger failure (to be
// answered as it is, not as a delivery failure).
func isTriggerError(err error) bool {
	switch KindOf(err) {
	case KindUserLambdaValidation, KindUnexpectedLambda, KindInvalidLambdaResponse:
		return true
	}
	return false
}

// OpenTriggerCode opens a code sealed for a custom sender trigger under
// key (TriggerOptions.CodeKey) for pool poolID: what a function given the
// same key does in place of the AWS Encryption SDK's decrypt.
func OpenTriggerCode(key []byte, poolID, sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if len(b) < aead.NonceSize() {
		return "", errors.New("userpool: sealed code too short")
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(poolID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
