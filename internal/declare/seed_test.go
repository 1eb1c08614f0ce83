package declare

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"userpool/internal/config"
	"userpool/internal/password"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := userpool.New(st, userpool.Options{PasswordParams: password.InsecureTestParams})
	cfg := parse(t, base+`
seed:
  users:
    - pool: app
      username: alice
      password: "Long-enough-passw0rd!"
      attributes: {email: alice@example.com, email_verified: "true"}
      groups: [ADMINS]
    - {pool: us-east-1_FixedPool, username: bob, password: "Temp-passw0rd!", temporary: true}
    - {pool: fixed, username: carol, status: UNCONFIRMED, enabled: false}
`)
	rep, err := Apply(ctx, svc, st, cfg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	first, err := Seed(ctx, svc, cfg.Seed, rep.PoolIDs, "seed.")
	if err != nil {
		t.Fatal(err)
	}
	if first.Created != 3 || len(first.Changes) != 3 {
		t.Fatalf("first run: %+v", first)
	}
	// Again, with the pool names resolved from the store this time.
	again, err := Seed(ctx, svc, cfg.Seed, nil, "seed.")
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 3 || len(again.Changes) != 0 {
		t.Fatalf("second run changed: %+v", again)
	}
	appID := rep.PoolIDs["app"]
	alice, err := svc.AdminGetUser(ctx, appID, "alice")
	if err != nil || alice.Status != userpool.StatusConfirmed {
		t.Fatalf("alice: %v %+v", err, alice)
	}
	groups, _, err := svc.AdminListGroupsForUser(ctx, appID, "alice", 10, "")
	if err != nil || len(groups) != 1 || groups[0].Name != "ADMINS" {
		t.Fatalf("alice's groups: %v %+v", err, groups)
	}
	bob, _ := svc.AdminGetUser(ctx, "us-east-1_FixedPool", "bob")
	carol, _ := svc.AdminGetUser(ctx, "us-east-1_FixedPool", "carol")
	if bob.Status != userpool.StatusForceChangePassword || carol.Status != userpool.StatusUnconfirmed || carol.Enabled {
		t.Fatalf("bob %+v carol %+v", bob, carol)
	}

	// Problems name their path; the other users are seeded.
	bad := config.Seed{Users: []config.SeedUser{
		{Pool: "nosuchpool", Username: "x"},
		{Pool: "app", Username: "dave", Password: "short"},
		{Pool: "app", Username: "erin", Groups: []string{"NOGROUP"}},
		{Pool: "app", Username: "frank", Password: "Long-enough-passw0rd!"},
	}}
	out, err := Seed(ctx, svc, bad, nil, "")
	var p config.Problems
	if !errors.As(err, &p) || len(p) != 3 || !strings.HasPrefix(p[0], "users[0].pool: ") || !strings.HasPrefix(p[1], "users[1]: ") || !strings.HasPrefix(p[2], "users[2]: ") {
		t.Fatalf("problems: %v", err)
	}
	if out.Created < 1 {
		t.Fatalf("frank not seeded: %+v", out)
	}
	if _, err := svc.AdminGetUser(ctx, appID, "frank"); err != nil {
		t.Fatal(err)
	}
}
