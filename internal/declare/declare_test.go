package declare

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"userpool/internal/config"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

func setup(t *testing.T) (*userpool.Service, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return userpool.New(st, userpool.Options{}), st
}

func parse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	c, err := config.Parse(strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

const base = `
pools:
  - name: app
    mfa: OPTIONAL
    password_policy: {minimum_length: 12}
    groups: [{name: ADMINS, precedence: 1, description: admins}]
    clients: [{name: web, explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}]
  - name: fixed
    id: us-east-1_FixedPool
    clients: [{name: api, id: apiclient1, generate_secret: true, refresh_token_validity: 7d}]
principals:
  - name: fn
    grants: [{pool: app, actions: [addUserToGroup]}]
`

func TestApplyIsIdempotent(t *testing.T) {
	svc, st := setup(t)
	ctx := context.Background()
	now := time.Now()
	rep, err := Apply(ctx, svc, st, parse(t, base), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 6 {
		t.Fatalf("first apply: %d changes: %v", len(rep.Changes), rep.Changes)
	}
	if rep.PoolIDs["fixed"] != "us-east-1_FixedPool" || rep.PoolIDs["app"] == "" || len(rep.Keyless) != 1 {
		t.Fatalf("report: %+v", rep)
	}
	app, _ := svc.GetPool(ctx, rep.PoolIDs["app"])
	if app.Settings.MfaConfiguration != "OPTIONAL" || app.Settings.PasswordPolicy.MinimumLength != 12 || !app.Settings.PasswordPolicy.RequireSymbols {
		t.Fatalf("app pool: %+v", app.Settings)
	}
	api, err := svc.GetClient(ctx, "us-east-1_FixedPool", "apiclient1")
	if err != nil || !api.HasSecret() || api.RefreshTokenValidity() != 7*24*time.Hour {
		t.Fatalf("api client: %+v %v", api, err)
	}
	p, err := st.GetPrincipal(ctx, "fn")
	if err != nil || len(p.Grants) != 1 || p.Grants[0].Pool != "app" {
		t.Fatalf("principal: %+v %v", p, err)
	}

	rep, err = Apply(ctx, svc, st, parse(t, base), now)
	if err != nil || len(rep.Changes) != 0 {
		t.Fatalf("second apply: %v %v", rep.Changes, err)
	}
	if ps, _, _ := svc.ListPools(ctx, 60, ""); len(ps) != 2 {
		t.Fatalf("%d pools after two applies", len(ps))
	}

	changed := strings.NewReplacer("precedence: 1", "precedence: 2", "[addUserToGroup]", "[addUserToGroup, listUsers]", "minimum_length: 12", "minimum_length: 14").Replace(base)
	rep, err = Apply(ctx, svc, st, parse(t, changed), now)
	if err != nil || len(rep.Changes) != 3 {
		t.Fatalf("changed apply: %v %v", rep.Changes, err)
	}
	g, _ := svc.GetGroup(ctx, rep.PoolIDs["app"], "ADMINS")
	if *g.Precedence != 2 || g.Description != "admins" {
		t.Fatalf("group: %+v", g)
	}
}

func TestApplyReportsWhatCannotBeApplied(t *testing.T) {
	svc, st := setup(t)
	ctx := context.Background()
	if _, err := Apply(ctx, svc, st, parse(t, base), time.Now()); err != nil {
		t.Fatal(err)
	}
	// Two more pools named "twin" make a declaration by name ambiguous.
	for i := 0; i < 2; i++ {
		if _, err := svc.CreatePool(ctx, userpool.PoolInput{Name: "twin"}); err != nil {
			t.Fatal(err)
		}
	}
	bad := `
pools:
  - name: app
    username_attributes: [email]
    clients: [{name: web, generate_secret: true}]
  - name: fixed
    id: us-east-1_FixedPool
    clients: [{name: api, id: apiclient1, generate_secret: true, read_attributes: [custom:nope]}]
  - name: twin
principals:
  - name: fn
    grants: [{pool: us-east-1_NotThere0, actions: [listUsers]}]
`
	_, err := Apply(ctx, svc, st, parse(t, bad), time.Now())
	var p config.Problems
	if !errors.As(err, &p) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		"pools[0].username_attributes:",
		"pools[0].clients[0].generate_secret:",
		"pools[1].clients[0]: Invalid read attributes",
		"pools[2].name: 2 pools are named \"twin\"",
		"principals[0].grants[0].pool: pool us-east-1_NotThere0 does not exist",
	}
	if len(p) != len(want) {
		t.Fatalf("problems:\n%s", strings.Join(p, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(p[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, p[i], want[i])
		}
	}
	// Nothing undeclared was deleted and the principal kept its grants.
	if pr, _ := st.GetPrincipal(ctx, "fn"); len(pr.Grants) != 1 || pr.Grants[0].Pool != "app" {
		t.Fatalf("principal changed: %+v", pr)
	}
	if _, err := st.GetPrincipal(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
}
