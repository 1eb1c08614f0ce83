package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"userpool/internal/adminqueries"
	"userpool/internal/cognitorules"
	"userpool/internal/iam"
)

// Auth configures how signed (IAM) calls are authenticated.
type Auth struct {
	// MasterKeyFile holds the 32-byte key that encrypts access key secrets
	// and token signing keys at rest. When neither it nor
	// USERPOOL_MASTER_KEY is set, <data>/master.key is generated on first start.
	MasterKeyFile string `yaml:"master_key_file"`
	// DevAcceptAnyCredentials accepts any well-formed SigV4 signature and
	// allows every operation. For local development only.
	DevAcceptAnyCredentials bool `yaml:"dev_accept_any_credentials"`
}

// Token issuer forms.
const (
	IssuerBase = "base" // <public_url>/<poolId>: discovery and JWKS served by this server
	IssuerAWS  = "aws"  // https://cognito-idp.<region>.amazonaws.com/<poolId>, as real Cognito
)

// Tokens configures the tokens the server issues.
type Tokens struct {
	// Issuer is "base" (default) or "aws".
	Issuer string `yaml:"issuer"`
	// IdentityCredentialsValidity is how long the temporary credentials of
	// an identity pool (GetCredentialsForIdentity) live: 15m to 12h,
	// default 1h as in Cognito.
	IdentityCredentialsValidity time.Duration `yaml:"identity_credentials_validity"`
}

// SMTP configures e-mail delivery of codes and invitations. Absent: codes are
// written to the log.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"` // default 587
	From     string `yaml:"from"`
	Username string `yaml:"username"`
	// PasswordEnv names the environment variable holding the SMTP password
	// (never the password itself).
	PasswordEnv string `yaml:"password_env"`
	// RequireTLS refuses to send when the server does not offer STARTTLS.
	RequireTLS bool `yaml:"require_tls"`
	// ImplicitTLS connects with TLS from the start (SMTPS, usually port 465).
	ImplicitTLS bool `yaml:"implicit_tls"`
}

// Pool is a declared user pool. It is matched by ID when given, else by name.
type Pool struct {
	Name string `yaml:"name"`
	// ID fixes the pool id (<region>_<9 letters or digits>); optional.
	ID                 string          `yaml:"id"`
	UsernameAttributes []string        `yaml:"username_attributes"`
	AliasAttributes    []string        `yaml:"alias_attributes"`
	CaseSensitive      *bool           `yaml:"case_sensitive"`
	PasswordPolicy     *PasswordPolicy `yaml:"password_policy"`
	// MFA is MfaConfiguration: OFF (default), ON or OPTIONAL (TOTP).
	MFA string `yaml:"mfa"`
	// SignInPolicy is Policies.SignInPolicy (choice-based sign-in factors).
	SignInPolicy *SignInPolicy `yaml:"sign_in_policy"`
	// AutoVerifiedAttributes (email, phone_number) are verified by a code
	// sent at sign-up: SignUp then answers CodeDeliveryDetails.
	AutoVerifiedAttributes []string `yaml:"auto_verified_attributes"`
	// DeletionProtection is ACTIVE or INACTIVE (default).
	DeletionProtection string `yaml:"deletion_protection"`
	// UserPoolTier is LITE, ESSENTIALS (default) or PLUS.
	UserPoolTier          string                 `yaml:"user_pool_tier"`
	DeviceConfiguration   *DeviceConfiguration   `yaml:"device_configuration"`
	AdminCreateUserConfig *AdminCreateUserConfig `yaml:"admin_create_user_config"`
	// Schema adds custom attributes and changes standard ones.
	Schema                      []SchemaAttribute            `yaml:"schema"`
	VerificationMessageTemplate *VerificationMessageTemplate `yaml:"verification_message_template"`
	// EmailVerificationMessage, EmailVerificationSubject and
	// SmsVerificationMessage are the legacy forms of the template's members.
	EmailVerificationMessage *string `yaml:"email_verification_message"`
	EmailVerificationSubject *string `yaml:"email_verification_subject"`
	SmsVerificationMessage   *string `yaml:"sms_verification_message"`
	// SmsAuthenticationMessage carries an SMS MFA code ({####}).
	SmsAuthenticationMessage    *string                      `yaml:"sms_authentication_message"`
	UserAttributeUpdateSettings *UserAttributeUpdateSettings `yaml:"user_attribute_update_settings"`
	AccountRecoverySetting      *AccountRecoverySetting      `yaml:"account_recovery_setting"`
	LambdaConfig                *LambdaConfig                `yaml:"lambda_config"`
	EmailConfiguration          *EmailConfiguration          `yaml:"email_configuration"`
	SmsConfiguration            *SmsConfiguration            `yaml:"sms_configuration"`
	UserPoolAddOns              *UserPoolAddOns              `yaml:"user_pool_add_ons"`
	UserPoolTags                map[string]string            `yaml:"user_pool_tags"`
	Groups                      []Group                      `yaml:"groups"`
	Clients                     []Client                     `yaml:"clients"`
	AdminQueries                *AdminQueries                `yaml:"admin_queries"`
}

// PasswordPolicy is a pool's password policy; omitted members take
// Cognito's defaults (8 characters, every class required, 7 days).
type PasswordPolicy struct {
	MinimumLength                 *int  `yaml:"minimum_length"`
	RequireUppercase              *bool `yaml:"require_uppercase"`
	RequireLowercase              *bool `yaml:"require_lowercase"`
	RequireNumbers                *bool `yaml:"require_numbers"`
	RequireSymbols                *bool `yaml:"require_symbols"`
	TemporaryPasswordValidityDays *int  `yaml:"temporary_password_validity_days"`
	// PasswordHistorySize (0-24) refuses that many previous passwords.
	PasswordHistorySize *int `yaml:"password_history_size"`
}

// Group is a declared group of a pool, matched by name.
type Group struct {
	Name        string  `yaml:"name"`
	Precedence  *int64  `yaml:"precedence"`
	Description *string `yaml:"description"`
	RoleARN     *string `yaml:"role_arn"`
}

// Client is a declared app client, matched by ID when given, else by name.
type Client struct {
	Name string `yaml:"name"`
	// ID fixes the client id (letters, digits, '_' and '+'; 1-128); optional.
	ID                         string    `yaml:"id"`
	GenerateSecret             bool      `yaml:"generate_secret"`
	ExplicitAuthFlows          []string  `yaml:"explicit_auth_flows"`
	AccessTokenValidity        *Validity `yaml:"access_token_validity"`
	IDTokenValidity            *Validity `yaml:"id_token_validity"`
	RefreshTokenValidity       *Validity `yaml:"refresh_token_validity"`
	PreventUserExistenceErrors string    `yaml:"prevent_user_existence_errors"` // LEGACY | ENABLED
	ReadAttributes             []string  `yaml:"read_attributes"`
	WriteAttributes            []string  `yaml:"write_attributes"`
	// EnableTokenRevocation (default true) allows RevokeToken.
	EnableTokenRevocation                    *bool `yaml:"enable_token_revocation"`
	EnablePropagateAdditionalUserContextData *bool `yaml:"enable_propagate_additional_user_context_data"`
	// AuthSessionValidity is the lifetime of a sign-in challenge session in
	// minutes (3-15, default 3).
	AuthSessionValidity *int `yaml:"auth_session_validity"`
	// RefreshTokenRotation: a new refresh token with every refresh.
	RefreshTokenRotation *RefreshTokenRotation `yaml:"refresh_token_rotation"`
	// OAuth 2.0 members: enforced by the hosted login and /oauth2 endpoints (docs/oauth.md).
	SupportedIdentityProviders      []string                `yaml:"supported_identity_providers"`
	CallbackURLs                    []string                `yaml:"callback_urls"`
	LogoutURLs                      []string                `yaml:"logout_urls"`
	DefaultRedirectURI              string                  `yaml:"default_redirect_uri"`
	AllowedOAuthFlows               []string                `yaml:"allowed_oauth_flows"` // code | implicit | client_credentials
	AllowedOAuthScopes              []string                `yaml:"allowed_oauth_scopes"`
	AllowedOAuthFlowsUserPoolClient *bool                   `yaml:"allowed_oauth_flows_user_pool_client"`
	AnalyticsConfiguration          *AnalyticsConfiguration `yaml:"analytics_configuration"`
}

// AdminQueries configures the Amplify Admin Queries REST API of a pool.
type AdminQueries struct {
	Enabled bool `yaml:"enabled"`
	// Groups whose members may call the API (Amplify allows one). Required
	// when enabled, unless AllowAllUsers is set.
	Groups []string `yaml:"groups"`
	// AllowAllUsers lets every signed-in user of the pool call the API (the
	// template's GROUP=NONE). It must be said explicitly: nothing is open by
	// default.
	AllowAllUsers bool `yaml:"allow_all_users"`
	// DisabledRoutes are route names (e.g. "signUserOut") to answer 404.
	DisabledRoutes []string `yaml:"disabled_routes"`
	// AllowedOrigins for CORS ("*" or scheme://host[:port]).
	AllowedOrigins []string `yaml:"allowed_origins"`
	// Compat is "strict" (default: 4xx for client errors, 403 for
	// non-members) or "template" (the Amplify template's 500s).
	Compat string `yaml:"compat"`
	// OmitMetadata drops "$metadata" from read responses (templates before
	// Amplify CLI 12.0.0).
	OmitMetadata bool `yaml:"omit_metadata"`
}

// Principal is a declared server-side caller with its grants. Its grants
// replace the stored ones at every start; its access keys are kept.
type Principal struct {
	Name   string  `yaml:"name"`
	Grants []Grant `yaml:"grants"`
}

// Grant allows actions on a pool ("*", a pool name or a pool id).
type Grant struct {
	Pool    string   `yaml:"pool"`
	Actions []string `yaml:"actions"`
}

// Validity is a token validity written as an integer and a unit: "30s",
// "60m", "1h", "30d".
type Validity struct {
	Value int64
	Unit  string // seconds | minutes | hours | days
}

var validityRe = regexp.MustCompile(`^([0-9]{1,6})\s*(s|m|h|d)$`)

var validityUnits = map[string]string{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

// ParseValidity parses "<n><s|m|h|d>".
func ParseValidity(s string) (Validity, error) {
	m := validityRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Validity{}, fmt.Errorf("%q is not a validity like 60m, 1h or 30d", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return Validity{Value: n, Unit: validityUnits[m[2]]}, nil
}

// UnmarshalText implements encoding.TextUnmarshaler (used by the YAML decoder).
func (v *Validity) UnmarshalText(b []byte) error {
	p, err := ParseValidity(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// Duration is the validity as a time.Duration.
func (v Validity) Duration() time.Duration {
	switch v.Unit {
	case "seconds":
		return time.Duration(v.Value) * time.Second
	case "minutes":
		return time.Duration(v.Value) * time.Minute
	case "hours":
		return time.Duration(v.Value) * time.Hour
	}
	return time.Duration(v.Value) * 24 * time.Hour
}

// The rules of ids, names and auth flows are cognitorules' (the same ones
// the domain and the faces apply); the members below use them with the
// model's length bounds.
var (
	poolName    = cognitorules.Member{Min: 1, Max: 128, Pattern: cognitorules.PoolName}
	clientName  = cognitorules.Member{Min: 1, Max: 128, Pattern: cognitorules.ClientName}
	groupName   = cognitorules.Member{Min: 1, Max: 128, Pattern: cognitorules.Name}
	roleARN     = cognitorules.Member{Min: 20, Max: 2048, Pattern: cognitorules.ARN}
	description = cognitorules.Member{Max: 2048}
)

var (
	principalNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	envNameRe       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func (p *Problems) add(path, format string, args ...any) {
	*p = append(*p, path+": "+fmt.Sprintf(format, args...))
}

func inSet(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func (c *Config) validateDeclared(p *Problems) {
	switch c.Tokens.Issuer {
	case IssuerBase, IssuerAWS:
	default:
		p.add("tokens.issuer", "%q is not one of base, aws", c.Tokens.Issuer)
	}
	if v := c.Tokens.IdentityCredentialsValidity; v != 0 && (v < 15*time.Minute || v > 12*time.Hour) {
		p.add("tokens.identity_credentials_validity", "%s is not between 15m and 12h", v)
	}
	if c.SMTP != nil {
		s := c.SMTP
		if s.Host == "" {
			p.add("smtp.host", "must not be empty")
		}
		if s.Port < 1 || s.Port > 65535 {
			p.add("smtp.port", "%d is not a port number", s.Port)
		}
		if _, err := mail.ParseAddress(s.From); err != nil {
			p.add("smtp.from", "%q is not an e-mail address (\"addr@example.com\" or \"Name <addr@example.com>\")", s.From)
		}
		if s.PasswordEnv != "" && !envNameRe.MatchString(s.PasswordEnv) {
			p.add("smtp.password_env", "%q is not an environment variable name", s.PasswordEnv)
		}
		if s.PasswordEnv != "" && s.Username == "" {
			p.add("smtp.username", "must be set when password_env is")
		}
		if s.Username != "" && s.PasswordEnv == "" {
			p.add("smtp.password_env", "name the environment variable that holds the password of username %q", s.Username)
		}
	}

	c.validateSMS(p)

	names := map[string]int{}
	ids := map[string]int{}
	clientIDs := map[string]string{}
	for i := range c.Pools {
		pool := &c.Pools[i]
		path := fmt.Sprintf("pools[%d]", i)
		if !poolName.Valid(pool.Name) {
			p.add(path+".name", "%q must be 1-128 letters, digits, spaces or +=,.@-", pool.Name)
		} else if j, dup := names[pool.Name]; dup {
			p.add(path+".name", "duplicate pool name %q (also pools[%d])", pool.Name, j)
		} else {
			names[pool.Name] = i
		}
		if cognitorules.ValidPoolID(pool.Name) {
			p.add(path+".name", "%q looks like a pool id; grants could not tell them apart", pool.Name)
		}
		if pool.ID != "" {
			if !cognitorules.ValidPoolID(pool.ID) {
				p.add(path+".id", "%q is not a pool id like %s_AbC123xyz (<region>_<9 letters or digits>)", pool.ID, c.Server.Region)
			} else if j, dup := ids[pool.ID]; dup {
				p.add(path+".id", "duplicate pool id %q (also pools[%d])", pool.ID, j)
			} else {
				ids[pool.ID] = i
			}
		}
		validatePool(p, path, pool, clientIDs)
	}

	principals := map[string]int{}
	for i, pr := range c.Principals {
		path := fmt.Sprintf("principals[%d]", i)
		if !principalNameRe.MatchString(pr.Name) {
			p.add(path+".name", "%q must be 1-64 letters, digits or +=,.@_-", pr.Name)
		} else if j, dup := principals[pr.Name]; dup {
			p.add(path+".name", "duplicate principal %q (also principals[%d])", pr.Name, j)
		} else {
			principals[pr.Name] = i
		}
		if len(pr.Grants) == 0 {
			p.add(path+".grants", "at least one grant is required")
		}
		validateGrants(p, path, pr.Grants, names, ids)
	}
	c.validateRoles(p, names, ids)
}

// validateGrants checks the grants of a principal or a role (path is the
// owner's); names and ids are the declared pools'.
func validateGrants(p *Problems, path string, grants []Grant, names, ids map[string]int) {
	for k, g := range grants {
		gp := fmt.Sprintf("%s.grants[%d]", path, k)
		_, byName := names[g.Pool]
		_, byID := ids[g.Pool]
		switch {
		case g.Pool == "":
			p.add(gp+".pool", "must be a pool name, a pool id or \"*\"")
		case g.Pool == "*" || byName || byID:
		case cognitorules.ValidPoolID(g.Pool):
			// An undeclared pool id: it must exist in the store (checked when applied).
		default:
			p.add(gp+".pool", "%q is not a declared pool (name or id), a pool id or \"*\"", g.Pool)
		}
		if len(g.Actions) == 0 {
			p.add(gp+".actions", "at least one action must be specified")
		}
		for a, action := range g.Actions {
			if err := iam.ValidateActions([]string{action}); err != nil {
				reason := err.Error()
				var ae *iam.ActionError
				if errors.As(err, &ae) {
					reason = ae.Reason
				}
				p.add(fmt.Sprintf("%s.actions[%d]", gp, a), "%s", reason)
			}
		}
	}
}

func validatePool(p *Problems, path string, pool *Pool, clientIDs map[string]string) {
	for k, a := range pool.UsernameAttributes {
		if !inSet(a, "email", "phone_number") {
			p.add(fmt.Sprintf("%s.username_attributes[%d]", path, k), "%q is not one of email, phone_number", a)
		}
	}
	for k, a := range pool.AliasAttributes {
		if !inSet(a, "email", "phone_number", "preferred_username") {
			p.add(fmt.Sprintf("%s.alias_attributes[%d]", path, k), "%q is not one of email, phone_number, preferred_username", a)
		}
	}
	if len(pool.UsernameAttributes) > 0 && len(pool.AliasAttributes) > 0 {
		p.add(path, "only one of username_attributes and alias_attributes can be set")
	}
	if pp := pool.PasswordPolicy; pp != nil {
		if pp.MinimumLength != nil && (*pp.MinimumLength < 6 || *pp.MinimumLength > 99) {
			p.add(path+".password_policy.minimum_length", "%d is not between 6 and 99", *pp.MinimumLength)
		}
		if d := pp.TemporaryPasswordValidityDays; d != nil && (*d < 0 || *d > 365) {
			p.add(path+".password_policy.temporary_password_validity_days", "%d is not between 0 and 365", *d)
		}
	}
	if pool.MFA != "" && !inSet(pool.MFA, "OFF", "ON", "OPTIONAL") {
		p.add(path+".mfa", "%q is not one of OFF, ON, OPTIONAL", pool.MFA)
	}
	validateMembers(p, path, pool)

	groups := map[string]int{}
	for k, g := range pool.Groups {
		gp := fmt.Sprintf("%s.groups[%d]", path, k)
		if !groupName.Valid(g.Name) {
			p.add(gp+".name", "%q must be 1-128 letters, digits, marks, symbols or punctuation (no spaces)", g.Name)
		} else if j, dup := groups[g.Name]; dup {
			p.add(gp+".name", "duplicate group %q (also groups[%d])", g.Name, j)
		} else {
			groups[g.Name] = k
		}
		if g.Precedence != nil && *g.Precedence < 0 {
			p.add(gp+".precedence", "must not be negative")
		}
		if g.Description != nil && !description.Valid(*g.Description) {
			p.add(gp+".description", "is longer than 2048 characters")
		}
		if g.RoleARN != nil && !roleARN.Valid(*g.RoleARN) {
			p.add(gp+".role_arn", "%q is not an IAM role ARN", *g.RoleARN)
		}
	}

	clientNames := map[string]int{}
	for k := range pool.Clients {
		cl := &pool.Clients[k]
		cp := fmt.Sprintf("%s.clients[%d]", path, k)
		if !clientName.Valid(cl.Name) {
			p.add(cp+".name", "%q must be 1-128 letters, digits, spaces or +=,.@-", cl.Name)
		} else if j, dup := clientNames[cl.Name]; dup {
			p.add(cp+".name", "duplicate client name %q (also clients[%d])", cl.Name, j)
		} else {
			clientNames[cl.Name] = k
		}
		if cl.ID != "" {
			if !cognitorules.ValidClientID(cl.ID) {
				p.add(cp+".id", "%q must be 1-128 letters, digits, '_' or '+'", cl.ID)
			} else if other, dup := clientIDs[cl.ID]; dup {
				p.add(cp+".id", "duplicate client id %q (also %s)", cl.ID, other)
			} else {
				clientIDs[cl.ID] = cp
			}
		}
		var legacy, allow bool
		for f, flow := range cl.ExplicitAuthFlows {
			switch {
			case cognitorules.IsLegacyFlow(flow):
				legacy = true
			case cognitorules.IsAllowFlow(flow):
				allow = true
			default:
				p.add(fmt.Sprintf("%s.explicit_auth_flows[%d]", cp, f), "%q is not an auth flow (%s)", flow, strings.Join(cognitorules.AllowFlows(), ", "))
			}
		}
		if legacy && allow {
			p.add(cp+".explicit_auth_flows", "cannot mix legacy values (%s) with ALLOW_ values", strings.Join(cognitorules.LegacyFlows(), ", "))
		}
		checkValidity(p, cp+".access_token_validity", cl.AccessTokenValidity, 5*time.Minute, 24*time.Hour, "5m and 1d")
		checkValidity(p, cp+".id_token_validity", cl.IDTokenValidity, 5*time.Minute, 24*time.Hour, "5m and 1d")
		checkValidity(p, cp+".refresh_token_validity", cl.RefreshTokenValidity, time.Hour, 3650*24*time.Hour, "60m and 3650d")
		if cl.PreventUserExistenceErrors != "" && !inSet(cl.PreventUserExistenceErrors, "LEGACY", "ENABLED") {
			p.add(cp+".prevent_user_existence_errors", "%q is not one of LEGACY, ENABLED", cl.PreventUserExistenceErrors)
		}
	}

	if aq := pool.AdminQueries; aq != nil {
		ap := path + ".admin_queries"
		found := len(*p)
		if aq.Enabled && len(aq.Groups) == 0 && !aq.AllowAllUsers {
			p.add(ap+".groups", "name the group whose members may call Admin Queries (or set allow_all_users: true)")
		}
		if aq.AllowAllUsers && len(aq.Groups) > 0 {
			p.add(ap+".allow_all_users", "cannot be combined with groups")
		}
		for k, g := range aq.Groups {
			if _, ok := groups[g]; !ok {
				p.add(fmt.Sprintf("%s.groups[%d]", ap, k), "%q is not a group declared in this pool", g)
			}
		}
		// The route names and compat modes are adminqueries': its own
		// validator judges them, one value at a time so that each problem
		// keeps its path.
		for k, r := range aq.DisabledRoutes {
			if (adminqueries.PoolConfig{DisabledRoutes: []string{r}}).Validate() != nil {
				p.add(fmt.Sprintf("%s.disabled_routes[%d]", ap, k), "%q is not an Admin Queries route (%s)", r, strings.Join(adminQueriesRoutes(), ", "))
			}
		}
		if (adminqueries.PoolConfig{Compat: aq.Compat}).Validate() != nil {
			p.add(ap+".compat", "%q is not one of %s, %s", aq.Compat, adminqueries.CompatStrict, adminqueries.CompatTemplate)
		}
		for k, o := range aq.AllowedOrigins {
			if o == "*" {
				continue
			}
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
				p.add(fmt.Sprintf("%s.allowed_origins[%d]", ap, k), "%q is not an origin like https://app.example.com or \"*\"", o)
			}
		}
		// Whatever else the owner refuses (none of the checks above did).
		if len(*p) == found {
			if err := aq.PoolConfig().Validate(); err != nil {
				p.add(ap, "%v", err)
			}
		}
	}
}

func checkValidity(p *Problems, path string, v *Validity, lo, hi time.Duration, rng string) {
	if v == nil {
		return
	}
	if d := v.Duration(); d < lo || d > hi {
		p.add(path, "%d %s is not between %s", v.Value, v.Unit, rng)
	}
}

// PoolByRef finds a declared pool by name or id.
func (c *Config) PoolByRef(ref string) (*Pool, bool) {
	for i := range c.Pools {
		if c.Pools[i].Name == ref || (c.Pools[i].ID != "" && c.Pools[i].ID == ref) {
			return &c.Pools[i], true
		}
	}
	return nil, false
}
