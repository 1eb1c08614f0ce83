package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// Declarative configuration support: pools and app clients with fixed ids,
// and updates that change only the members a configuration file declares
// (unlike UpdateUserPool/UpdateUserPoolClient, which reset omitted members).

// ValidPoolID reports whether id has the shape of a Cognito pool id
// (<region>_<9 letters or digits>; the rule is cognitorules').
func ValidPoolID(id string) bool { return cognitorules.ValidPoolID(id) }

// CreatePoolWithID is CreatePool with a caller-chosen id (which must look
// like <region>_<9 letters or digits>). ResourceConflict-style
// InvalidParameterException when the id is taken.
func (s *Service) CreatePoolWithID(ctx context.Context, id string, in PoolInput) (*Pool, error) {
	if !ValidPoolID(id) {
		return nil, invalidParam("Invalid user pool id %s.", id)
	}
	if err := checkPoolName(in.Name); err != nil {
		return nil, err
	}
	settings, err := newPoolSettings(in)
	if err != nil {
		return nil, err
	}
	settings.SoftwareTokenMfa = settings.MfaConfiguration != "OFF"
	raw, err := encodeSettings(settings)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	sp := store.Pool{ID: id, Name: in.Name, Settings: raw, CreatedAt: now, UpdatedAt: now}
	defer s.pools.invalidate(id)
	switch err := s.store.CreatePool(ctx, sp); {
	case errors.Is(err, store.ErrAlreadyExists):
		return nil, invalidParam("User pool %s already exists.", id)
	case err != nil:
		return nil, Internal(err)
	}
	return &Pool{ID: id, Name: in.Name, Settings: settings, CreatedAt: now, UpdatedAt: now}, nil
}

// PoolInputOf returns the input that reproduces p's updatable settings
// (UpdatePool of it changes nothing), so a caller can change some members
// without resetting the others.
func PoolInputOf(p *Pool) PoolInput {
	st := p.Settings
	pp := st.PasswordPolicy
	minLen, history, temp := pp.MinimumLength, pp.PasswordHistorySize, pp.TemporaryPasswordValidityDays
	unused := st.AdminCreateUserConfig.UnusedAccountValidityDays
	in := PoolInput{
		Name: p.Name,
		PasswordPolicy: &PasswordPolicyInput{
			MinimumLength:                 &minLen,
			RequireUppercase:              pp.RequireUppercase,
			RequireLowercase:              pp.RequireLowercase,
			RequireNumbers:                pp.RequireNumbers,
			RequireSymbols:                pp.RequireSymbols,
			PasswordHistorySize:           &history,
			TemporaryPasswordValidityDays: &temp,
		},
		SignInPolicy:           st.SignInPolicy,
		DeletionProtection:     st.DeletionProtection,
		AutoVerifiedAttributes: st.AutoVerifiedAttributes,
		AliasAttributes:        st.AliasAttributes,
		UsernameAttributes:     st.UsernameAttributes,
		MfaConfiguration:       st.MfaConfiguration,
		DeviceConfiguration:    st.DeviceConfiguration,
		AdminCreateUserConfig: &AdminCreateUserConfigInput{
			AllowAdminCreateUserOnly:  st.AdminCreateUserConfig.AllowAdminCreateUserOnly,
			UnusedAccountValidityDays: &unused,
			InviteMessageTemplate:     st.AdminCreateUserConfig.InviteMessageTemplate,
		},
		UserPoolTier: st.UserPoolTier,
		Extra:        map[string]json.RawMessage{},
	}
	cs := st.CaseSensitive
	in.CaseSensitive = &cs
	for k, v := range st.Extra {
		if !slices.Contains(mfaOnlyExtra, k) {
			in.Extra[k] = v
		}
	}
	return in
}

// DeclarePool changes an existing pool's updatable settings with change
// (applied to PoolInputOf the current pool) and writes only when the
// resulting settings or name differ; it reports whether it wrote. MFA ON or
// OPTIONAL also enables software-token (TOTP) MFA, the method this server
// offers. The schema, username attributes and case sensitivity cannot
// change (UpdatePool semantics).
func (s *Service) DeclarePool(ctx context.Context, poolID string, change func(*PoolInput)) (bool, error) {
	apply := func(p *Pool) (PoolSettings, string, error) {
		in := PoolInputOf(p)
		change(&in)
		name := p.Name
		if in.Name != "" {
			if err := checkPoolName(in.Name); err != nil {
				return p.Settings, name, err
			}
			name = in.Name
		}
		st := p.Settings
		if err := applyUpdatable(&st, in); err != nil {
			return st, name, err
		}
		if st.MfaConfiguration != "OFF" {
			st.SoftwareTokenMfa = true
		}
		return st, name, nil
	}
	cur, err := s.GetPool(ctx, poolID)
	if err != nil {
		return false, err
	}
	st, name, err := apply(cur)
	if err != nil {
		return false, err
	}
	before, err := encodeSettings(cur.Settings)
	if err != nil {
		return false, err
	}
	after, err := encodeSettings(st)
	if err != nil {
		return false, err
	}
	if bytes.Equal(before, after) && name == cur.Name {
		return false, nil
	}
	now := s.nowUTC()
	defer s.pools.invalidate(poolID)
	_, err = s.store.UpdatePool(ctx, poolID, func(sp *store.Pool) error {
		p, err := decodePool(*sp)
		if err != nil {
			return err
		}
		st, name, err := apply(p)
		if err != nil {
			return err
		}
		raw, err := encodeSettings(st)
		if err != nil {
			return err
		}
		sp.Name, sp.Settings, sp.UpdatedAt = name, raw, now
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
	}
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return false, de
		}
		return false, Internal(err)
	}
	return true, nil
}

// CreateClientWithID is CreateClient with a caller-chosen client id.
// InvalidParameterException when the id is malformed or taken.
func (s *Service) CreateClientWithID(ctx context.Context, poolID, clientID string, in ClientInput) (*Client, error) {
	if !cognitorules.ValidClientID(clientID) {
		return nil, invalidParam("Invalid client id %s.", clientID)
	}
	return s.createClient(ctx, poolID, clientID, in)
}

// ClientInputOf returns the input that reproduces c's current settings, so a
// caller can change some members and pass it to UpdateClient without
// resetting the others.
func ClientInputOf(c *Client) ClientInput {
	st := c.Settings
	units := st.TokenValidityUnits
	refresh, access, id := st.RefreshTokenValidity, st.AccessTokenValidity, st.IdTokenValidity
	revocation, propagate, session := st.EnableTokenRevocation, st.EnablePropagateAdditionalUserContextData, st.AuthSessionValidity
	in := ClientInput{
		Name:                                     c.Name,
		RefreshTokenValidity:                     &refresh,
		AccessTokenValidity:                      &access,
		IdTokenValidity:                          &id,
		TokenValidityUnits:                       &units,
		ReadAttributes:                           st.ReadAttributes,
		WriteAttributes:                          st.WriteAttributes,
		ExplicitAuthFlows:                        st.ExplicitAuthFlows,
		SupportedIdentityProviders:               st.SupportedIdentityProviders,
		CallbackURLs:                             st.CallbackURLs,
		LogoutURLs:                               st.LogoutURLs,
		DefaultRedirectURI:                       st.DefaultRedirectURI,
		AllowedOAuthFlows:                        st.AllowedOAuthFlows,
		AllowedOAuthScopes:                       st.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient:          st.AllowedOAuthFlowsUserPoolClient,
		AnalyticsConfiguration:                   st.AnalyticsConfiguration,
		PreventUserExistenceErrors:               st.PreventUserExistenceErrors,
		EnableTokenRevocation:                    &revocation,
		EnablePropagateAdditionalUserContextData: &propagate,
		RefreshTokenRotation:                     st.RefreshTokenRotation,
	}
	if session != 0 {
		in.AuthSessionValidity = &session
	}
	return in
}

// DeclareClient changes an existing client's settings with change (applied
// to ClientInputOf the current client) and writes only when the resulting
// settings or name differ. It reports whether it wrote.
func (s *Service) DeclareClient(ctx context.Context, poolID, clientID string, change func(*ClientInput)) (bool, error) {
	cur, err := s.GetClient(ctx, poolID, clientID)
	if err != nil {
		return false, err
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return false, err
	}
	in := ClientInputOf(cur)
	change(&in)
	if in.Name != "" {
		if err := checkClientName(in.Name); err != nil {
			return false, err
		}
	}
	next, err := buildClientSettings(p, in, "updating")
	if err != nil {
		return false, err
	}
	before, err := encodeSettings(cur.Settings)
	if err != nil {
		return false, err
	}
	after, err := encodeSettings(next)
	if err != nil {
		return false, err
	}
	if bytes.Equal(before, after) && (in.Name == "" || in.Name == cur.Name) {
		return false, nil
	}
	if _, err := s.UpdateClient(ctx, poolID, clientID, in); err != nil {
		return false, err
	}
	return true, nil
}
