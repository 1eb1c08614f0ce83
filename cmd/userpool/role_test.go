package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/iam"
	"userpool/internal/store"
)

// userpool role create|list|delete write roles through the store.
func TestRoleCommands(t *testing.T) {
	key := make([]byte, iam.MasterKeySize)
	_, _ = rand.Read(key)
	t.Setenv(iam.MasterKeyEnv, hex.EncodeToString(key))
	sealer, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	st := openTestStore(t, "sqlite:"+filepath.Join(data, "userpool.db"))
	ta := newTestAppOn(t, st, sealer, nil)
	akid, secret := ta.principal(t, "admin", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	if _, err := ta.client(akid, secret, nil).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(append(append([]string{"role"}, args...), "--data", data), &out, &errb)
		return code, out.String(), errb.String()
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"guest role without grants", []string{"create", "--name", "guest"}, 0, "arn:aws:iam::000000000000:role/guest\n", ""},
		{"admins", []string{"create", "--name", "admins", "--pool", "app", "--allow", "addUserToGroup"}, 0, "arn:aws:iam::000000000000:role/admins\n", ""},
		{"grant on the same pool replaced", []string{"create", "--name", "admins", "--pool", "app", "--allow", "addUserToGroup,listUsers"}, 0, "role/admins", ""},
		{"bad action", []string{"create", "--name", "x", "--pool", "app", "--allow", "teleport"}, 2, "", `--allow: unknown action "teleport"`},
		{"pool without actions", []string{"create", "--name", "x", "--pool", "app"}, 2, "", "--pool and --allow go together"},
		{"bad name", []string{"create", "--name", "a b"}, 2, "", `--name: "a b" must be`},
		{"unknown pool", []string{"create", "--name", "x", "--pool", "nosuch", "--allow", "listUsers"}, 1, "", `--pool: no pool has the id or name "nosuch"`},
		{"list", []string{"list"}, 0, "admins  arn:aws:iam::000000000000:role/admins  app: addUserToGroup,listUsers\nguest   arn:aws:iam::000000000000:role/guest   (nothing)", ""},
		{"delete", []string{"delete", "guest"}, 0, `deleted role "guest"`, ""},
		{"delete again", []string{"delete", "guest"}, 1, "", `no role "guest"`},
	}
	for _, tc := range tests {
		code, out, errs := cli(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.err) {
			t.Errorf("%s: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, stdout with %q, stderr with %q", tc.name, code, out, errs, tc.code, tc.out, tc.err)
		}
	}
	r, err := st.GetRole(t.Context(), "admins")
	if err != nil || len(r.Grants) != 1 || strings.Join(r.Grants[0].Actions, ",") != "addUserToGroup,listUsers" {
		t.Fatalf("stored role %+v, %v", r, err)
	}
	code, out, _ := cli("list", "--json")
	var rj roleJSON
	if code != 0 || json.Unmarshal([]byte(strings.TrimSpace(out)), &rj) != nil || rj.ARN != "arn:aws:iam::000000000000:role/admins" {
		t.Fatalf("list --json: %d %q", code, out)
	}
}
