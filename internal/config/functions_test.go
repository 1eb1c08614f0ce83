package config

import (
	"strings"
	"testing"
	"time"
)

func TestFunctionsParseAndValidate(t *testing.T) {
	c, err := Parse(strings.NewReader(`
pools: [{name: app}]
functions_runtime: {node: /usr/bin/node}
functions:
  - name: add-user-to-group
    runtime: node
    handler: amplify/data/add-user-to-group/handler.mjs
    workers: 1
    timeout: 3s
    env: {STAGE: dev}
    grants: [{pool: app, actions: [addUserToGroup]}]
  - {name: pre-sign-up, runtime: lambda, endpoint: "http://127.0.0.1:3001", function_name: PreSignUpFn, access_key_id: AKID, secret_access_key_env: LAMBDA_SECRET}
  - {name: hook, runtime: webhook, url: "https://hooks.example.com/cognito", secret_env: HOOK_SECRET}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	f := c.Functions[0]
	if f.Timeout != 3*time.Second || f.Workers != 1 || f.Env["STAGE"] != "dev" || f.Grants[0].Actions[0] != "addUserToGroup" || c.FunctionsRuntime.Node != "/usr/bin/node" {
		t.Errorf("parsed %+v %+v", f, c.FunctionsRuntime)
	}

	for _, tc := range []struct{ yaml, problem string }{
		{`functions: [{name: "bad name", runtime: node, handler: h.mjs}]`, `functions[0].name: "bad name" must be`},
		{`functions: [{name: a, runtime: node, handler: h.mjs}, {name: a, runtime: node, handler: h.mjs}]`, `functions[1].name: duplicate function "a"`},
		{`functions: [{name: a, runtime: python}]`, `functions[0].runtime: "python" is not one of node, lambda, webhook`},
		{`functions: [{name: a, runtime: node}]`, `functions[0].handler: a node function needs`},
		{`functions: [{name: a, runtime: lambda, endpoint: "localhost:3001"}]`, `functions[0].endpoint: "localhost:3001" is not an http(s) URL`},
		{`functions: [{name: a, runtime: lambda, endpoint: "http://x", access_key_id: AK}]`, `functions[0]: access_key_id and secret_access_key_env go together`},
		{`functions: [{name: a, runtime: webhook, url: "http://x"}]`, `functions[0]: a webhook needs exactly one of secret_env and secret_file`},
		{`functions: [{name: a, runtime: node, handler: h.mjs, timeout: 20m}]`, `functions[0].timeout: 20m0s is not between`},
		{`functions: [{name: a, runtime: node, handler: h.mjs, grants: [{pool: nope, actions: [listUsers]}]}]`, `functions[0].grants[0].pool: "nope" is not a declared pool`},
		{`functions: [{name: a, runtime: node, handler: h.mjs, grants: [{pool: "*", actions: [flyToTheMoon]}]}]`, `functions[0].grants[0].actions[0]:`},
		{"principals: [{name: a, grants: [{pool: \"*\", actions: [listUsers]}]}]\nfunctions: [{name: a, runtime: node, handler: h.mjs, grants: [{pool: \"*\", actions: [listUsers]}]}]", `functions[0].grants: principal "a" is declared too`},
	} {
		c, err := Parse(strings.NewReader(tc.yaml))
		if err != nil {
			t.Errorf("%s: %v", tc.yaml, err)
			continue
		}
		err = c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("%s:\n got %v\nwant %q", tc.yaml, err, tc.problem)
		}
	}
}
