package config

import (
	"errors"
	"strings"
	"testing"
)

// Every decoding problem is reported at once, each with file:line:column,
// an unknown field with the valid names of its section.
func TestDecodeErrorsAllAtOnceWithPositions(t *testing.T) {
	_, err := ParseNamed("userpool.yaml", strings.NewReader(`server:
  listen: "127.0.0.1:9229"
password:
  passwrd: x
  iterations: many
pools:
  - name: app
    mfa: [ON]
    clients:
      - {name: web, acess_token_validity: 1h, refresh_token_validity: forever}
    auto_verified_attributes: email
loggin: {level: debug}
`))
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("want *DecodeError, got %v", err)
	}
	want := []string{
		`userpool.yaml:4:3: unknown field "passwrd" in password; valid: memory_kib, iterations, parallelism, insecure_fast_hashing`,
		`userpool.yaml:5:15: password.iterations: "many" is not a non-negative integer`,
		`userpool.yaml:8:10: pools[0].mfa: expected a string, got a list`,
		`userpool.yaml:10:21: unknown field "acess_token_validity" in pools[0].clients[0] (did you mean "access_token_validity"?); valid: `,
		`userpool.yaml:10:71: pools[0].clients[0].refresh_token_validity: "forever" is not a validity like 60m, 1h or 30d`,
		`userpool.yaml:11:31: pools[0].auto_verified_attributes: expected a list, got "email"`,
		`userpool.yaml:12:1: unknown field "loggin" (did you mean "log"?); valid: server, log, password`,
	}
	if len(de.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(de.Problems), len(want), strings.Join(de.Problems, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(de.Problems[i], w) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, de.Problems[i], w)
		}
	}
}

func TestDecodeSyntaxErrorHasFileAndLine(t *testing.T) {
	_, err := ParseNamed("u.yaml", strings.NewReader("server:\n  listen: [\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "u.yaml:") {
		t.Fatalf("syntax error: %v", err)
	}
}

func TestNearest(t *testing.T) {
	names := []string{"server", "log", "password", "pools"}
	for in, want := range map[string]string{"passwrd": "password", "pool": "pools", "serve": "server", "zzzzzzzz": "", "loggin": "log"} {
		if got := nearest(in, names); got != want {
			t.Errorf("nearest(%q) = %q, want %q", in, got, want)
		}
	}
}
