package config

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// The declarative configuration covers every member of CreateUserPool and
// CreateUserPoolClient: this test walks the AWS SDK's input shapes (the
// model, regenerated with every API change) and fails for a member with
// no configuration field (snake_case of its name, or the renamed table)
// and not in the notDeclarable table, recursing into nested structures.
// A member added to the API makes it fail until the configuration has it.

// renamed: SDK member (Shape.Member) -> the yaml name that declares it.
var renamed = map[string]string{
	"CreateUserPoolInput.PoolName":                   "name",
	"CreateUserPoolInput.MfaConfiguration":           "mfa",
	"CreateUserPoolClientInput.ClientName":           "name",
	"CreateUserPoolClientInput.AccessTokenValidity":  "access_token_validity",
	"CreateUserPoolClientInput.IdTokenValidity":      "id_token_validity",
	"CreateUserPoolClientInput.RefreshTokenValidity": "refresh_token_validity",
}

// flattened: members whose own members are declared on the enclosing
// object (Policies.PasswordPolicy is pools[].password_policy).
var flattened = map[string]bool{
	"CreateUserPoolInput.Policies":              true,
	"CreateUserPoolInput.UsernameConfiguration": true,
}

// notDeclarable: members a configuration file does not declare, and why.
var notDeclarable = map[string]string{
	"CreateUserPoolInput.IssuerConfiguration":      "not accepted by this server's CreateUserPool yet (tokens.issuer chooses the issuer for every pool); it joins the configuration when the API does",
	"CreateUserPoolInput.KeyConfiguration":         "not accepted by this server's CreateUserPool yet (signing keys are managed with userpool keys); it joins the configuration when the API does",
	"CreateUserPoolClientInput.UserPoolId":         "a client is declared inside its pool (pools[].clients)",
	"CreateUserPoolClientInput.ClientSecret":       "a secret does not belong in a configuration file: generate_secret creates one, which DescribeUserPoolClient returns",
	"CreateUserPoolClientInput.TokenValidityUnits": "each validity carries its unit: access_token_validity: 60m, refresh_token_validity: 30d",
}

var acronyms = strings.NewReplacer("OAuth", "Oauth", "URLs", "Urls")

// snake is the yaml name of an SDK member: KMSKeyID -> kms_key_id,
// CallbackURLs -> callback_urls, AllowedOAuthFlows -> allowed_oauth_flows.
func snake(s string) string {
	r := []rune(acronyms.Replace(s))
	var b strings.Builder
	isUpper := func(c rune) bool { return c >= 'A' && c <= 'Z' }
	for i, c := range r {
		if i > 0 && isUpper(c) && (!isUpper(r[i-1]) || (i+1 < len(r) && !isUpper(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(c)
	}
	return strings.ToLower(b.String())
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"KMSKeyID": "kms_key_id", "CallbackURLs": "callback_urls", "AllowedOAuthFlowsUserPoolClient": "allowed_oauth_flows_user_pool_client",
		"SMSMessage": "sms_message", "DefaultRedirectURI": "default_redirect_uri", "IdTokenValidity": "id_token_validity",
		"CustomSMSSender": "custom_sms_sender", "AutoVerifiedAttributes": "auto_verified_attributes",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%s) = %s, want %s", in, got, want)
		}
	}
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || (t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Struct) {
		t = t.Elem()
	}
	return t
}

// yamlFields maps the yaml names of a config struct to its fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			m[name] = f
		}
	}
	return m
}

var smithyInternal = regexp.MustCompile(`^noSmithyDocumentSerde$`)

// checkMembers checks every member of the SDK struct sdk against the config
// struct cfg; shape names the SDK shape for the tables.
func checkMembers(t *testing.T, path, shape string, sdk, cfg reflect.Type, covered map[string]bool) {
	fields := yamlFields(cfg)
	for i := 0; i < sdk.NumField(); i++ {
		m := sdk.Field(i)
		if !m.IsExported() || smithyInternal.MatchString(m.Name) {
			continue
		}
		key := shape + "." + m.Name
		if why, ok := notDeclarable[key]; ok {
			covered[key] = true
			if why == "" {
				t.Errorf("%s: not declarable without a reason", key)
			}
			continue
		}
		if flattened[key] {
			covered[key] = true
			checkMembers(t, path, elem(m.Type).Name(), elem(m.Type), cfg, covered)
			continue
		}
		name := snake(m.Name)
		if r, ok := renamed[key]; ok {
			covered[key] = true
			name = r
		}
		f, ok := fields[name]
		if !ok {
			t.Errorf("%s: the API member %s has no configuration field %q (add one, or list it in notDeclarable with the reason)", path, key, name)
			continue
		}
		// An echoed structure is encoded to the wire with its json tags:
		// they must be the member names.
		if js, _, _ := strings.Cut(f.Tag.Get("json"), ","); js != "" && js != m.Name {
			t.Errorf("%s.%s: json tag %q, want the member name %q", path, name, js, m.Name)
		}
		st, ct := elem(m.Type), elem(f.Type)
		if st.Kind() == reflect.Struct && ct.Kind() == reflect.Struct && ct.PkgPath() == reflect.TypeOf(Config{}).PkgPath() {
			checkMembers(t, path+"."+name, st.Name(), st, ct, covered)
		}
	}
}

func TestConfigCoversCreateUserPoolAndClient(t *testing.T) {
	covered := map[string]bool{}
	checkMembers(t, "pools[]", "CreateUserPoolInput", reflect.TypeOf(cip.CreateUserPoolInput{}), reflect.TypeOf(Pool{}), covered)
	checkMembers(t, "pools[].clients[]", "CreateUserPoolClientInput", reflect.TypeOf(cip.CreateUserPoolClientInput{}), reflect.TypeOf(Client{}), covered)
	// Every table entry names a member that exists (no stale entries).
	var keys []string
	for k := range renamed {
		keys = append(keys, k)
	}
	for k := range flattened {
		keys = append(keys, k)
	}
	for k := range notDeclarable {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !covered[k] {
			t.Errorf("table entry %s names no member of the SDK's input shapes", k)
		}
	}
}
