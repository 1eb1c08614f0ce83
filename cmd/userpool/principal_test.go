package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/iam"
	"userpool/internal/store"
)

// principal create decides by the errors' types, not their text: a refused
// --allow action is reported by its reason; a --pool naming several pools
// is granted, with the environment printed without a pool id; a --pool
// naming none is refused.
func TestPrincipalCreateErrors(t *testing.T) {
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
	c := ta.client(akid, secret, nil)
	for range 2 {
		if _, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("dup")}); err != nil {
			t.Fatal(err)
		}
	}

	var out, errb bytes.Buffer
	code := run([]string{"principal", "create", "--data", data, "--name", "fn", "--pool", "dup", "--allow", "listUsers,teleport"}, &out, &errb)
	if want := `userpool: --allow: unknown action "teleport"; valid actions are the Amplify names (`; code != 2 || !strings.HasPrefix(errb.String(), want) {
		t.Errorf("bad action: exit %d, stderr %q; want 2 and %q", code, errb.String(), want)
	}

	out.Reset()
	errb.Reset()
	code = run([]string{"principal", "create", "--data", data, "--name", "fn", "--pool", "dup", "--allow", "listUsers"}, &out, &errb)
	if code != 0 || !strings.Contains(errb.String(), `# AMPLIFY_AUTH_USERPOOL_ID omitted: 2 pools are named "dup"`) ||
		!strings.Contains(out.String(), "AWS_ACCESS_KEY_ID=") || strings.Contains(out.String(), "AMPLIFY_AUTH_USERPOOL_ID") {
		t.Errorf("pool name of two pools: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	p, err := st.GetPrincipal(t.Context(), "fn")
	if err != nil || len(p.Grants) != 1 || p.Grants[0].Pool != "dup" {
		t.Errorf("stored principal %+v, %v; want one grant on pool \"dup\"", p, err)
	}

	out.Reset()
	errb.Reset()
	code = run([]string{"principal", "create", "--data", data, "--name", "fn", "--pool", "nosuch", "--allow", "listUsers"}, &out, &errb)
	if want := `userpool: --pool: no pool has the id or name "nosuch"`; code != 1 || !strings.Contains(errb.String(), want) {
		t.Errorf("unknown pool: exit %d, stderr %q; want 1 and %q", code, errb.String(), want)
	}
}
