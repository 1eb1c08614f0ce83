package token

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
)

// A pool's IssuerConfiguration picks its issuer: UPDATED pools get the
// issuer-cognito-idp form in tokens, discovery and certificate when
// UpdatedIssuerURL is set; tokens of either form of the pool verify; other
// issuers do not.
func TestPoolIssuerType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	original, updated := CognitoIssuerURL(testPool), UpdatedCognitoIssuerURL(testPool)
	if want := "https://issuer-cognito-idp." + testRegion(testPool) + ".amazonaws.com/" + testPool; updated != want {
		t.Fatalf("UpdatedCognitoIssuerURL = %q, want %q", updated, want)
	}
	e := newEnv(t, func(o *Options) { o.UpdatedIssuerURL = UpdatedCognitoIssuerURL })
	var kind atomic.Value
	kind.Store(IssuerTypeOriginal)
	e.is.SetPoolIssuerType(func(poolID string) string {
		if poolID != testPool {
			t.Errorf("lookup of %q", poolID)
		}
		return kind.Load().(string)
	})
	issue := func() (string, Claims) {
		t.Helper()
		id, _, err := e.is.IssuePair(ctx, basicInput())
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.is.Verify(ctx, testPool, id, UseID)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		return id, c
	}
	discoveryIssuer := func() string {
		b, err := e.is.Discovery(testPool, "https://idp.example")
		if err != nil {
			t.Fatal(err)
		}
		var d struct{ Issuer string }
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		return d.Issuer
	}

	oldTok, c := issue()
	if c.Issuer != original || discoveryIssuer() != original || e.is.IssuerURL(testPool) != original {
		t.Fatalf("ORIGINAL pool: iss %q, discovery %q", c.Issuer, discoveryIssuer())
	}
	kind.Store(IssuerTypeUpdated)
	if _, c = issue(); c.Issuer != updated || discoveryIssuer() != updated {
		t.Fatalf("UPDATED pool: iss %q, discovery %q", c.Issuer, discoveryIssuer())
	}
	// A token issued before the switch keeps verifying (a fresh instance: no
	// verified-token cache).
	if _, err := e.issuer(t, func(o *Options) { o.UpdatedIssuerURL = UpdatedCognitoIssuerURL }).Verify(ctx, testPool, oldTok, UseID); err != nil {
		t.Fatalf("token of the ORIGINAL issuer after the switch: %v", err)
	}

	// Without UpdatedIssuerURL (tokens.issuer: base) the type changes nothing,
	// and a token of the Cognito forms is not this issuer's.
	base := e.issuer(t, func(o *Options) { o.IssuerURL = BaseIssuerURL("https://idp.example/") })
	base.SetPoolIssuerType(func(string) string { return IssuerTypeUpdated })
	id, _, err := base.IssuePair(ctx, basicInput())
	if err != nil {
		t.Fatal(err)
	}
	bc, err := base.Verify(ctx, testPool, id, UseID)
	if err != nil || bc.Issuer != "https://idp.example/"+testPool {
		t.Fatalf("base issuer: %q %v", bc.Issuer, err)
	}
	if _, err := base.Verify(ctx, testPool, oldTok, UseID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Cognito-form token at a base issuer: %v, want ErrInvalid", err)
	}
}

func testRegion(poolID string) string {
	for i := range len(poolID) {
		if poolID[i] == '_' {
			return poolID[:i]
		}
	}
	return ""
}
