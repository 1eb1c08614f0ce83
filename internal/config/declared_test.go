package config

import (
	"errors"
	"strings"
	"testing"
)

func TestDeclaredConfigParses(t *testing.T) {
	c, err := Parse(strings.NewReader(`
auth: {master_key_file: /etc/userpool/master.key, dev_accept_any_credentials: false}
tokens: {issuer: aws}
smtp: {host: mail.example.com, from: "App <no-reply@example.com>", username: app, password_env: SMTP_PASSWORD}
pools:
  - name: app
    id: eu-west-1_AbCdEfGh1
    username_attributes: [email]
    case_sensitive: false
    password_policy: {minimum_length: 12, require_symbols: false, temporary_password_validity_days: 3}
    mfa: OPTIONAL
    groups: [{name: ADMINS, precedence: 0, description: admins, role_arn: "arn:aws:iam::123456789012:role/admins"}]
    clients:
      - {name: web, id: abc123, generate_secret: true, explicit_auth_flows: [ALLOW_USER_SRP_AUTH], access_token_validity: 15m, id_token_validity: 1h, refresh_token_validity: 30d, prevent_user_existence_errors: ENABLED, read_attributes: [email], write_attributes: [email]}
    admin_queries: {enabled: true, groups: [ADMINS], disabled_routes: [signUserOut], allowed_origins: ["https://app.example.com"]}
principals:
  - name: fn
    grants: [{pool: app, actions: [addUserToGroup, "cognito-idp:ListUsers"]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	cl := c.Pools[0].Clients[0]
	if cl.AccessTokenValidity == nil || *cl.AccessTokenValidity != (Validity{15, "minutes"}) ||
		*cl.RefreshTokenValidity != (Validity{30, "days"}) || c.SMTP.Port != 587 || c.Tokens.Issuer != IssuerAWS {
		t.Fatalf("parsed: %+v %+v %+v", cl, c.SMTP, c.Tokens)
	}
	if p, ok := c.PoolByRef("eu-west-1_AbCdEfGh1"); !ok || p.Name != "app" {
		t.Fatal("PoolByRef by id")
	}
}

func TestValidityParse(t *testing.T) {
	for in, want := range map[string]Validity{"30s": {30, "seconds"}, "60m": {60, "minutes"}, "1h": {1, "hours"}, "3650d": {3650, "days"}} {
		got, err := ParseValidity(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1", "1w", "-1h", "1.5h", "h"} {
		if _, err := ParseValidity(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := Parse(strings.NewReader("pools: [{name: a, clients: [{name: c, access_token_validity: soon}]}]")); err == nil || !strings.Contains(err.Error(), "soon") {
		t.Errorf("bad validity in YAML: %v", err)
	}
}

// TestDeclaredProblemsListedByPath: every problem is reported, each with
// its path, in file order.
func TestDeclaredProblemsListedByPath(t *testing.T) {
	c, err := Parse(strings.NewReader(`
tokens: {issuer: google}
smtp: {host: "", port: 70000, from: nobody, password_env: "1BAD"}
pools:
  - name: app
    id: us-east-1_short
    username_attributes: [email]
    alias_attributes: [preferred_username]
    password_policy: {minimum_length: 5, temporary_password_validity_days: 400}
    mfa: MAYBE
    groups:
      - {name: ADMINS, precedence: -1, role_arn: admin}
      - {name: ADMINS}
    clients:
      - {name: web, id: "bad id", explicit_auth_flows: [ALLOW_USER_SRP_AUTH, USER_PASSWORD_AUTH, MAGIC], access_token_validity: 2d, refresh_token_validity: 10m, prevent_user_existence_errors: SOMETIMES}
      - {name: web, id: shared}
    admin_queries: {enabled: true, groups: [NOPE], disabled_routes: [deleteEverything], allowed_origins: ["ftp://x", "https://ok.example.com/path"]}
  - name: app
    id: us-east-1_AbCdEfGh1
    clients: [{name: other, id: shared}]
  - name: us-east-1_AbCdEfGh2
principals:
  - name: "bad name!"
    grants: []
  - name: fn
    grants:
      - {pool: nowhere, actions: []}
      - {pool: "*", actions: [addUserToGroup, launchRockets, "cognito-idp:SignUp", "cognito-idp:Nope"]}
      - {pool: us-east-1_AbCdEfGh9, actions: [listUsers]}
  - name: fn
    grants: [{pool: app, actions: [listUsers]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	var p Problems
	if !errors.As(c.Validate(), &p) {
		t.Fatal("want Problems")
	}
	want := []string{
		"tokens.issuer:",
		"smtp.host:", "smtp.port:", "smtp.from:", "smtp.password_env:", "smtp.username:",
		"pools[0].id:",
		"pools[0]: only one of username_attributes and alias_attributes",
		"pools[0].password_policy.minimum_length:", "pools[0].password_policy.temporary_password_validity_days:",
		"pools[0].mfa:",
		"pools[0].groups[0].precedence:", "pools[0].groups[0].role_arn:", "pools[0].groups[1].name: duplicate group",
		"pools[0].clients[0].id:", "pools[0].clients[0].explicit_auth_flows[2]:", "pools[0].clients[0].explicit_auth_flows: cannot mix",
		"pools[0].clients[0].access_token_validity:", "pools[0].clients[0].refresh_token_validity:",
		"pools[0].clients[0].prevent_user_existence_errors:",
		"pools[0].clients[1].name: duplicate client name",
		"pools[0].admin_queries.groups[0]:", "pools[0].admin_queries.disabled_routes[0]:",
		"pools[0].admin_queries.allowed_origins[0]:", "pools[0].admin_queries.allowed_origins[1]:",
		"pools[1].name: duplicate pool name",
		"pools[1].clients[0].id: duplicate client id",
		"pools[2].name: \"us-east-1_AbCdEfGh2\" looks like a pool id",
		"principals[0].name:", "principals[0].grants:",
		"principals[1].grants[0].pool:", "principals[1].grants[0].actions:",
		"principals[1].grants[1].actions[1]: unknown action \"launchRockets\"",
		"principals[1].grants[1].actions[2]: \"cognito-idp:SignUp\" cannot be granted",
		"principals[1].grants[1].actions[3]: unknown Cognito operation",
		"principals[2].name: duplicate principal",
	}
	if len(p) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(p), len(want), strings.Join(p, "\n"))
	}
	for i := 0; i < len(want) && i < len(p); i++ {
		if !strings.HasPrefix(p[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, p[i], want[i])
		}
	}
}

// Ids, names and auth flows are judged by cognitorules, the rules the domain
// applies when the declaration is applied.
func TestDeclaredNamesFollowTheModel(t *testing.T) {
	cases := []struct {
		pool, want string
	}{
		{"{name: app, id: us-east-1_AbC123xyz}", ""},
		{"{name: app, id: local_abc}", "pools[0].id:"},
		{"{name: app, groups: [{name: \"two words\"}]}", "pools[0].groups[0].name:"},
		{"{name: app, groups: [{name: \"tab\\tname\"}]}", "pools[0].groups[0].name:"},
		{"{name: app, groups: [{name: Admins, role_arn: \"arn:aws:iam::123456789012:role/Admin\"}]}", ""},
		{"{name: app, groups: [{name: Admins, role_arn: \"arn:aws:iam:::role/NoAccount\"}]}", "pools[0].groups[0].role_arn:"},
		{"{name: app, clients: [{name: web, id: \"a+b_c\"}]}", ""},
		{"{name: app, clients: [{name: web, id: \"a-b\"}]}", "pools[0].clients[0].id:"},
		{"{name: app, clients: [{name: web, explicit_auth_flows: [ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY]}]}", ""},
		{"{name: app, clients: [{name: web, explicit_auth_flows: [ALLOW_USER_AUTH, USER_PASSWORD_AUTH]}]}", "cannot mix legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH)"},
		{"{name: app, clients: [{name: web, explicit_auth_flows: [USER_SRP_AUTH]}]}", "pools[0].clients[0].explicit_auth_flows[0]:"},
		{"{name: \"bad/name\"}", "pools[0].name:"},
	}
	for _, c := range cases {
		cfg, err := Parse(strings.NewReader("pools:\n  - " + c.pool + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.pool, err)
		}
		err = cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected problems: %v", c.pool, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: want %q, got %v", c.pool, c.want, err)
		}
	}
}

func TestIdentityCredentialsValidityBounds(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "15m": true, "12h": true, "1h": true, "14m": false, "13h": false} {
		text := "tokens: {}\n"
		if v != "" {
			text = "tokens: {identity_credentials_validity: " + v + "}\n"
		}
		c, err := Parse(strings.NewReader(text))
		if err == nil {
			err = c.Validate()
		}
		if (err == nil) != ok || (!ok && !strings.Contains(err.Error(), "tokens.identity_credentials_validity")) {
			t.Errorf("identity_credentials_validity %q: err %v, want ok=%v", v, err, ok)
		}
	}
}
