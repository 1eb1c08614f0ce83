package userpool

import (
	"context"
	"testing"

	"userpool/internal/store"
)

func TestPoolCacheSeesUpdatesAndNeverShares(t *testing.T) {
	e := newUTEnv(t, Limits{})
	ctx := context.Background()
	e.pool(t, "us-east-1_cache0001", PoolSettings{CaseSensitive: true, AliasAttributes: []string{"email"}})

	a, err := e.svc.GetPool(ctx, "us-east-1_cache0001")
	if err != nil {
		t.Fatal(err)
	}
	// Mutating a returned pool must not leak into the next read.
	a.Settings.AliasAttributes[0] = "phone_number"
	a.Settings.Schema = append(a.Settings.Schema, SchemaAttribute{Name: "x"})
	b, err := e.svc.GetPool(ctx, "us-east-1_cache0001")
	if err != nil {
		t.Fatal(err)
	}
	if b.Settings.AliasAttributes[0] != "email" || len(b.Settings.Schema) != len(a.Settings.Schema)-1 {
		t.Fatalf("cached settings were shared: %+v", b.Settings.AliasAttributes)
	}

	// A write that bypasses this Service (another instance) is seen at once.
	if _, err := e.st.UpdatePool(ctx, "us-east-1_cache0001", func(p *store.Pool) error {
		p.Settings = []byte(`{"CaseSensitive":false,"MfaConfiguration":"OPTIONAL"}`)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.GetPool(ctx, "us-east-1_cache0001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.CaseSensitive || c.Settings.MfaConfiguration != "OPTIONAL" || len(c.Settings.AliasAttributes) != 0 {
		t.Fatalf("stale settings after another writer's update: %+v", c.Settings)
	}
}
