package userpool

import (
	"context"
	"maps"
)

// PreSignUp and PostConfirmation.
//
// PreSignUp runs before the user is written (SignUp, AdminCreateUser): a
// failure creates nothing. For PreSignUp_SignUp the response's
// autoConfirmUser makes the user CONFIRMED without a code (and runs
// PostConfirmation_ConfirmSignUp, as SignUp is among the operations whose
// ClientMetadata reaches that trigger), autoVerifyEmail/autoVerifyPhone
// mark the attribute verified when the user has it (an alias held by
// another user moves to the new user). For PreSignUp_AdminCreateUser the
// response is ignored, as Cognito does.
//
// PostConfirmation runs after the confirmation is stored (ConfirmSignUp,
// AdminConfirmSignUp, ConfirmForgotPassword, a PreSignUp auto-confirm):
// its failure is the API's answer, but the user stays confirmed — the
// confirmation (and the spent code) is not rolled back, as with Cognito,
// whose docs only say the API returns the error.

// Trigger sources of PreSignUp and PostConfirmation.
const (
	srcPreSignUpSignUp          = "PreSignUp_SignUp"
	srcPreSignUpAdminCreateUser = "PreSignUp_AdminCreateUser"
	srcPreSignUpExternal        = "PreSignUp_ExternalProvider"
	srcPostConfirmSignUp        = "PostConfirmation_ConfirmSignUp"
	srcPostConfirmForgot        = "PostConfirmation_ConfirmForgotPassword"
)

type preSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

type preSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// preSignUp runs PreSignUp for a user about to be created with attrs.
// The zero response when the pool has no such trigger.
func (s *Service) preSignUp(ctx context.Context, p *Pool, clientID, source, username string, attrs map[string]string) (preSignUpResponse, error) {
	var out preSignUpResponse
	fn := s.triggersOf(p).function(trigPreSignUp)
	if fn == "" {
		return out, nil
	}
	tr := triggerRequestOf(ctx)
	ev := s.newEvent(ctx, p, clientID, source, username, preSignUpRequest{
		UserAttributes: maps.Clone(attrs),
		ValidationData: tr.ValidationData,
		ClientMetadata: tr.ClientMetadata,
	}, preSignUpResponse{})
	if err := s.invokeTrigger(ctx, trigPreSignUp, fn, ev, &out); err != nil {
		return preSignUpResponse{}, err
	}
	if source == srcPreSignUpAdminCreateUser {
		return preSignUpResponse{}, nil
	}
	return out, nil
}

// applyPreSignUp marks the attributes PreSignUp auto-verified and moves
// the aliases they make from other users; it returns the new aliases.
func (s *Service) applyPreSignUp(ctx context.Context, p *Pool, key string, attrs map[string]string, r preSignUpResponse) (map[string]string, error) {
	changed := false
	if r.AutoVerifyEmail && attrs["email"] != "" {
		attrs["email_verified"] = "true"
		changed = true
	}
	if r.AutoVerifyPhone && attrs["phone_number"] != "" {
		attrs["phone_number_verified"] = "true"
		changed = true
	}
	aliases := p.Aliases(attrs)
	if changed && !p.UsesUsernameAttributes() {
		if err := s.releaseAliases(ctx, p, aliases, key); err != nil {
			return nil, err
		}
	}
	return aliases, nil
}
