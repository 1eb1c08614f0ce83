package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"userpool/internal/store"
	"userpool/internal/token"
)

// Sign-in triggers: PreAuthentication, PostAuthentication,
// PreTokenGeneration (V1_0, V2_0, V3_0), UserMigration and the CUSTOM_AUTH
// flow (DefineAuthChallenge, CreateAuthChallenge,
// VerifyAuthChallengeResponse).
//
//   - PreAuthentication runs once the user is known and may sign in, before
//     the password (or SRP proof, or the custom flow) is checked; its
//     failure is the sign-in's answer and counts no failed attempt.
//   - PostAuthentication runs after every proof and challenge succeeded,
//     before the device is proposed and tokens are minted: its failure
//     leaves no device and no refresh token.
//   - PreTokenGeneration runs at each minting (mintPair): sign-in
//     (TokenGeneration_Authentication, _NewPasswordChallenge,
//     _AuthenticateDevice), refresh (_RefreshTokens), the hosted login's
//     token endpoint (_HostedAuth) and, for V3_0 only, client_credentials
//     (_ClientCredentials). V1_0 customizes the ID token; V2_0/V3_0 both.
//     Claims Cognito protects are ignored, not refused.
//   - UserMigration_Authentication runs for an unknown username on
//     USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH (SRP never reveals the
//     password); UserMigration_ForgotPassword on ForgotPassword. The user
//     is created from the response; the sign-in then continues as for any
//     user. The welcome message of messageAction is not sent (no template
//     exists for it here), enableSMSMFA is ignored (no SMS MFA).

// Trigger sources of the sign-in triggers.
const (
	srcPreAuthentication  = "PreAuthentication_Authentication"
	srcPostAuthentication = "PostAuthentication_Authentication"
	srcDefineAuth         = "DefineAuthChallenge_Authentication"
	srcCreateAuth         = "CreateAuthChallenge_Authentication"
	srcVerifyAuth         = "VerifyAuthChallengeResponse_Authentication"
	srcMigrationAuth      = "UserMigration_Authentication"
	srcMigrationForgot    = "UserMigration_ForgotPassword"

	srcTokenHostedAuth        = "TokenGeneration_HostedAuth"
	srcTokenAuthentication    = "TokenGeneration_Authentication"
	srcTokenNewPassword       = "TokenGeneration_NewPasswordChallenge"
	srcTokenAuthDevice        = "TokenGeneration_AuthenticateDevice"
	srcTokenRefresh           = "TokenGeneration_RefreshTokens"
	srcTokenClientCredentials = "TokenGeneration_ClientCredentials"
)

// ChallengeCustom is the CUSTOM_CHALLENGE of the CUSTOM_AUTH flow.
const ChallengeCustom = "CUSTOM_CHALLENGE"

// validationData is what PreAuthentication and UserMigration receive as
// validationData: the call's ValidationData, else its ClientMetadata
// (InitiateAuth's ClientMetadata reaches those triggers that way).
func validationData(ctx context.Context) map[string]string {
	tr := triggerRequestOf(ctx)
	if tr.ValidationData != nil {
		return tr.ValidationData
	}
	return tr.ClientMetadata
}

type preAuthRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	UserNotFound   bool              `json:"userNotFound,omitempty"`
}

// preAuthentication runs PreAuthentication for u.
func (s *signIn) preAuthentication(ctx context.Context, u store.User) error {
	fn := s.triggersOf(s.pool).function(trigPreAuthentication)
	if fn == "" {
		return nil
	}
	ev := s.newEvent(ctx, s.pool, s.client.ID, srcPreAuthentication, u.Username, preAuthRequest{
		UserAttributes: eventAttributes(s.pool, u),
		ValidationData: validationData(ctx),
	}, struct{}{})
	return s.invokeTrigger(ctx, trigPreAuthentication, fn, ev, nil)
}

type postAuthRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	NewDeviceUsed  bool              `json:"newDeviceUsed"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// postAuthentication runs PostAuthentication for u at the end of a sign-in.
func (s *signIn) postAuthentication(ctx context.Context, u store.User, newDevice bool) error {
	fn := s.triggersOf(s.pool).function(trigPostAuthentication)
	if fn == "" {
		return nil
	}
	ev := s.newEvent(ctx, s.pool, s.client.ID, srcPostAuthentication, u.Username, postAuthRequest{
		UserAttributes: eventAttributes(s.pool, u),
		NewDeviceUsed:  newDevice,
		ClientMetadata: triggerRequestOf(ctx).ClientMetadata,
	}, struct{}{})
	return s.invokeTrigger(ctx, trigPostAuthentication, fn, ev, nil)
}

// ---------------------------------------------------------------- PreTokenGeneration

type tokenSourceKey struct{}

// withTokenSource names the TokenGeneration_* source of the tokens issueTokens mints.
func withTokenSource(ctx context.Context, src string) context.Context {
	return context.WithValue(ctx, tokenSourceKey{}, src)
}

func tokenSourceOf(ctx context.Context) string {
	if s, ok := ctx.Value(tokenSourceKey{}).(string); ok && s != "" {
		return s
	}
	return srcTokenAuthentication
}

type groupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

type preTokenRequest struct {
	UserAttributes     map[string]string  `json:"userAttributes,omitempty"`
	GroupConfiguration groupConfiguration `json:"groupConfiguration"`
	Scopes             []string           `json:"scopes,omitempty"`
	ClientMetadata     map[string]string  `json:"clientMetadata,omitempty"`
}

type groupOverride struct {
	GroupsToOverride   *[]string `json:"groupsToOverride"`
	IAMRolesToOverride *[]string `json:"iamRolesToOverride"`
	PreferredRole      *string   `json:"preferredRole"`
}

type preTokenV1Response struct {
	ClaimsOverrideDetails *struct {
		ClaimsToAddOrOverride map[string]string `json:"claimsToAddOrOverride"`
		ClaimsToSuppress      []string          `json:"claimsToSuppress"`
		GroupOverrideDetails  *groupOverride    `json:"groupOverrideDetails"`
	} `json:"claimsOverrideDetails"`
}

type tokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress"`
	ScopesToAdd           []string       `json:"scopesToAdd"`
	ScopesToSuppress      []string       `json:"scopesToSuppress"`
}

type preTokenV2Response struct {
	ClaimsAndScopeOverrideDetails *struct {
		IDTokenGeneration     *tokenGeneration `json:"idTokenGeneration"`
		AccessTokenGeneration *tokenGeneration `json:"accessTokenGeneration"`
		GroupOverrideDetails  *groupOverride   `json:"groupOverrideDetails"`
	} `json:"claimsAndScopeOverrideDetails"`
}

// preTokenVersions maps LambdaVersion to the event's version member.
var preTokenVersions = map[string]string{"V1_0": "1", "V2_0": "2", "V3_0": "3"}

// customizeTokens runs PreTokenGeneration for the pair described by in
// and records the answer in in.
func (s *Service) customizeTokens(ctx context.Context, p *Pool, c *Client, u store.User, in *token.IssueInput, source string) error {
	lc := s.triggersOf(p)
	if lc == nil {
		return nil
	}
	fn, version := lc.preTokenGeneration()
	if fn == "" {
		return nil
	}
	names, roles, preferred := token.GroupClaims(in.Groups)
	gc := groupConfiguration{GroupsToOverride: orEmpty(names), IAMRolesToOverride: orEmpty(roles)}
	if preferred != "" {
		gc.PreferredRole = &preferred
	}
	req := preTokenRequest{
		UserAttributes:     eventAttributes(p, u),
		GroupConfiguration: gc,
		ClientMetadata:     triggerRequestOf(ctx).ClientMetadata,
	}
	scope := in.Scope
	if scope == "" {
		scope = token.DefaultScope
	}
	if version != "V1_0" {
		req.Scopes = strings.Fields(scope)
	}
	ev := s.newEvent(ctx, p, c.ID, source, u.Username, req, nil)
	ev.Version = preTokenVersions[version]
	if ev.Version == "" {
		ev.Version = "1"
	}
	if version == "V1_0" {
		ev.Response = map[string]any{"claimsOverrideDetails": nil}
		var r preTokenV1Response
		if err := s.invokeTrigger(ctx, trigPreTokenGeneration, fn, ev, &r); err != nil {
			return err
		}
		d := r.ClaimsOverrideDetails
		if d == nil {
			return nil
		}
		add := make(map[string]any, len(d.ClaimsToAddOrOverride))
		for k, v := range d.ClaimsToAddOrOverride {
			add[k] = v
		}
		in.IDClaims = &token.ClaimOverrides{AddOrOverride: add, Suppress: d.ClaimsToSuppress}
		in.GroupOverride = applyGroupOverride(d.GroupOverrideDetails, names, roles, preferred)
		return nil
	}
	ev.Response = map[string]any{"claimsAndScopeOverrideDetails": nil}
	var r preTokenV2Response
	if err := s.invokeTrigger(ctx, trigPreTokenGeneration, fn, ev, &r); err != nil {
		return err
	}
	d := r.ClaimsAndScopeOverrideDetails
	if d == nil {
		return nil
	}
	if g := d.IDTokenGeneration; g != nil {
		in.IDClaims = &token.ClaimOverrides{AddOrOverride: g.ClaimsToAddOrOverride, Suppress: g.ClaimsToSuppress}
	}
	if g := d.AccessTokenGeneration; g != nil {
		in.AccessClaims = &token.ClaimOverrides{AddOrOverride: g.ClaimsToAddOrOverride, Suppress: g.ClaimsToSuppress}
		in.Scope = editScopes(scope, g.ScopesToAdd, g.ScopesToSuppress)
	}
	in.GroupOverride = applyGroupOverride(d.GroupOverrideDetails, names, roles, preferred)
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// applyGroupOverride merges groupOverrideDetails over the computed group
// claims: a member given replaces that claim (an empty list removes it).
func applyGroupOverride(g *groupOverride, names, roles []string, preferred string) *token.GroupOverride {
	if g == nil {
		return nil
	}
	out := &token.GroupOverride{Groups: names, Roles: roles, PreferredRole: preferred}
	if g.GroupsToOverride != nil {
		out.Groups = *g.GroupsToOverride
	}
	if g.IAMRolesToOverride != nil {
		out.Roles = *g.IAMRolesToOverride
	}
	if g.PreferredRole != nil {
		out.PreferredRole = *g.PreferredRole
	}
	return out
}

// editScopes adds and removes scopes of a space-separated scope claim.
func editScopes(scope string, add, suppress []string) string {
	var out []string
	for _, sc := range strings.Fields(scope) {
		if !slices.Contains(suppress, sc) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	for _, sc := range add {
		if sc != "" && !slices.Contains(suppress, sc) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " ")
}

// mintPair runs PreTokenGeneration (source) and signs the ID/access pair.
func (s *Service) mintPair(ctx context.Context, p *Pool, c *Client, u store.User, in token.IssueInput, source string) (idToken, accessToken string, err error) {
	if err := s.customizeTokens(ctx, p, c, u, &in, source); err != nil {
		return "", "", err
	}
	idToken, accessToken, err = s.tokens.IssuePair(ctx, in)
	if err != nil {
		return "", "", Internal(err)
	}
	return idToken, accessToken, nil
}

// mintClientAccess signs a client_credentials access token, after
// PreTokenGeneration when the pool's trigger is V3_0 (earlier versions
// are not invoked for machine-to-machine tokens).
func (s *Service) mintClientAccess(ctx context.Context, p *Pool, c *Client, scope string) (string, error) {
	var over *token.ClaimOverrides
	if lc := s.triggersOf(p); lc != nil {
		if fn, version := lc.preTokenGeneration(); fn != "" && version == "V3_0" {
			ev := s.newEvent(ctx, p, c.ID, srcTokenClientCredentials, "", preTokenRequest{
				GroupConfiguration: groupConfiguration{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}},
				Scopes:             orEmpty(strings.Fields(scope)),
				ClientMetadata:     triggerRequestOf(ctx).ClientMetadata,
			}, map[string]any{"claimsAndScopeOverrideDetails": nil})
			ev.Version = "3"
			var r preTokenV2Response
			if err := s.invokeTrigger(ctx, trigPreTokenGeneration, fn, ev, &r); err != nil {
				return "", err
			}
			if d := r.ClaimsAndScopeOverrideDetails; d != nil && d.AccessTokenGeneration != nil {
				g := d.AccessTokenGeneration
				over = &token.ClaimOverrides{AddOrOverride: g.ClaimsToAddOrOverride, Suppress: g.ClaimsToSuppress}
				scope = editScopes(scope, g.ScopesToAdd, g.ScopesToSuppress)
			}
		}
	}
	at, err := s.tokens.IssueClientAccessCustom(ctx, p.ID, c.ID, scope, c.AccessTokenValidity(), over)
	if err != nil {
		return "", Internal(err)
	}
	return at, nil
}

// ---------------------------------------------------------------- UserMigration

type migrationRequest struct {
	Password       *string           `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

type migrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        string            `json:"finalUserStatus"`
	MessageAction          string            `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     bool              `json:"forceAliasCreation"`
	EnableSMSMFA           bool              `json:"enableSMSMFA"`
}

// migrateUser runs UserMigration for username (unknown in p) and creates
// the user it returns. pw is the typed password (nil for ForgotPassword).
func (s *Service) migrateUser(ctx context.Context, p *Pool, c *Client, username string, pw *string, source string) (store.User, bool, error) {
	fn := s.triggersOf(p).function(trigUserMigration)
	if fn == "" {
		return store.User{}, false, nil
	}
	ev := s.newEvent(ctx, p, c.ID, source, username, migrationRequest{
		Password:       pw,
		ValidationData: validationData(ctx),
		ClientMetadata: triggerRequestOf(ctx).ClientMetadata,
	}, json.RawMessage(`{"userAttributes":null,"finalUserStatus":null,"messageAction":null,"desiredDeliveryMediums":null,"forceAliasCreation":null,"enableSMSMFA":null}`))
	var r migrationResponse
	if err := s.invokeTrigger(ctx, trigUserMigration, fn, ev, &r); err != nil {
		return store.User{}, false, err
	}
	if r.UserAttributes == nil {
		return store.User{}, false, errLambdaOutput()
	}
	status := StatusResetRequired
	switch r.FinalUserStatus {
	case "", StatusResetRequired:
	case StatusConfirmed:
		status = StatusConfirmed
	default:
		return store.User{}, false, errLambdaOutput()
	}
	attrs := map[string]string{}
	kind := ""
	var err error
	if p.UsesUsernameAttributes() {
		if kind, err = usernameAttributeKind(p, username); err != nil {
			return store.User{}, false, err
		}
		attrs[kind] = username
	}
	var list []Attribute
	names := slices.Sorted(maps.Keys(r.UserAttributes))
	for _, k := range names {
		if k == "sub" || strings.HasPrefix(k, "cognito:") {
			continue
		}
		list = append(list, Attribute{Name: k, Value: r.UserAttributes[k]})
	}
	if err := applyAttributes(p, attrs, list, true); err != nil {
		return store.User{}, false, err
	}
	sub, err := s.newUUID()
	if err != nil {
		return store.User{}, false, err
	}
	internal := username
	if kind != "" {
		attrs[kind] = username
		internal = sub
	}
	key := p.UsernameKey(internal)
	aliases := p.Aliases(attrs)
	if r.ForceAliasCreation && !p.UsesUsernameAttributes() {
		if err := s.releaseAliases(ctx, p, aliases, key); err != nil {
			return store.User{}, false, err
		}
	}
	now := s.nowUTC()
	u := store.User{
		PoolID: p.ID, Username: internal, UsernameKey: key, Sub: sub,
		Status: status, Enabled: true, Attributes: attrs, Aliases: aliases,
		Password:  store.Password{SetAt: now},
		CreatedAt: now, UpdatedAt: now,
	}
	if status == StatusConfirmed && pw != nil {
		if u.Password, err = s.newPassword(p, internal, *pw, false); err != nil {
			return store.User{}, false, err
		}
	}
	switch err := s.store.CreateUser(ctx, u); {
	case err == nil:
	case errors.Is(err, store.ErrAlreadyExists): // created meanwhile
		u, err := s.resolveUser(ctx, p, username)
		return u, err == nil, err
	case errors.Is(err, store.ErrAliasExists):
		kind, _, lerr := s.takenAlias(ctx, p, aliases, key)
		if lerr != nil {
			return store.User{}, false, lerr
		}
		if kind == "" {
			kind = "email"
		}
		return store.User{}, false, aliasExists(kind)
	default:
		return store.User{}, false, Internal(err)
	}
	return u, true, nil
}

// forgotPasswordMigration runs UserMigration_ForgotPassword when
// ForgotPassword names a user the pool does not have.
func (s *Service) forgotPasswordMigration(ctx context.Context, clientID, secretHash, username string) error {
	c, err := s.GetClientByID(ctx, clientID)
	if err != nil {
		return err
	}
	p, err := s.GetPool(ctx, c.PoolID)
	if err != nil {
		return err
	}
	if s.triggersOf(p).function(trigUserMigration) == "" {
		return nil
	}
	if err := checkSecretHash(c, secretHash, username); err != nil {
		return err
	}
	if _, found, err := s.resolveSignIn(ctx, p, username); err != nil || found {
		return err
	}
	_, _, err = s.migrateUser(ctx, p, c, username, nil, srcMigrationForgot)
	return err
}
