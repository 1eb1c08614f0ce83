package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func jwksKids(t *testing.T, url string) []string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k.Kid)
	}
	return kids
}

// TestKeysRotate: `userpool keys rotate` (run while the server runs) adds new
// signing keys; the old ones stay published, so the JWKS after a restart
// holds both generations.
func TestKeysRotate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg := writeConfig(t, fastConfig)
	srv := startServer(t, data, "--config", cfg)
	ctx := ctxT(t)
	pool, err := srv.rootClient().CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("rotate")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(pool.UserPool.Id)
	before := jwksKids(t, srv.URL+"/"+id+"/.well-known/jwks.json")
	if len(before) != 2 {
		t.Fatalf("want the pool's two keys, got %v", before)
	}
	stdout, stderr, code := runCLI(t, os.Environ(), "keys", "rotate", "--pool", id, "--data", data, "--config", cfg)
	if code != 0 {
		t.Fatalf("keys rotate: exit %d\n%s", code, stderr)
	}
	rows := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(rows) != 5 { // header + 4 keys
		t.Fatalf("keys after rotation:\n%s", stdout)
	}
	retired := 0
	for _, r := range rows[1:] {
		f := strings.Fields(r)
		if f[3] != "-" {
			retired++
		}
	}
	if retired != 2 {
		t.Fatalf("want the two old keys retired from signing:\n%s", stdout)
	}
	srv.Stop()
	srv2 := startServer(t, data, "--config", cfg)
	after := jwksKids(t, srv2.URL+"/"+id+"/.well-known/jwks.json")
	if len(after) != 4 {
		t.Fatalf("JWKS after rotation and restart: %v", after)
	}
	for _, k := range before {
		if !strings.Contains(strings.Join(after, " "), k) {
			t.Fatalf("old key %s dropped from the JWKS before its tokens expired", k)
		}
	}
	if _, _, code := runCLI(t, os.Environ(), "keys", "rotate", "--data", data, "--config", cfg); code != 2 {
		t.Fatalf("keys rotate without --pool: exit %d", code)
	}
}
