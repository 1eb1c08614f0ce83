package token

import (
	"context"
	"fmt"

	"userpool/internal/store"
)

// CheckSealedKeys fails when open (the Open an Issuer is given) does not
// open a stored signing key: the first key of the first pool, among the
// first ten, that has one. Another instance sealed it with another master
// key, and this one could neither sign nor verify that pool's tokens; a
// start or a readiness check says so instead.
func CheckSealedKeys(ctx context.Context, st interface {
	ListPools(context.Context, store.Page) ([]store.Pool, string, error)
	ListSigningKeys(context.Context, string) ([]store.SigningKey, error)
}, open func([]byte) ([]byte, error)) error {
	pools, _, err := st.ListPools(ctx, store.Page{Limit: 10})
	if err != nil {
		return err
	}
	for _, p := range pools {
		keys, err := st.ListSigningKeys(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			continue
		}
		if _, err := open(keys[0].PrivateKey); err != nil {
			return fmt.Errorf("the master key does not open signing key %s of pool %s: it is not the key the stored signing keys were sealed with", keys[0].KID, p.ID)
		}
		return nil
	}
	return nil
}
