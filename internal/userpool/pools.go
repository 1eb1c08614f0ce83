package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"userpool/internal/store"
)

// Pool lifecycle: CreateUserPool, DescribeUserPool, ListUserPools,
// UpdateUserPool and DeleteUserPool.
//
// Defaults follow what Cognito's API (not its console) gives a pool created
// with nothing but a name: the default password policy, usernames
// case-sensitive, MFA OFF, deletion protection INACTIVE, tier ESSENTIALS, the
// full standard schema, AdminCreateUserConfig{false, 7 days}, and the echo-only
// defaults VerificationMessageTemplate{DefaultEmailOption: CONFIRM_WITH_CODE},
// EmailConfiguration{EmailSendingAccount: COGNITO_DEFAULT}, LambdaConfig{},
// UserPoolTags{} and UserAttributeUpdateSettings with an empty list.
//
// UpdateUserPool follows Cognito's documented rule: "With the exception of
// UserPoolTier, if you don't provide a value for an attribute, Amazon Cognito
// sets it to its default value." Every updatable member omitted from the
// request is reset to the create-time default, including DeletionProtection
// (INACTIVE) and the echoed members (Lambda config, messages). The pool
// name and tier are kept when omitted, and so are UserPoolTags (managed by
// TagResource) and IssuerConfiguration (issuer.go). The schema, UsernameAttributes,
// AliasAttributes and username case sensitivity are immutable and kept, as is
// the software-token MFA switch (owned by SetUserPoolMfaConfig).

// Pool id alphabet and length: "<region>_" + 9 of [0-9A-Za-z], as Cognito mints them.
const (
	poolIDAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	poolIDSuffix   = 9
)

// Deletion protection values.
const (
	DeletionProtectionActive   = "ACTIVE"
	DeletionProtectionInactive = "INACTIVE"
)

// PasswordPolicyInput is Policies.PasswordPolicy as sent. Nil numbers take
// Cognito's defaults (MinimumLength 8, TemporaryPasswordValidityDays 7,
// PasswordHistorySize 0); omitted booleans are false.
type PasswordPolicyInput struct {
	MinimumLength                 *int
	RequireUppercase              bool
	RequireLowercase              bool
	RequireNumbers                bool
	RequireSymbols                bool
	PasswordHistorySize           *int
	TemporaryPasswordValidityDays *int
}

// AttributeConstraintsInput carries String/NumberAttributeConstraints as sent
// (the model types them as strings). For strings Min/Max are lengths, for
// numbers values.
type AttributeConstraintsInput struct {
	Min *string
	Max *string
}

// SchemaAttributeInput is one SchemaAttributeType of CreateUserPool's Schema.
type SchemaAttributeInput struct {
	Name                   string
	AttributeDataType      string // "" when omitted
	DeveloperOnlyAttribute *bool
	Mutable                *bool
	Required               *bool
	StringConstraints      *AttributeConstraintsInput
	NumberConstraints      *AttributeConstraintsInput
}

// AdminCreateUserConfigInput is AdminCreateUserConfig as sent.
type AdminCreateUserConfigInput struct {
	AllowAdminCreateUserOnly  bool
	UnusedAccountValidityDays *int // default 7
	InviteMessageTemplate     json.RawMessage
}

// PoolInput is the configuration carried by CreateUserPool and UpdateUserPool.
// UpdatePool ignores Schema, UsernameAttributes, AliasAttributes and
// CaseSensitive (immutable after creation); an empty Name or UserPoolTier
// there keeps the current value.
type PoolInput struct {
	Name                   string
	PasswordPolicy         *PasswordPolicyInput
	SignInPolicy           json.RawMessage
	DeletionProtection     string // ACTIVE | INACTIVE | "" (INACTIVE)
	AutoVerifiedAttributes []string
	AliasAttributes        []string
	UsernameAttributes     []string
	MfaConfiguration       string // OFF | ON | OPTIONAL | "" (OFF)
	DeviceConfiguration    *DeviceConfiguration
	AdminCreateUserConfig  *AdminCreateUserConfigInput
	Schema                 []SchemaAttributeInput
	// CaseSensitive is UsernameConfiguration.CaseSensitive; nil (no
	// UsernameConfiguration) means true, as the API documents.
	CaseSensitive *bool
	UserPoolTier  string // LITE | ESSENTIALS | PLUS | "" (ESSENTIALS on create)
	// Extra holds the members userpool stores and echoes without acting on
	// them, keyed by Cognito member name (LambdaConfig, EmailConfiguration,
	// SmsConfiguration, UserPoolTags, VerificationMessageTemplate,
	// SmsVerificationMessage, EmailVerificationMessage,
	// EmailVerificationSubject, SmsAuthenticationMessage,
	// UserAttributeUpdateSettings, AccountRecoverySetting, UserPoolAddOns).
	Extra map[string]json.RawMessage
}

// defaultExtra are the echo-only members Cognito reports for a pool created
// without them.
var defaultExtra = map[string]string{
	"LambdaConfig":                `{}`,
	"UserPoolTags":                `{}`,
	"EmailConfiguration":          `{"EmailSendingAccount":"COGNITO_DEFAULT"}`,
	"VerificationMessageTemplate": `{"DefaultEmailOption":"CONFIRM_WITH_CODE"}`,
	"UserAttributeUpdateSettings": `{"AttributesRequireVerificationBeforeUpdate":[]}`,
}

// standardSchema is the schema every Cognito pool has, in Cognito's order.
func standardSchema() []SchemaAttribute {
	str := func(name string, min, max int64) SchemaAttribute {
		return SchemaAttribute{Name: name, AttributeDataType: "String", Mutable: true, MinLength: &min, MaxLength: &max}
	}
	boolean := func(name string) SchemaAttribute {
		return SchemaAttribute{Name: name, AttributeDataType: "Boolean", Mutable: true}
	}
	sub := str("sub", 1, 2048)
	sub.Mutable, sub.Required = false, true
	zero := int64(0)
	return []SchemaAttribute{
		sub,
		str("name", 0, 2048),
		str("given_name", 0, 2048),
		str("family_name", 0, 2048),
		str("middle_name", 0, 2048),
		str("nickname", 0, 2048),
		str("preferred_username", 0, 2048),
		str("profile", 0, 2048),
		str("picture", 0, 2048),
		str("website", 0, 2048),
		str("email", 0, 2048),
		boolean("email_verified"),
		str("gender", 0, 2048),
		str("birthdate", 10, 10),
		str("zoneinfo", 0, 2048),
		str("locale", 0, 2048),
		str("phone_number", 0, 2048),
		boolean("phone_number_verified"),
		str("address", 0, 2048),
		{Name: "updated_at", AttributeDataType: "Number", Mutable: true, MinValue: &zero},
	}
}

func invalidParam(format string, args ...any) *Error {
	return Errorf(KindInvalidParameter, format, args...)
}

// buildSchema merges the requested schema into the standard one.
func buildSchema(in []SchemaAttributeInput) ([]SchemaAttribute, error) {
	schema := standardSchema()
	index := map[string]int{}
	for i, a := range schema {
		index[a.Name] = i
	}
	seen := map[string]bool{}
	for _, a := range in {
		if i, ok := index[a.Name]; ok {
			if err := overrideStandard(&schema[i], a); err != nil {
				return nil, err
			}
			continue
		}
		attr, err := customAttribute(a)
		if err != nil {
			return nil, err
		}
		if seen[attr.Name] {
			return nil, invalidParam("Existing attribute already has name %s.", attr.AttributeName())
		}
		seen[attr.Name] = true
		schema = append(schema, attr)
	}
	return schema, nil
}

func overrideStandard(std *SchemaAttribute, a SchemaAttributeInput) error {
	if (a.AttributeDataType != "" && a.AttributeDataType != std.AttributeDataType) ||
		(a.DeveloperOnlyAttribute != nil && *a.DeveloperOnlyAttribute) {
		return invalidParam("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", std.Name)
	}
	if std.Name == "sub" {
		// sub is always required and immutable; Cognito keeps it as it is.
		return nil
	}
	if a.Mutable != nil {
		std.Mutable = *a.Mutable
	}
	if a.Required != nil {
		std.Required = *a.Required
	}
	return applyConstraints(std, a)
}

func customAttribute(a SchemaAttributeInput) (SchemaAttribute, error) {
	if n := utf8.RuneCountInString(a.Name); n < 1 || n > 20 {
		return SchemaAttribute{}, invalidParam("Custom attribute name must be between 1 and 20 characters.")
	}
	switch a.AttributeDataType {
	case "String", "Number", "DateTime", "Boolean":
	default:
		return SchemaAttribute{}, invalidParam("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if a.Required != nil && *a.Required {
		return SchemaAttribute{}, invalidParam("Required custom attributes are not supported currently.")
	}
	attr := SchemaAttribute{Name: a.Name, AttributeDataType: a.AttributeDataType, Custom: true, Mutable: true}
	if a.Mutable != nil {
		attr.Mutable = *a.Mutable
	}
	if a.DeveloperOnlyAttribute != nil {
		attr.DeveloperOnlyAttribute = *a.DeveloperOnlyAttribute
	}
	if err := applyConstraints(&attr, a); err != nil {
		return SchemaAttribute{}, err
	}
	return attr, nil
}

// maxStringAttributeLength is the longest value any attribute may hold.
const maxStringAttributeLength = 2048

func applyConstraints(attr *SchemaAttribute, a SchemaAttributeInput) error {
	name := attr.AttributeName()
	parse := func(s *string, what string, allowNegative bool) (*int64, error) {
		if s == nil || *s == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(*s, 10, 64)
		if err != nil || (!allowNegative && n < 0) {
			return nil, invalidParam("Invalid %s for schema attribute %s", what, name)
		}
		return &n, nil
	}
	switch attr.AttributeDataType {
	case "String":
		c := a.StringConstraints
		if c == nil {
			return nil
		}
		lo, err := parse(c.Min, "StringAttributeConstraints", false)
		if err != nil {
			return err
		}
		hi, err := parse(c.Max, "StringAttributeConstraints", false)
		if err != nil {
			return err
		}
		if (lo != nil && *lo > maxStringAttributeLength) || (hi != nil && *hi > maxStringAttributeLength) {
			return invalidParam("user.%s: String attributes cannot have a length of more than %d", name, maxStringAttributeLength)
		}
		if lo != nil && hi != nil && *lo > *hi {
			return invalidParam("user.%s: Max length cannot be less than min length.", name)
		}
		attr.MinLength, attr.MaxLength = lo, hi
	case "Number":
		c := a.NumberConstraints
		if c == nil {
			return nil
		}
		lo, err := parse(c.Min, "NumberAttributeConstraints", true)
		if err != nil {
			return err
		}
		hi, err := parse(c.Max, "NumberAttributeConstraints", true)
		if err != nil {
			return err
		}
		if lo != nil && hi != nil && *lo > *hi {
			return invalidParam("user.%s: Max value cannot be less than min value.", name)
		}
		attr.MinValue, attr.MaxValue = lo, hi
	}
	return nil
}

func buildPasswordPolicy(in *PasswordPolicyInput) (PasswordPolicy, error) {
	if in == nil {
		return DefaultPasswordPolicy, nil
	}
	p := PasswordPolicy{
		MinimumLength:                 DefaultPasswordPolicy.MinimumLength,
		RequireUppercase:              in.RequireUppercase,
		RequireLowercase:              in.RequireLowercase,
		RequireNumbers:                in.RequireNumbers,
		RequireSymbols:                in.RequireSymbols,
		TemporaryPasswordValidityDays: DefaultPasswordPolicy.TemporaryPasswordValidityDays,
	}
	if in.MinimumLength != nil {
		p.MinimumLength = *in.MinimumLength
	}
	if in.TemporaryPasswordValidityDays != nil {
		p.TemporaryPasswordValidityDays = *in.TemporaryPasswordValidityDays
	}
	if in.PasswordHistorySize != nil {
		p.PasswordHistorySize = *in.PasswordHistorySize
	}
	// The protocol layer reports these in Coral's words first; the domain
	// keeps its own guard for other faces.
	switch {
	case p.MinimumLength < 6 || p.MinimumLength > 99:
		return p, invalidParam("Password policy MinimumLength must be between 6 and 99.")
	case p.TemporaryPasswordValidityDays < 0 || p.TemporaryPasswordValidityDays > 365:
		return p, invalidParam("Password policy TemporaryPasswordValidityDays must be between 0 and 365.")
	case p.PasswordHistorySize < 0 || p.PasswordHistorySize > 24:
		return p, invalidParam("Password policy PasswordHistorySize must be between 0 and 24.")
	}
	return p, nil
}

func buildAdminCreateUserConfig(in *AdminCreateUserConfigInput) (AdminCreateUserConfig, error) {
	c := AdminCreateUserConfig{UnusedAccountValidityDays: 7}
	if in == nil {
		return c, nil
	}
	c.AllowAdminCreateUserOnly = in.AllowAdminCreateUserOnly
	c.InviteMessageTemplate = in.InviteMessageTemplate
	if in.UnusedAccountValidityDays != nil {
		if d := *in.UnusedAccountValidityDays; d < 0 || d > 365 {
			return c, invalidParam("UnusedAccountValidityDays must be between 0 and 365.")
		}
		c.UnusedAccountValidityDays = *in.UnusedAccountValidityDays
	}
	return c, nil
}

func oneOf(v, def string, allowed ...string) (string, bool) {
	if v == "" {
		return def, true
	}
	for _, a := range allowed {
		if v == a {
			return v, true
		}
	}
	return v, false
}

func checkAll(list []string, allowed ...string) bool {
	for _, v := range list {
		if _, ok := oneOf(v, "", allowed...); !ok || v == "" {
			return false
		}
	}
	return true
}

// applyUpdatable sets the members that both CreateUserPool and UpdateUserPool
// carry, defaulting the omitted ones.
func applyUpdatable(st *PoolSettings, in PoolInput) error {
	pp, err := buildPasswordPolicy(in.PasswordPolicy)
	if err != nil {
		return err
	}
	st.PasswordPolicy = pp
	st.SignInPolicy = in.SignInPolicy

	var ok bool
	if st.DeletionProtection, ok = oneOf(in.DeletionProtection, DeletionProtectionInactive, DeletionProtectionActive, DeletionProtectionInactive); !ok {
		return invalidParam("Invalid DeletionProtection value %s.", in.DeletionProtection)
	}
	if st.MfaConfiguration, ok = oneOf(in.MfaConfiguration, "OFF", "OFF", "ON", "OPTIONAL"); !ok {
		return invalidParam("Invalid MfaConfiguration value %s.", in.MfaConfiguration)
	}
	if !checkAll(in.AutoVerifiedAttributes, "email", "phone_number") {
		return invalidParam("AutoVerifiedAttributes may only contain email and phone_number.")
	}
	st.AutoVerifiedAttributes = in.AutoVerifiedAttributes
	st.DeviceConfiguration = in.DeviceConfiguration
	if st.AdminCreateUserConfig, err = buildAdminCreateUserConfig(in.AdminCreateUserConfig); err != nil {
		return err
	}
	if in.UserPoolTier != "" {
		if _, ok := oneOf(in.UserPoolTier, "", "LITE", "ESSENTIALS", "PLUS"); !ok {
			return invalidParam("Invalid UserPoolTier value %s.", in.UserPoolTier)
		}
		st.UserPoolTier = in.UserPoolTier
	}
	// Members that only SetUserPoolMfaConfig sets survive UpdateUserPool.
	prev := st.Extra
	kept := map[string]json.RawMessage{}
	for _, k := range mfaOnlyExtra {
		if v, ok := st.Extra[k]; ok {
			kept[k] = v
		}
	}
	st.Extra = kept
	if err := checkExtraTags(in.Extra); err != nil {
		return err
	}
	for k, v := range defaultExtra {
		st.Extra[k] = json.RawMessage(v)
	}
	for k, v := range in.Extra {
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		st.Extra[k] = v
	}
	keepOmitted(st.Extra, prev, in.Extra)
	if err := checkIssuerConfiguration(st.Extra[issuerConfigurationMember]); err != nil {
		return err
	}
	return syncVerificationMessages(st.Extra)
}

// verificationMessagePairs are the VerificationMessageTemplate members and
// the legacy pool members Cognito keeps equal to them.
var verificationMessagePairs = []struct{ template, legacy string }{
	{"SmsMessage", "SmsVerificationMessage"},
	{"EmailMessage", "EmailVerificationMessage"},
	{"EmailSubject", "EmailVerificationSubject"},
}

// syncVerificationMessages keeps VerificationMessageTemplate and the legacy
// SmsVerificationMessage / EmailVerificationMessage / EmailVerificationSubject
// equal, in both directions, as Cognito does: a member given in the template
// is copied to its legacy member, and a legacy member given alone fills the
// template. When a request gives both with different values the template
// wins (a choice: docs/differences.md).
func syncVerificationMessages(extra map[string]json.RawMessage) error {
	tmpl := map[string]json.RawMessage{}
	if raw, ok := extra["VerificationMessageTemplate"]; ok {
		if err := json.Unmarshal(raw, &tmpl); err != nil {
			return invalidParam("Invalid VerificationMessageTemplate.")
		}
	}
	changed := false
	for _, pr := range verificationMessagePairs {
		if v, ok := tmpl[pr.template]; ok && string(v) != "null" {
			extra[pr.legacy] = v
			continue
		}
		if v, ok := extra[pr.legacy]; ok {
			tmpl[pr.template] = v
			changed = true
		}
	}
	if changed {
		b, err := json.Marshal(tmpl)
		if err != nil {
			return Internal(err)
		}
		extra["VerificationMessageTemplate"] = b
	}
	return nil
}

// mfaOnlyExtra are Extra members set only through SetUserPoolMfaConfig, which
// UpdateUserPool has no member for and so must not reset.
var mfaOnlyExtra = []string{"EmailMfaConfiguration", "WebAuthnConfiguration"}

// newPoolSettings validates a CreateUserPool request and fills in defaults.
func newPoolSettings(in PoolInput) (PoolSettings, error) {
	var st PoolSettings
	if len(in.UsernameAttributes) > 0 && len(in.AliasAttributes) > 0 {
		return st, invalidParam("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	if !checkAll(in.UsernameAttributes, "email", "phone_number") {
		return st, invalidParam("UsernameAttributes may only contain email and phone_number.")
	}
	if !checkAll(in.AliasAttributes, "email", "phone_number", "preferred_username") {
		return st, invalidParam("AliasAttributes may only contain email, phone_number and preferred_username.")
	}
	st.UsernameAttributes = in.UsernameAttributes
	st.AliasAttributes = in.AliasAttributes
	st.CaseSensitive = true
	if in.CaseSensitive != nil {
		st.CaseSensitive = *in.CaseSensitive
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return st, err
	}
	st.Schema = schema
	st.UserPoolTier = "ESSENTIALS"
	if err := applyUpdatable(&st, in); err != nil {
		return st, err
	}
	return st, nil
}

func checkPoolName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > 128 {
		return invalidParam("The pool name must be between 1 and 128 characters.")
	}
	return nil
}

// randomString draws n characters of alphabet from r without modulo bias.
func randomString(r io.Reader, n int, alphabet string) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

func encodeSettings(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, Internal(err)
	}
	return b, nil
}

// PoolARN is the ARN of a pool: arn:aws:cognito-idp:<region>:<account>:userpool/<id>,
// the region being the pool id's prefix (the region the pool was created in).
func (s *Service) PoolARN(poolID string) string {
	region := RegionOf(poolID)
	if region == "" {
		region = s.region
	}
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, s.acct, poolID)
}

// CreatePool creates a user pool (CreateUserPool).
func (s *Service) CreatePool(ctx context.Context, in PoolInput) (*Pool, error) {
	if err := checkPoolName(in.Name); err != nil {
		return nil, err
	}
	settings, err := newPoolSettings(in)
	if err != nil {
		return nil, err
	}
	raw, err := encodeSettings(settings)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	region := s.requestRegion(ctx)
	// Nine characters of 62 make a collision vanishingly rare; retry anyway.
	for attempt := 0; attempt < 5; attempt++ {
		suffix, err := randomString(s.rand, poolIDSuffix, poolIDAlphabet)
		if err != nil {
			return nil, Internal(err)
		}
		sp := store.Pool{ID: region + "_" + suffix, Name: in.Name, Settings: raw, CreatedAt: now, UpdatedAt: now}
		err = s.store.CreatePool(ctx, sp)
		if errors.Is(err, store.ErrAlreadyExists) {
			continue
		}
		if err != nil {
			return nil, Internal(err)
		}
		return &Pool{ID: sp.ID, Name: sp.Name, Settings: settings, CreatedAt: now, UpdatedAt: now}, nil
	}
	return nil, Internal(errors.New("could not mint a unique pool id"))
}

// DescribePool returns a pool and its estimated number of users (DescribeUserPool).
func (s *Service) DescribePool(ctx context.Context, poolID string) (*Pool, int64, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.store.CountUsers(ctx, poolID)
	if err != nil {
		return nil, 0, Internal(err)
	}
	return p, n, nil
}

// ListPools lists pools by id (ListUserPools). limit is 1..60; token is the
// NextToken of the previous page ("" for the first). The returned token is ""
// on the last page.
func (s *Service) ListPools(ctx context.Context, limit int, token string) ([]*Pool, string, error) {
	sps, next, err := s.store.ListPools(ctx, store.Page{Limit: clampLimit(limit), Token: token})
	return decodePage(sps, next, err, decodePool)
}

// decodePage decodes a page of store records (recs, next, err as the store
// listed them) with decode.
func decodePage[R, T any](recs []R, next string, err error, decode func(R) (*T, error)) ([]*T, string, error) {
	if err != nil {
		return nil, "", pageError(err)
	}
	out := make([]*T, 0, len(recs))
	for _, r := range recs {
		v, err := decode(r)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, next, nil
}

func clampLimit(limit int) int {
	if limit <= 0 || limit > store.MaxPageSize {
		return store.MaxPageSize
	}
	return limit
}

func pageError(err error) error {
	if errors.Is(err, store.ErrInvalidToken) {
		return invalidParam("Invalid pagination token.")
	}
	return Internal(err)
}

// UpdatePool replaces the updatable settings of a pool (UpdateUserPool); see
// the package notes above for what an omitted member becomes.
func (s *Service) UpdatePool(ctx context.Context, poolID string, in PoolInput) (*Pool, error) {
	if in.Name != "" {
		if err := checkPoolName(in.Name); err != nil {
			return nil, err
		}
	}
	now := s.nowUTC()
	var result *Pool
	defer s.pools.invalidate(poolID)
	sp, err := s.store.UpdatePool(ctx, poolID, func(sp *store.Pool) error {
		p, err := decodePool(*sp)
		if err != nil {
			return err
		}
		st := p.Settings
		if err := applyUpdatable(&st, in); err != nil {
			return err
		}
		raw, err := encodeSettings(st)
		if err != nil {
			return err
		}
		if in.Name != "" {
			sp.Name = in.Name
		}
		sp.Settings = raw
		sp.UpdatedAt = now
		result = &Pool{ID: sp.ID, Name: sp.Name, Settings: st, CreatedAt: sp.CreatedAt, UpdatedAt: now}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
	}
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, Internal(err)
	}
	if result == nil { // the store did not run the updater: reread
		return decodePool(sp)
	}
	return result, nil
}

// DeletePool deletes a pool with everything in it (DeleteUserPool). A pool
// with DeletionProtection ACTIVE is refused.
func (s *Service) DeletePool(ctx context.Context, poolID string) error {
	// The protection flag is read from the store, not the cache: another
	// instance may have just turned it on.
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	if p.Settings.DeletionProtection == DeletionProtectionActive {
		return invalidParam("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	}
	if has, err := s.hasDomain(ctx, poolID); err != nil {
		return err
	} else if has {
		return invalidParam("User pool cannot be deleted. It has a domain configured that should be deleted first.")
	}
	defer s.pools.invalidate(poolID)
	err = s.store.DeletePool(ctx, poolID)
	if err != nil {
		return storeError(err, on(store.ErrNotFound, func() *Error { return Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID) }))
	}
	return nil
}
