package userpool

import (
	"context"
)

// The hosted login's choices: the USER_AUTH first factors (passwordless
// e-mail and SMS codes, passkeys) and the e-mail / SMS MFA steps after a
// password, offered by the hosted page through the very same steps as
// InitiateAuth USER_AUTH and RespondToAuthChallenge (userauth.go, otp.go,
// webauthn.go): the same codes, sessions, attempt counts and lockout.
//
//   - The passwordless factors the page offers are those the pool's
//     SignInPolicy allows as first factors (passwordlessAllowed: with
//     MfaConfiguration ON only a user-verifying WEB_AUTHN) to a client
//     that allows ALLOW_USER_AUTH — the app client's choice-based sign-in
//     setting, as Cognito's managed login requires it.
//   - A chosen factor is InitiateAuth USER_AUTH with PREFERRED_CHALLENGE;
//     when it is not open to the user the answer is SELECT_CHALLENGE with
//     the factors that are (an unknown username with
//     PreventUserExistenceErrors gets what a known one would).

// HostedFactors lists the passwordless first factors (EMAIL_OTP, SMS_OTP,
// WEB_AUTHN) the hosted sign-in page offers for the authorization's pool
// and client.
func (s *Service) HostedFactors(ctx context.Context, a *Authorization) ([]string, error) {
	p, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	if !c.AllowsAuthFlow(FlowUserAuth) {
		return nil, nil
	}
	var out []string
	for _, f := range []string{ChallengeEmailOTP, ChallengeSMSOTP, ChallengeWebAuthn} {
		if passwordlessAllowed(p, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// HostedStartFactor is a passwordless button of the sign-in page: USER_AUTH
// for the username with factor as PREFERRED_CHALLENGE. The step is the
// factor's challenge (EMAIL_OTP / SMS_OTP with the code sent, WEB_AUTHN
// with CREDENTIAL_REQUEST_OPTIONS) or SELECT_CHALLENGE.
func (s *Service) HostedStartFactor(ctx context.Context, a *Authorization, username, factor string) (*HostedStep, error) {
	p, c, err := s.authorizationClient(ctx, a)
	if err != nil {
		return nil, err
	}
	offered, err := s.HostedFactors(ctx, a)
	if err != nil {
		return nil, err
	}
	if !containsString(offered, factor) {
		return nil, invalidParam("Invalid PREFERRED_CHALLENGE %s.", factor)
	}
	params := map[string]string{"USERNAME": username, "PREFERRED_CHALLENGE": factor}
	if c.HasSecret() {
		params["SECRET_HASH"] = secretHashFor(c, username)
	}
	out, err := s.signIn(p, c).userAuthStart(ctx, params)
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, p, username, out)
}
