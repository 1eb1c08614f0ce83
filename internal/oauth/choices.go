package oauth

import (
	"encoding/json"
	"net/url"

	"userpool/internal/userpool"
)

// The forms of the sign-in steps beyond the password: the code form of
// EMAIL_OTP / SMS_OTP / SMS_MFA, the choices of SELECT_MFA_TYPE and
// SELECT_CHALLENGE, and the passkey page of WEB_AUTHN. The rules are the
// domain's (HostedStartFactor, HostedRespond); these only draw the steps.

// factorLabels are the texts of the first factors and MFA types.
var factorLabels = map[string]string{
	userpool.ChallengePassword:         "Sign in with your password",
	userpool.ChallengeEmailOTP:         "Sign in with a code sent by email",
	userpool.ChallengeSMSOTP:           "Sign in with a code sent by SMS",
	userpool.ChallengeWebAuthn:         "Sign in with a passkey",
	userpool.ChallengeSoftwareTokenMFA: "Authenticator app",
}

// mfaLabels are the texts of SELECT_MFA_TYPE's options.
var mfaLabels = map[string]string{
	userpool.ChallengeSoftwareTokenMFA: "Code from an authenticator app",
	userpool.ChallengeSMSMFA:           "Code sent by text message (SMS)",
	userpool.ChallengeEmailOTP:         "Code sent by email",
	"EMAIL_MFA":                        "Code sent by email",
}

// challengeForm is the form that answers a challenge ("signin" for none).
func challengeForm(challenge string) string {
	switch challenge {
	case userpool.ChallengeNewPasswordRequired:
		return "newpassword"
	case userpool.ChallengeSoftwareTokenMFA:
		return "mfa"
	case userpool.ChallengeEmailOTP, userpool.ChallengeSMSOTP, userpool.ChallengeSMSMFA:
		return "otp"
	case userpool.ChallengeSelectMFA:
		return "selectmfa"
	case userpool.ChallengeSelect:
		return "selectchallenge"
	case userpool.ChallengeWebAuthn:
		return "passkey"
	}
	return "signin"
}

// factorChoices are the sign-in form's passwordless buttons.
func (h *Handler) factorChoices(rq *request, a *userpool.Authorization) []choice {
	fs, err := h.svc.HostedFactors(rq.ctx, a)
	if err != nil {
		h.log.Error("oauth: sign-in factors", "err", err)
		return nil
	}
	out := []choice{}
	for _, f := range fs {
		out = append(out, choice{Value: f, Label: factorLabels[f]})
	}
	return out
}

// stepPage is the form of a sign-in step that is not yet signed in.
func (h *Handler) stepPage(rq *request, a *userpool.Authorization, q url.Values, step *userpool.HostedStep) page {
	p := h.formPage(rq, a, q, challengeForm(step.Challenge))
	p.Challenge, p.Session, p.Username = step.Challenge, step.Session, step.Username
	params := step.Parameters
	switch p.Form {
	case "otp":
		p.Destination = params["CODE_DELIVERY_DESTINATION"]
		p.Medium = params["CODE_DELIVERY_DELIVERY_MEDIUM"]
	case "selectmfa":
		var can []string
		_ = json.Unmarshal([]byte(params["MFAS_CAN_CHOOSE"]), &can)
		for _, m := range can {
			if l := mfaLabels[m]; l != "" {
				p.Choices = append(p.Choices, choice{Value: m, Label: l})
			}
		}
	case "selectchallenge":
		for _, c := range step.Available {
			if l := factorLabels[c]; l != "" && c != userpool.ChallengeSoftwareTokenMFA {
				p.Choices = append(p.Choices, choice{Value: c, Label: l})
			}
		}
	case "passkey":
		p.Options = params["CREDENTIAL_REQUEST_OPTIONS"]
	case "signin":
		// MFA_SETUP, device challenges: not offered by this page.
		p.Challenge, p.Session = "", ""
		p.Error = "This sign-in needs a step the hosted page does not support (" + step.Challenge + ")."
	}
	return p
}
