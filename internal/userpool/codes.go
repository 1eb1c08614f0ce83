package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"userpool/internal/store"
)

// One-time codes: sign-up confirmation, password reset and attribute
// verification.
//
//   - A code is 6 decimal digits drawn uniformly from s.rand (crypto/rand by
//     default), as Cognito's are.
//   - Only a MAC is stored: HMAC-SHA256 under the pool's code key (a random
//     32-byte key stored sealed by the master key, sealing.go) over a
//     length-prefixed context (pool id, username key, purpose, the attribute
//     the code went to and its value at sending time) followed by the code.
//     The context binds a code to one user, one purpose and one destination:
//     a code sent to an old email address does not verify a new one.
//     Comparison is constant-time. With only 10^6 possible codes an unkeyed
//     hash could be ground from a copy of the database in well under a
//     second (issue 13, finding 1); keyed, a copy without the master key
//     cannot test a single guess.
//   - Stored forms: "v2:<attribute>:<hex HMAC>" since then;
//     "v1:<attribute>:<hex SHA-256>" (unkeyed, written before) is still
//     verified, so codes already sent keep working until they are used,
//     replaced or expire (24 hours at most); nothing writes v1 any more.
//   - Lifetimes: sign-up confirmation and attribute verification 24 hours
//     (Cognito: "valid for 24 hours"), password reset 1 hour (Cognito:
//     "valid for one hour").
//   - Single use: the code is deleted by the caller that presents it
//     correctly; store.DeleteCode lets exactly one concurrent caller win, the
//     others get ExpiredCodeException.
//   - Attempts: every presentation counts (atomically, before comparing), so
//     at most MaxCodeAttempts guesses are ever compared per code. After
//     MaxCodeAttempts wrong guesses the code is burned: every further try,
//     right or wrong, answers LimitExceededException "Attempt limit
//     exceeded, please try after some time." until a new code is requested.
//     Cognito models both LimitExceededException and
//     TooManyFailedAttemptsException on these operations; the former is what
//     clients observe for wrong-code floods and is the one every code
//     operation (ConfirmSignUp, ConfirmForgotPassword, VerifyUserAttribute)
//     models, so it is used throughout.
//   - A code that is missing (never sent, already used, replaced by a newer
//     one) or expired answers ExpiredCodeException "Invalid code provided,
//     please request a code again."; a wrong one CodeMismatchException
//     "Invalid verification code provided, please try again.".
//   - Sends: ResendConfirmationCode, ForgotPassword and
//     GetUserAttributeVerificationCode send one user at most MaxCodeSends
//     codes (all three together) in a window of CodeSendWindow that opens
//     at the first send; a further request answers LimitExceededException
//     "Attempt limit exceeded, please try after some time." and sends
//     nothing (the last code stays valid). The count is a store.Code record
//     of its own purpose (Attempts = sends, ExpiresAt = end of the window),
//     so it holds across instances sharing a store. Two instances opening a
//     window at the same moment may each count from one: at most one extra
//     send. Codes sent by SignUp, AdminCreateUser's invitation,
//     UpdateUserAttributes and AdminResetUserPassword are not limited.
//
// Delivery goes through s.sender with Message.Subject/Body set to the pool's
// verification message templates when the pool has them (the "{####}"
// placeholder left in for the sender to substitute; Cognito's
// VerificationMessageTemplate first, then the legacy
// Email/SmsVerificationMessage members), empty otherwise (the sender's
// default text). The response's CodeDeliveryDetails carries a masked
// destination: "a***@e***" for emails, "+*******1234" for phone numbers.

// Code lifetimes, the attempt limit and the send limit.
const (
	SignUpCodeTTL    = 24 * time.Hour
	AttributeCodeTTL = 24 * time.Hour
	ResetCodeTTL     = time.Hour
	MaxCodeAttempts  = 5
	MaxCodeSends     = 5
	CodeSendWindow   = time.Hour
	codeDigits       = 6
)

// Code purposes as stored (store.Code.Purpose).
const (
	purposeSignUp = "signup"
	purposeReset  = "forgot_password"
	// attribute verification: "verify:email", "verify:phone_number"
	purposeVerifyPrefix = "verify:"
	// the count of a user's limited sends (no code: CodeHash is empty)
	purposeSendCount = "sends"
)

// Message purposes (Message.Purpose).
const (
	MessageSignUp          = "signup"
	MessageForgotPassword  = "forgot_password"
	MessageVerifyAttribute = "verify_attribute"
)

// Cognito's code error messages.
const (
	msgVerifyCodeMismatch = "Invalid verification code provided, please try again."
	msgVerifyCodeExpired  = "Invalid code provided, please request a code again."
	msgVerifyCodeLimit    = "Attempt limit exceeded, please try after some time."
)

func errVerifyCodeMismatch() *Error { return Errorf(KindCodeMismatch, msgVerifyCodeMismatch) }
func errVerifyCodeExpired() *Error  { return Errorf(KindExpiredCode, msgVerifyCodeExpired) }
func errVerifyCodeLimit() *Error    { return Errorf(KindLimitExceeded, msgVerifyCodeLimit) }
func errCodeDelivery() *Error       { return Errorf(KindCodeDeliveryFailure, "Unable to deliver the code.") }

// CodeDelivery is CodeDeliveryDetailsType: where a code went (masked).
type CodeDelivery struct {
	Destination    string
	DeliveryMedium string // EMAIL | SMS
	AttributeName  string // email | phone_number
}

// newVerificationCode draws a uniform 6-digit code from s.rand (rejection sampling).
func (s *Service) newVerificationCode() (string, error) {
	const space = 1_000_000
	const limit = (1 << 32) / space * space
	var b [4]byte
	for {
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return "", Internal(err)
		}
		n := binary.BigEndian.Uint32(b[:])
		if n < limit {
			return fmt.Sprintf("%0*d", codeDigits, n%space), nil
		}
	}
}

// writeParts writes each part length-prefixed (4 bytes, big-endian).
func writeParts(w io.Writer, parts []string) {
	for _, part := range parts {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		w.Write(n[:])
		w.Write([]byte(part))
	}
}

// codeDigestV1 is the unkeyed hash of code in its context that codes stored
// before keyed codes carry; it is only verified, never written.
func codeDigestV1(poolID, usernameKey, purpose, attr, dest, code string) string {
	h := sha256.New()
	writeParts(h, []string{"userpool-code-v1", poolID, usernameKey, purpose, attr, dest})
	h.Write([]byte(code))
	return hex.EncodeToString(h.Sum(nil))
}

// codeDigest is the stored MAC of code in its context under the pool's code key.
func codeDigest(key []byte, poolID, usernameKey, purpose, attr, dest, code string) string {
	return hex.EncodeToString(codeMAC(key, []string{"userpool-code-v2", poolID, usernameKey, purpose, attr, dest}, code))
}

// The stored CodeHash is "<version>:<attribute>:<hex digest>": the
// attribute the code was delivered to is needed to know what confirming it
// verifies.
func encodeCodeRecord(attr, digest string) string { return "v2:" + attr + ":" + digest }

func decodeCodeRecord(rec string) (version, attr, digest string, ok bool) {
	version, rest, ok := strings.Cut(rec, ":")
	if !ok || version != "v1" && version != "v2" {
		return "", "", "", false
	}
	attr, digest, ok = strings.Cut(rest, ":")
	return version, attr, digest, ok
}

// issueVerificationCode creates (or replaces) the user's code for purpose, bound to the
// destination attribute attr (may be "" when the code is not delivered to
// an attribute), and returns the plaintext code for delivery.
func (s *Service) issueVerificationCode(ctx context.Context, p *Pool, u store.User, purpose, attr string, ttl time.Duration) (string, error) {
	code, err := s.newVerificationCode()
	if err != nil {
		return "", err
	}
	key, err := s.codeKey(ctx, p.ID, true)
	if err != nil {
		return "", Internal(err)
	}
	now := s.nowUTC()
	err = s.store.PutCode(ctx, store.Code{
		PoolID:      p.ID,
		UsernameKey: u.UsernameKey,
		Purpose:     purpose,
		CodeHash:    encodeCodeRecord(attr, codeDigest(key, p.ID, u.UsernameKey, purpose, attr, u.Attributes[attr], code)),
		CreatedAt:   now,
		ExpiresAt:   now.Add(ttl),
	})
	if err != nil {
		return "", Internal(err)
	}
	return code, nil
}

// consumeVerificationCode checks a presented code for the user and purpose and, when it
// is right, deletes it (exactly one caller wins). It returns the attribute
// the code had been delivered to. It does not change the user: callers
// validate everything else first and apply the effect after.
func (s *Service) consumeVerificationCode(ctx context.Context, p *Pool, u store.User, purpose, given string) (string, error) {
	c, err := s.store.GetCode(ctx, p.ID, u.UsernameKey, purpose)
	if err != nil {
		return "", storeError(err, on(store.ErrNotFound, errVerifyCodeExpired))
	}
	if !s.nowUTC().Before(c.ExpiresAt) {
		_ = s.store.DeleteCode(ctx, p.ID, u.UsernameKey, purpose) // best effort cleanup
		return "", errVerifyCodeExpired()
	}
	version, attr, digest, ok := decodeCodeRecord(c.CodeHash)
	if !ok {
		return "", Internal(fmt.Errorf("malformed code record for purpose %q", purpose))
	}
	var key []byte
	if version == "v2" {
		// No key (a store copied without its pool resources): no code of
		// the pool can be checked, as if it had expired.
		if key, err = s.codeKey(ctx, p.ID, false); err != nil {
			return "", storeError(err, on(store.ErrNotFound, errVerifyCodeExpired))
		}
	}
	n, err := s.store.IncrementCodeAttempts(ctx, p.ID, u.UsernameKey, purpose)
	if errors.Is(err, store.ErrNotFound) { // used or replaced meanwhile
		return "", errVerifyCodeExpired()
	}
	if err != nil {
		return "", Internal(err)
	}
	if n > MaxCodeAttempts {
		return "", errVerifyCodeLimit()
	}
	want := codeDigestV1(p.ID, u.UsernameKey, purpose, attr, u.Attributes[attr], given)
	if version == "v2" {
		want = codeDigest(key, p.ID, u.UsernameKey, purpose, attr, u.Attributes[attr], given)
	}
	if !constantTimeEqual(want, digest) {
		return "", errVerifyCodeMismatch()
	}
	if err := s.store.DeleteCode(ctx, p.ID, u.UsernameKey, purpose); err != nil {
		return "", storeError(err, on(store.ErrNotFound, errVerifyCodeExpired))
	}
	return attr, nil
}

// deliverVerificationCode sends code to the user's attribute attr and returns the
// masked delivery details.
func (s *Service) deliverVerificationCode(ctx context.Context, p *Pool, u store.User, purpose, attr, code string) (*CodeDelivery, error) {
	medium := codeMedium(attr)
	dest := u.Attributes[attr]
	subject, body := verificationTemplate(p, medium)
	err := s.sendMessage(ctx, p, u, Message{
		PoolID:      p.ID,
		Username:    u.Username,
		Medium:      medium,
		Destination: dest,
		Purpose:     purpose,
		Code:        code,
		Subject:     subject,
		Body:        body,
	})
	if isTriggerError(err) { // CustomMessage failed (triggers_messages.go)
		return nil, err
	}
	if err != nil {
		s.log.Error("code delivery failed", "pool", p.ID, "purpose", purpose, "medium", medium, "err", err)
		return nil, errCodeDelivery()
	}
	return &CodeDelivery{Destination: MaskDestination(attr, dest), DeliveryMedium: medium, AttributeName: attr}, nil
}

// sendVerificationCode issues a code and delivers it.
func (s *Service) sendVerificationCode(ctx context.Context, p *Pool, u store.User, purpose, msgPurpose, attr string, ttl time.Duration) (*CodeDelivery, error) {
	code, err := s.issueVerificationCode(ctx, p, u, purpose, attr, ttl)
	if err != nil {
		return nil, err
	}
	return s.deliverVerificationCode(ctx, p, u, msgPurpose, attr, code)
}

// sendLimitedCode is sendVerificationCode for the operations whose sends
// are limited per user (see the top of this file).
func (s *Service) sendLimitedCode(ctx context.Context, p *Pool, u store.User, purpose, msgPurpose, attr string, ttl time.Duration) (*CodeDelivery, error) {
	if err := s.countCodeSend(ctx, p, u); err != nil {
		return nil, err
	}
	return s.sendVerificationCode(withLimitedSend(ctx), p, u, purpose, msgPurpose, attr, ttl)
}

// countCodeSend counts one send for u in the current window, opening a new
// window when there is none, and refuses the send past MaxCodeSends.
func (s *Service) countCodeSend(ctx context.Context, p *Pool, u store.User) error {
	now := s.nowUTC()
	c, err := s.store.GetCode(ctx, p.ID, u.UsernameKey, purposeSendCount)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && !now.Before(c.ExpiresAt):
		return s.openSendWindow(ctx, p, u, now)
	case err != nil:
		return Internal(err)
	}
	n, err := s.store.IncrementCodeAttempts(ctx, p.ID, u.UsernameKey, purposeSendCount)
	switch {
	case errors.Is(err, store.ErrNotFound): // removed meanwhile (user deleted and re-created)
		return s.openSendWindow(ctx, p, u, now)
	case err != nil:
		return Internal(err)
	case n > MaxCodeSends:
		return errVerifyCodeLimit()
	}
	return nil
}

// openSendWindow records the first send of a window starting now.
func (s *Service) openSendWindow(ctx context.Context, p *Pool, u store.User, now time.Time) error {
	err := s.store.PutCode(ctx, store.Code{
		PoolID:      p.ID,
		UsernameKey: u.UsernameKey,
		Purpose:     purposeSendCount,
		Attempts:    1,
		CreatedAt:   now,
		ExpiresAt:   now.Add(CodeSendWindow),
	})
	if err != nil {
		return Internal(err)
	}
	return nil
}

func codeMedium(attr string) string {
	if attr == "phone_number" {
		return "SMS"
	}
	return "EMAIL"
}

// MaskDestination masks an email ("alice@example.com" → "a***@e***") or a
// phone number ("+15555551234" → "+*******1234") the way Cognito shows
// them in CodeDeliveryDetails.
func MaskDestination(attr, value string) string {
	if attr == "phone_number" {
		digits := strings.TrimPrefix(value, "+")
		if len(digits) <= 4 {
			return "+" + strings.Repeat("*", len(digits))
		}
		return "+" + strings.Repeat("*", len(digits)-4) + digits[len(digits)-4:]
	}
	local, domain, ok := strings.Cut(value, "@")
	first := func(s string) string {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || r == utf8.RuneError {
			return ""
		}
		return string(r)
	}
	if !ok {
		return first(local) + "***"
	}
	return first(local) + "***@" + first(domain) + "***"
}

// verificationTemplate returns the pool's verification subject and message
// for a medium ("" when the pool sets none): VerificationMessageTemplate
// first, then the legacy top-level members.
func verificationTemplate(p *Pool, medium string) (subject, body string) {
	var tmpl struct {
		SmsMessage   string `json:"SmsMessage"`
		EmailMessage string `json:"EmailMessage"`
		EmailSubject string `json:"EmailSubject"`
	}
	if raw, ok := p.Settings.Extra["VerificationMessageTemplate"]; ok {
		_ = json.Unmarshal(raw, &tmpl) // echo-only member: ignore a shape we do not know
	}
	str := func(key string) string {
		var v string
		if raw, ok := p.Settings.Extra[key]; ok {
			_ = json.Unmarshal(raw, &v)
		}
		return v
	}
	if medium == "SMS" {
		if tmpl.SmsMessage != "" {
			return "", tmpl.SmsMessage
		}
		return "", str("SmsVerificationMessage")
	}
	subject, body = tmpl.EmailSubject, tmpl.EmailMessage
	if subject == "" {
		subject = str("EmailVerificationSubject")
	}
	if body == "" {
		body = str("EmailVerificationMessage")
	}
	return subject, body
}

// simulatedDelivery is the CodeDeliveryDetails answered for an unknown user
// when the client has PreventUserExistenceErrors ENABLED: shaped like a real
// one for this pool, derived only from the username (so repeated calls
// agree), and revealing nothing.
func simulatedDelivery(p *Pool, username string) *CodeDelivery {
	attr := "email"
	if IsPhoneNumber(username) || (!hasString(p.Settings.AutoVerifiedAttributes, "email") && hasString(p.Settings.AutoVerifiedAttributes, "phone_number")) {
		attr = "phone_number"
	}
	sum := sha256.Sum256([]byte(p.ID + "\x00" + username))
	if attr == "phone_number" {
		dest := username
		if !IsPhoneNumber(dest) {
			dest = fmt.Sprintf("+1555555%04d", binary.BigEndian.Uint16(sum[:2])%10000)
		}
		return &CodeDelivery{Destination: MaskDestination(attr, dest), DeliveryMedium: "SMS", AttributeName: attr}
	}
	dest := username
	if !IsEmail(dest) {
		const letters = "abcdefghijklmnopqrstuvwxyz"
		dest = string(letters[sum[0]%26]) + "@" + string(letters[sum[1]%26])
	}
	return &CodeDelivery{Destination: MaskDestination(attr, dest), DeliveryMedium: "EMAIL", AttributeName: attr}
}
