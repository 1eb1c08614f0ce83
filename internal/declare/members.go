package declare

import (
	"encoding/json"

	"userpool/internal/config"
	"userpool/internal/userpool"
)

// The mapping of a declared pool's and client's members (config.Pool,
// config.Client) to the domain's PoolInput and ClientInput. A member the
// file does not declare (nil, empty) is left as the pool or client has it.

// echo encodes a declared structure as the Cognito member's JSON (the
// config types carry the member names as json tags); nil when undeclared.
func echo[T any](v *T) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// poolChange applies the updatable members dp declares to in.
func poolChange(dp *config.Pool) func(*userpool.PoolInput) {
	return func(in *userpool.PoolInput) {
		in.Name = dp.Name
		if dp.PasswordPolicy != nil {
			in.PasswordPolicy = passwordPolicy(dp.PasswordPolicy)
		}
		if dp.MFA != "" {
			in.MfaConfiguration = dp.MFA
		}
		if dp.SignInPolicy != nil {
			in.SignInPolicy = echo(dp.SignInPolicy)
		}
		if dp.AutoVerifiedAttributes != nil {
			in.AutoVerifiedAttributes = dp.AutoVerifiedAttributes
		}
		if dp.DeletionProtection != "" {
			in.DeletionProtection = dp.DeletionProtection
		}
		if dp.UserPoolTier != "" {
			in.UserPoolTier = dp.UserPoolTier
		}
		if d := dp.DeviceConfiguration; d != nil {
			dc := userpool.DeviceConfiguration{}
			if in.DeviceConfiguration != nil {
				dc = *in.DeviceConfiguration
			}
			if d.ChallengeRequiredOnNewDevice != nil {
				dc.ChallengeRequiredOnNewDevice = *d.ChallengeRequiredOnNewDevice
			}
			if d.DeviceOnlyRememberedOnUserPrompt != nil {
				dc.DeviceOnlyRememberedOnUserPrompt = *d.DeviceOnlyRememberedOnUserPrompt
			}
			in.DeviceConfiguration = &dc
		}
		if a := dp.AdminCreateUserConfig; a != nil {
			ac := userpool.AdminCreateUserConfigInput{}
			if in.AdminCreateUserConfig != nil {
				ac = *in.AdminCreateUserConfig
			}
			if a.AllowAdminCreateUserOnly != nil {
				ac.AllowAdminCreateUserOnly = *a.AllowAdminCreateUserOnly
			}
			if a.UnusedAccountValidityDays != nil {
				ac.UnusedAccountValidityDays = a.UnusedAccountValidityDays
			}
			if a.InviteMessageTemplate != nil {
				ac.InviteMessageTemplate = echo(a.InviteMessageTemplate)
			}
			in.AdminCreateUserConfig = &ac
		}
		if in.Extra == nil {
			in.Extra = map[string]json.RawMessage{}
		}
		set := func(member string, v json.RawMessage) {
			if v != nil {
				in.Extra[member] = v
			}
		}
		set("LambdaConfig", echo(dp.LambdaConfig))
		set("EmailConfiguration", echo(dp.EmailConfiguration))
		set("SmsConfiguration", echo(dp.SmsConfiguration))
		set("UserAttributeUpdateSettings", echo(dp.UserAttributeUpdateSettings))
		set("UserPoolAddOns", echo(dp.UserPoolAddOns))
		set("AccountRecoverySetting", echo(dp.AccountRecoverySetting))
		set("SmsAuthenticationMessage", echo(dp.SmsAuthenticationMessage))
		if dp.UserPoolTags != nil {
			set("UserPoolTags", echo(&dp.UserPoolTags))
		}
		// The legacy message members and the template are kept equal by the
		// domain, the template winning: a legacy member declared without the
		// template replaces the template's member it mirrors.
		legacy := []struct {
			member, template string
			v                *string
		}{
			{"EmailVerificationMessage", "EmailMessage", dp.EmailVerificationMessage},
			{"EmailVerificationSubject", "EmailSubject", dp.EmailVerificationSubject},
			{"SmsVerificationMessage", "SmsMessage", dp.SmsVerificationMessage},
		}
		if dp.VerificationMessageTemplate != nil {
			set("VerificationMessageTemplate", echo(dp.VerificationMessageTemplate))
		} else {
			tmpl := map[string]json.RawMessage{}
			if raw, ok := in.Extra["VerificationMessageTemplate"]; ok {
				_ = json.Unmarshal(raw, &tmpl)
			}
			changed := false
			for _, l := range legacy {
				if l.v != nil {
					tmpl[l.template] = echo(l.v)
					changed = true
				}
			}
			if changed {
				b, _ := json.Marshal(tmpl)
				in.Extra["VerificationMessageTemplate"] = b
			}
		}
		for _, l := range legacy {
			set(l.member, echo(l.v))
		}
	}
}

// createInput is the CreateUserPool input of a declared pool.
func createInput(dp *config.Pool) userpool.PoolInput {
	in := userpool.PoolInput{
		UsernameAttributes: dp.UsernameAttributes,
		AliasAttributes:    dp.AliasAttributes,
		CaseSensitive:      dp.CaseSensitive,
		Schema:             schemaInput(dp.Schema),
	}
	poolChange(dp)(&in)
	return in
}

func schemaInput(list []config.SchemaAttribute) []userpool.SchemaAttributeInput {
	if list == nil {
		return nil
	}
	out := make([]userpool.SchemaAttributeInput, 0, len(list))
	for _, a := range list {
		sa := userpool.SchemaAttributeInput{
			Name:                   a.Name,
			AttributeDataType:      a.AttributeDataType,
			DeveloperOnlyAttribute: a.DeveloperOnlyAttribute,
			Mutable:                a.Mutable,
			Required:               a.Required,
		}
		if c := a.StringAttributeConstraints; c != nil {
			sa.StringConstraints = &userpool.AttributeConstraintsInput{Min: c.MinLength, Max: c.MaxLength}
		}
		if c := a.NumberAttributeConstraints; c != nil {
			sa.NumberConstraints = &userpool.AttributeConstraintsInput{Min: c.MinValue, Max: c.MaxValue}
		}
		out = append(out, sa)
	}
	return out
}

// isStandardAttribute reports whether name is one of the standard schema
// attributes every pool has.
func isStandardAttribute(name string) bool {
	switch name {
	case "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
		"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
		"phone_number", "phone_number_verified", "address", "updated_at":
		return true
	}
	return false
}

// clientChange applies the declared members of dc to a client input.
func clientChange(dc *config.Client) func(*userpool.ClientInput) {
	return func(in *userpool.ClientInput) {
		in.Name = dc.Name
		units := userpool.TokenValidityUnits{}
		if in.TokenValidityUnits != nil {
			units = *in.TokenValidityUnits
		}
		if v := dc.AccessTokenValidity; v != nil {
			n := v.Value
			in.AccessTokenValidity, units.AccessToken = &n, v.Unit
		}
		if v := dc.IDTokenValidity; v != nil {
			n := v.Value
			in.IdTokenValidity, units.IdToken = &n, v.Unit
		}
		if v := dc.RefreshTokenValidity; v != nil {
			n := v.Value
			in.RefreshTokenValidity, units.RefreshToken = &n, v.Unit
		}
		in.TokenValidityUnits = &units
		if dc.ExplicitAuthFlows != nil {
			in.ExplicitAuthFlows = dc.ExplicitAuthFlows
		}
		if dc.PreventUserExistenceErrors != "" {
			in.PreventUserExistenceErrors = dc.PreventUserExistenceErrors
		}
		if dc.ReadAttributes != nil {
			in.ReadAttributes = dc.ReadAttributes
		}
		if dc.WriteAttributes != nil {
			in.WriteAttributes = dc.WriteAttributes
		}
		if dc.EnableTokenRevocation != nil {
			in.EnableTokenRevocation = dc.EnableTokenRevocation
		}
		if dc.EnablePropagateAdditionalUserContextData != nil {
			in.EnablePropagateAdditionalUserContextData = dc.EnablePropagateAdditionalUserContextData
		}
		if dc.AuthSessionValidity != nil {
			in.AuthSessionValidity = dc.AuthSessionValidity
		}
		if dc.RefreshTokenRotation != nil {
			in.RefreshTokenRotation = echo(dc.RefreshTokenRotation)
		}
		if dc.SupportedIdentityProviders != nil {
			in.SupportedIdentityProviders = dc.SupportedIdentityProviders
		}
		if dc.CallbackURLs != nil {
			in.CallbackURLs = dc.CallbackURLs
		}
		if dc.LogoutURLs != nil {
			in.LogoutURLs = dc.LogoutURLs
		}
		if dc.DefaultRedirectURI != "" {
			in.DefaultRedirectURI = dc.DefaultRedirectURI
		}
		if dc.AllowedOAuthFlows != nil {
			in.AllowedOAuthFlows = dc.AllowedOAuthFlows
		}
		if dc.AllowedOAuthScopes != nil {
			in.AllowedOAuthScopes = dc.AllowedOAuthScopes
		}
		if dc.AllowedOAuthFlowsUserPoolClient != nil {
			in.AllowedOAuthFlowsUserPoolClient = *dc.AllowedOAuthFlowsUserPoolClient
		}
		if dc.AnalyticsConfiguration != nil {
			in.AnalyticsConfiguration = echo(dc.AnalyticsConfiguration)
		}
	}
}
