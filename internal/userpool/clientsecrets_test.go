package userpool

import (
	"context"
	"strings"
	"testing"
	"time"
)

// All of a client's secrets are sealed at rest together: after
// AddClientSecret the stored column holds neither secret, and the client
// decodes with both.
func TestClientSecretsSealedTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newSealedEnv(t)
	p := e.pool(t, "us-east-1_clientsec2", PoolSettings{})
	c := e.client(t, p.ID, ClientInput{GenerateSecret: true})
	added, err := e.svc.AddClientSecret(ctx, p.ID, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := e.st.GetClient(ctx, p.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(raw.Secret, sealedPrefix) || strings.Contains(raw.Secret, c.Secret) || strings.Contains(raw.Secret, added.Value) {
		t.Fatalf("stored column %q is not sealed", raw.Secret)
	}
	got, err := e.svc.GetClient(ctx, p.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret != c.Secret || len(got.Secrets()) != 2 || !got.MatchesSecret(c.Secret) || !got.MatchesSecret(added.Value) || got.MatchesSecret("x"+added.Value) {
		t.Fatalf("decoded client: shown %q, secrets %d", got.Secret, len(got.Secrets()))
	}
}

// The column forms: "" (public), a bare secret (every client created before
// secret rotation existed), the "secrets1:" list; a list round-trips, with
// the shown secret by id.
func TestClientSecretColumnForms(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	shown, list, err := parseClientSecrets("abc", created, "")
	if err != nil || shown != "" || len(list) != 0 {
		t.Fatalf("public: %q %v %v", shown, list, err)
	}
	shown, list, err = parseClientSecrets("abc", created, "bare0123456789bare0123456789")
	if err != nil || shown != "bare0123456789bare0123456789" || len(list) != 1 ||
		list[0].ID != "abc--1767323045678" || !list[0].CreatedAt.Equal(created) {
		t.Fatalf("bare: %q %+v %v", shown, list, err)
	}
	second := ClientSecret{ID: "abc--1767323999000", Value: "second0123456789second0123", CreatedAt: time.UnixMilli(1767323999000).UTC()}
	for _, shownID := range []string{list[0].ID, ""} {
		plain, err := formatClientSecrets(shownID, append(list, second))
		if err != nil || !strings.HasPrefix(plain, multiSecretPrefix) {
			t.Fatalf("format: %q %v", plain, err)
		}
		gotShown, got, err := parseClientSecrets("abc", created, plain)
		wantShown := map[bool]string{true: list[0].Value, false: ""}[shownID != ""]
		if err != nil || gotShown != wantShown || len(got) != 2 || got[1] != second || got[0].ID != list[0].ID {
			t.Fatalf("round trip (shown %q): %q %+v %v", shownID, gotShown, got, err)
		}
	}
	if _, _, err := parseClientSecrets("abc", created, multiSecretPrefix+"{"); err == nil {
		t.Fatal("a malformed list decoded")
	}
}

// The OAuth token endpoint authenticates a client by any of its secrets,
// and the hosted login's SECRET_HASH uses a current one: here a secret
// passes the client check (the bogus refresh token is then invalid_grant),
// a deleted or unknown one is invalid_client.
func TestOAuthTokenAcceptsEitherClientSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := newSealedEnv(t)
	p := e.pool(t, "us-east-1_clientsec3", PoolSettings{})
	c := e.client(t, p.ID, ClientInput{GenerateSecret: true})
	added, err := e.svc.AddClientSecret(ctx, p.ID, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	token := func(secret string) string {
		_, err := e.svc.Token(ctx, p.ID, TokenRequest{GrantType: "refresh_token", ClientID: c.ID, ClientSecret: secret, RefreshToken: "bogus"})
		return OAuthErrorCode(err)
	}
	if got := token(c.Secret); got != OAuthInvalidGrant {
		t.Fatalf("original secret: %q", got)
	}
	if got := token(added.Value); got != OAuthInvalidGrant {
		t.Fatalf("added secret: %q", got)
	}
	if got := token("x" + added.Value); got != OAuthInvalidClient {
		t.Fatalf("unknown secret: %q", got)
	}
	list, err := e.svc.ListClientSecrets(ctx, p.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteClientSecret(ctx, p.ID, c.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := token(c.Secret); got != OAuthInvalidClient {
		t.Fatalf("deleted secret: %q", got)
	}
	cur, err := e.svc.GetClient(ctx, p.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h := secretHashFor(cur, "sam"); h == "" || !cur.VerifySecretHash("sam", h) {
		t.Fatalf("hosted login SECRET_HASH %q after the original secret is deleted", h)
	}
}
