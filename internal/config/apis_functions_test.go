package config

import (
	"strings"
	"testing"
)

// An operation's function handler must name a declared function.
func TestAPIFunctionHandlerIsDeclared(t *testing.T) {
	const doc = `
pools:
  - name: app
functions:
  - {name: add-user-to-group, runtime: webhook, url: "https://hooks.example.com/f", secret_env: HOOK_SECRET}
apis:
  - name: data
    pool: app
    operations:
      - {name: addUserToGroup, kind: mutation, returns: AWSJSON, authorization: {authenticated: true}, handler: {function: FN}}
`
	for _, c := range []struct {
		fn, want string
	}{
		{"add-user-to-group", ""},
		{"add-user-to-grop", `apis[0].operations[0].handler.function: "add-user-to-grop" is not a declared function`},
	} {
		cfg, err := Parse(strings.NewReader(strings.Replace(doc, "FN", c.fn, 1)))
		if err != nil {
			t.Fatal(err)
		}
		err = cfg.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.fn, err, c.want)
		}
	}
}
