package token

import (
	"context"
	"testing"
)

// Signing keys are parsed once per store record and carry Go's precomputed
// CRT values, so rsa.SignPKCS1v15 takes its fastest path (two half-size
// exponentiations) and never re-derives them per signature; a reload of an
// unchanged record reuses the parsed key.
func TestSigningKeysPrecomputedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.is.IssueClientAccess(ctx, testPool, testClient, "s/read", 0); err != nil {
		t.Fatal(err)
	}
	_, access, err := e.is.signingKeys(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	pc := access.priv.Precomputed
	if pc.Dp == nil || pc.Dq == nil || pc.Qinv == nil {
		t.Fatalf("signing key without precomputed CRT values: %+v", pc)
	}
	priv := access.priv
	for range 3 {
		if _, err := e.is.IssueClientAccess(ctx, testPool, testClient, "s/read", 0); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(DefaultCacheTTL + 1) // the cache is stale: the store is read again
	if _, err := e.is.IssueClientAccess(ctx, testPool, testClient, "s/read", 0); err != nil {
		t.Fatal(err)
	}
	_, again, err := e.is.signingKeys(ctx, testPool)
	if err != nil {
		t.Fatal(err)
	}
	if again.kid != access.kid || again.priv != priv {
		t.Fatalf("an unchanged key record was parsed again (kid %s → %s)", access.kid, again.kid)
	}
}
