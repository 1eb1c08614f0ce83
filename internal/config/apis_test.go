package config

import (
	"strings"
	"testing"
)

func TestAPIsSection(t *testing.T) {
	const doc = `
pools:
  - name: app
    groups: [{name: ADMINS}]
apis:
  - name: data
    pool: app
    operations:
      - name: addUserToGroup
        kind: mutation
        arguments:
          - {name: userId, type: "String!"}
          - {name: groupName, type: "String!"}
        returns: AWSJSON
        authorization: {groups: [ADMINS]}
        handler: {builtin: addUserToGroup}
`
	cfg, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	g := cfg.APIs[0].GraphQL(cfg.APIs[0].PoolRef(map[string]string{"app": "us-east-1_abcdefghi"}))
	if g.PoolID != "us-east-1_abcdefghi" || g.Operations[0].Builtin != "addUserToGroup" || g.Operations[0].Arguments[1].Type != "String!" {
		t.Fatalf("converted %+v", g)
	}

	bad := strings.NewReplacer("pool: app", "pool: nope", `"String!"}`+"\n          - {name: groupName", `"Strin"}`+"\n          - {name: groupName", "kind: mutation", "kind: subscription").Replace(doc)
	cfg, err = Parse(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate()
	for _, want := range []string{`apis[0].pool: "nope" is not a declared pool`, `apis[0].operations[0].kind: "subscription"`, `apis[0].operations[0].arguments[0].type: "Strin" is not one of`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}
