package token

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"userpool/internal/store"
)

// poolKeyStore adds the pool list CheckSealedKeys walks to memKeyStore.
type poolKeyStore struct {
	*memKeyStore
	pools []store.Pool
}

func (s poolKeyStore) ListPools(_ context.Context, p store.Page) ([]store.Pool, string, error) {
	if len(s.pools) > p.Limit {
		return s.pools[:p.Limit], "more", nil
	}
	return s.pools, "", nil
}

// TestCheckSealedKeys: the first pool with keys decides; pools without keys
// are passed over; a key open refuses is named with its pool.
func TestCheckSealedKeys(t *testing.T) {
	ctx := context.Background()
	sealedWith := func(prefix string) func([]byte) ([]byte, error) {
		return func(b []byte) ([]byte, error) {
			if !bytes.HasPrefix(b, []byte(prefix)) {
				return nil, errors.New("message authentication failed")
			}
			return b[len(prefix):], nil
		}
	}
	st := poolKeyStore{memKeyStore: newMemKeyStore(), pools: []store.Pool{{ID: "us-east-1_empty"}, {ID: "us-east-1_keyed"}}}
	if err := CheckSealedKeys(ctx, st, sealedWith("k1:")); err != nil {
		t.Fatalf("no keys stored: %v", err)
	}
	if err := st.CreateSigningKey(ctx, store.SigningKey{PoolID: "us-east-1_keyed", KID: "kid-1", Use: "id", PrivateKey: []byte("k1:der")}); err != nil {
		t.Fatal(err)
	}
	if err := CheckSealedKeys(ctx, st, sealedWith("k1:")); err != nil {
		t.Fatalf("the sealing key: %v", err)
	}
	err := CheckSealedKeys(ctx, st, sealedWith("k2:"))
	if err == nil || !strings.Contains(err.Error(), "signing key kid-1 of pool us-east-1_keyed") {
		t.Fatalf("another key: err %v", err)
	}
}
