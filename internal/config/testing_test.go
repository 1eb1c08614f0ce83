package config

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSeed(t *testing.T) {
	t.Parallel()
	good := `users:
  - pool: app
    username: alice@example.com
    password: "Passw0rd!"
    attributes: {email_verified: "true", "custom:tenant": acme}
    groups: [EDITORS]
  - {pool: us-east-1_AppPool01, username: bob, password: "Temp-passw0rd!", temporary: true, enabled: false}
`
	s, err := ParseSeed("seed.yaml", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Users) != 2 || s.Users[0].Attributes["custom:tenant"] != "acme" || s.Users[0].Groups[0] != "EDITORS" ||
		!s.Users[1].Temporary || s.Users[1].Enabled == nil || *s.Users[1].Enabled {
		t.Fatalf("parsed %+v", s)
	}

	_, err = ParseSeed("seed.yaml", strings.NewReader("users:\n  - pool: app\n    usernme: x\n"))
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "seed.yaml:3:5") || !strings.Contains(err.Error(), "username") {
		t.Fatalf("unknown field: %v", err)
	}

	_, err = ParseSeed("seed.yaml", strings.NewReader("users:\n  - {username: x, status: ARCHIVED, temporary: true}\n"))
	var p Problems
	if !errors.As(err, &p) || len(p) != 3 {
		t.Fatalf("problems: %v", err)
	}

	// The same section in the configuration, validated with the rest.
	cfg, err := Parse(strings.NewReader("testing_api: {enabled: true}\nseed: {users: [{pool: app}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.TestingAPI.Enabled {
		t.Fatal("testing_api.enabled not read")
	}
	err = cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "seed.users[0].username: required") {
		t.Fatalf("validate: %v", err)
	}
}
