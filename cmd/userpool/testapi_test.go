package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// signedCall sends a SigV4-signed request to the test app and decodes the answer.
func signedCall(t *testing.T, ta *testApp, akid, secret, method, path, body string) (int, map[string]any) {
	t.Helper()
	r, err := http.NewRequest(method, ta.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// The wiring: off by default; on with testing_api.enabled, codes sent
// through the domain's Sender are readable by the root principal only, and
// the calls are in the audit log.
func TestTestAPIWiring(t *testing.T) {
	t.Parallel()
	off := newTestApp(t, nil)
	akid, secret := off.principal(t, "root", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	if code, out := signedCall(t, off, akid, secret, "POST", "/moto-api/reset", ""); code != 403 || out["__type"] != "AccessDeniedException" {
		t.Fatalf("off by default: %d %v", code, out)
	}

	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	st, err := openStore(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ta := newTestAppOn(t, st, newTestSealer(t), nil, func(c *config.Config) { c.TestingAPI.Enabled = true })
	akid, secret = ta.principal(t, "root", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	fnID, fnSecret := ta.principal(t, "fn", store.Grant{Pool: "*", Actions: []string{"listUsers"}})
	c := ta.client(akid, secret, nil)
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	_, err = c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/_userpool/pools/" + poolID + "/messages?username=alice"
	if code, out := signedCall(t, ta, fnID, fnSecret, "GET", path, ""); code != 403 || out["__type"] != "AccessDeniedException" {
		t.Fatalf("non-root caller: %d %v", code, out)
	}
	code, out := signedCall(t, ta, akid, secret, "GET", path, "")
	msgs, _ := out["messages"].([]any)
	if code != 200 || len(msgs) != 1 {
		t.Fatalf("messages: %d %v", code, out)
	}
	m := msgs[0].(map[string]any)
	if m["purpose"] != "invite" || m["code"] == "" || !strings.Contains(m["body"].(string), m["code"].(string)) {
		t.Fatalf("message: %v", m)
	}
	ta.audit.Close() // flush the queue
	evs, _, err := ta.svc.ListAudit(t.Context(), userpool.AuditFilter{Action: "testapi:ListMessages"}, 10, "")
	if err != nil || len(evs) != 2 {
		t.Fatalf("audit rows: %v %+v", err, evs)
	}
}

// userpool seed FILE creates the users once; a second run changes nothing.
func TestSeedCommand(t *testing.T) {
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
	if _, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(file, []byte("users:\n  - {pool: app, username: alice, password: \"Passw0rd!x\", attributes: {email: a@example.com}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"seed: 1 created, 0 updated, 0 unchanged", "seed: 0 created, 0 updated, 1 unchanged"} {
		var out, errb bytes.Buffer
		if code := run([]string{"seed", file, "--data", data}, &out, &errb); code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("run %d: exit %d\nstdout: %s\nstderr: %s", i, code, out.String(), errb.String())
		}
	}
	var out, errb bytes.Buffer
	if err := os.WriteFile(file, []byte("users:\n  - {pool: nope, username: bob}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"seed", file, "--data", data}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "users[0].pool") {
		t.Fatalf("unknown pool: exit %d stderr %s", code, errb.String())
	}
}
