package iam

import (
	"errors"
	"strings"
	"testing"

	"userpool/internal/store"
)

var (
	poolA = PoolRef{ID: "us-east-1_AAAAAAAAA", Name: "customers"}
	poolB = PoolRef{ID: "eu-west-1_BBBBBBBBB", Name: "staff"}
)

func principal(grants ...store.Grant) store.Principal {
	return store.Principal{Name: "fn", Grants: grants}
}

func TestAllowed(t *testing.T) {
	tests := []struct {
		name   string
		grants []store.Grant
		op     string
		pool   PoolRef
		want   bool
	}{
		{"by id", []store.Grant{{Pool: poolA.ID, Actions: []string{"getUser"}}}, "AdminGetUser", poolA, true},
		{"by name", []store.Grant{{Pool: "customers", Actions: []string{"getUser"}}}, "AdminGetUser", poolA, true},
		{"by star", []store.Grant{{Pool: "*", Actions: []string{"getUser"}}}, "AdminGetUser", poolB, true},
		{"id does not reach other pool", []store.Grant{{Pool: poolA.ID, Actions: []string{"getUser"}}}, "AdminGetUser", poolB, false},
		{"name does not reach other pool", []store.Grant{{Pool: "customers", Actions: []string{"cognito-idp:*"}}}, "AdminGetUser", poolB, false},
		{"pool name is not an id", []store.Grant{{Pool: "staff", Actions: []string{"getUser"}}}, "AdminGetUser", PoolRef{ID: "staff"}, true},
		{"action not granted", []store.Grant{{Pool: poolA.ID, Actions: []string{"getUser"}}}, "AdminDeleteUser", poolA, false},
		{"manageUsers lacks ListUsers", []store.Grant{{Pool: "*", Actions: []string{"manageUsers"}}}, "ListUsers", poolA, false},
		{"manageUsers lacks AddUserToGroup", []store.Grant{{Pool: "*", Actions: []string{"manageUsers"}}}, "AdminAddUserToGroup", poolA, false},
		{"manageUsers has AdminCreateUser", []store.Grant{{Pool: "*", Actions: []string{"manageUsers"}}}, "AdminCreateUser", poolA, true},
		{"listUsers", []store.Grant{{Pool: poolA.ID, Actions: []string{"listUsers"}}}, "ListUsers", poolA, true},
		{"raw action", []store.Grant{{Pool: poolA.ID, Actions: []string{"cognito-idp:AdminInitiateAuth"}}}, "AdminInitiateAuth", poolA, true},
		{"raw action other op", []store.Grant{{Pool: poolA.ID, Actions: []string{"cognito-idp:AdminInitiateAuth"}}}, "AdminGetUser", poolA, false},
		{"wildcard", []store.Grant{{Pool: poolA.ID, Actions: []string{"cognito-idp:*"}}}, "DeleteUserPool", poolA, true},
		{"prefixed operation", []store.Grant{{Pool: poolA.ID, Actions: []string{"getUser"}}}, "cognito-idp:AdminGetUser", poolA, true},
		{"second grant matches", []store.Grant{
			{Pool: poolB.ID, Actions: []string{"cognito-idp:*"}},
			{Pool: poolA.ID, Actions: []string{"listGroups"}},
		}, "ListGroups", poolA, true},
		{"ListUserPools needs star", []store.Grant{{Pool: poolA.ID, Actions: []string{"cognito-idp:*"}}}, "ListUserPools", PoolRef{}, false},
		{"ListUserPools needs star even with a pool ref", []store.Grant{{Pool: poolA.ID, Actions: []string{"cognito-idp:ListUserPools"}}}, "ListUserPools", poolA, false},
		{"ListUserPools on star", []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:ListUserPools"}}}, "ListUserPools", PoolRef{}, true},
		{"CreateUserPool on star wildcard", []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}, "CreateUserPool", PoolRef{}, true},
		{"CreateUserPool by name", []store.Grant{{Pool: "customers", Actions: []string{"cognito-idp:*"}}}, "CreateUserPool", PoolRef{Name: "customers"}, false},
		{"empty ref matches only star", []store.Grant{{Pool: poolA.ID, Actions: []string{"getUser"}}}, "AdminGetUser", PoolRef{}, false},
		{"empty grant pool matches nothing", []store.Grant{{Pool: "", Actions: []string{"getUser"}}}, "AdminGetUser", PoolRef{}, false},
		{"unsigned op never", []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}, "SignUp", poolA, false},
		{"unknown op never", []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}, "AdminGetUsers", poolA, false},
		{"op case must match the wire", []store.Grant{{Pool: "*", Actions: []string{"cognito-idp:*"}}}, "admingetuser", poolA, false},
		{"invalid action allows nothing", []store.Grant{{Pool: "*", Actions: []string{"bogus"}}}, "AdminGetUser", poolA, false},
		{"no grants", nil, "AdminGetUser", poolA, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := principal(tc.grants...)
			if got := Allowed(p, tc.op, tc.pool); got != tc.want {
				t.Errorf("Allowed = %v, want %v", got, tc.want)
			}
			if pol, err := Compile(p); err == nil {
				if got := pol.Allows(tc.op, tc.pool); got != tc.want {
					t.Errorf("Compile().Allows = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestEveryAmplifyActionAllowsExactlyItsOperations(t *testing.T) {
	for name, want := range amplifyTable {
		pol, err := Compile(principal(store.Grant{Pool: poolA.ID, Actions: []string{name}}))
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range SignedOperations() {
			expected := false
			for _, w := range want {
				expected = expected || w == op
			}
			if got := pol.Allows(op, poolA); got != expected {
				t.Errorf("%s: Allows(%s) = %v, want %v", name, op, got, expected)
			}
			if pol.Allows(op, poolB) {
				t.Errorf("%s on pool A allows %s on pool B", name, op)
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, p := range []store.Principal{
		principal(store.Grant{Pool: "", Actions: []string{"getUser"}}),
		principal(store.Grant{Pool: "*", Actions: nil}),
		principal(store.Grant{Pool: "*", Actions: []string{"getUser", "getUsers"}}),
	} {
		if _, err := Compile(p); err == nil {
			t.Errorf("Compile(%+v) succeeded", p.Grants)
		}
	}
	var nilPolicy *Policy
	if nilPolicy.Allows("AdminGetUser", poolA) {
		t.Error("nil policy allows")
	}
}

func TestCredentialAuthorize(t *testing.T) {
	p := store.Principal{Name: "addUserToGroupFn", Grants: []store.Grant{{Pool: poolA.ID, Actions: []string{"addUserToGroup"}}}}
	c := &Credential{Principal: p, Policy: compileLenient(p)}
	if err := c.Authorize("", "us-east-1", "AdminAddUserToGroup", poolA); err != nil {
		t.Fatalf("allowed call denied: %v", err)
	}
	err := c.Authorize("", "us-east-1", "AdminAddUserToGroup", poolB)
	var d *DeniedError
	if !errors.As(err, &d) {
		t.Fatalf("err = %v, want *DeniedError", err)
	}
	want := "User: arn:aws:iam::000000000000:user/addUserToGroupFn is not authorized to perform: cognito-idp:AdminAddUserToGroup on resource: arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_BBBBBBBBB because no identity-based policy allows the cognito-idp:AdminAddUserToGroup action"
	if d.Message != want {
		t.Errorf("message =\n %s\nwant\n %s", d.Message, want)
	}
	if !strings.HasPrefix(err.Error(), "AccessDeniedException: ") {
		t.Errorf("Error() = %q", err.Error())
	}
	err = c.Authorize("123456789012", "us-east-1", "ListUserPools", PoolRef{})
	if !errors.As(err, &d) || d.Resource != "*" || d.PrincipalARN != "arn:aws:iam::123456789012:user/addUserToGroupFn" {
		t.Errorf("ListUserPools denial = %+v", d)
	}
}
