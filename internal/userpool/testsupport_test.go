package userpool

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"userpool/internal/password"
	"userpool/internal/token"
)

func TestSeedUserIdempotent(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t, password.InsecureTestParams)
	ctx := context.Background()
	p, c, _ := e.setup(t)
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "EDITORS"}); err != nil {
		t.Fatal(err)
	}
	in := SeedUserInput{
		PoolID: p.ID, Username: "bob", Password: "Seed-passw0rd!",
		Attributes: []Attribute{{Name: "email", Value: "bob@example.com"}, {Name: "email_verified", Value: "true"}},
		Groups:     []string{"EDITORS"},
	}
	first, err := e.svc.SeedUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.User.Status != StatusConfirmed {
		t.Fatalf("first seed: created %v status %s", first.Created, first.User.Status)
	}
	again, err := e.svc.SeedUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || len(again.Changed) != 0 {
		t.Fatalf("second seed changed something: created %v changed %v", again.Created, again.Changed)
	}
	// The seeded password signs in, and the group is in the token.
	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": in.Password}})
	if err != nil || out.Result == nil {
		t.Fatalf("sign-in with the seeded password: %v %+v", err, out)
	}
	claims, err := e.svc.tokens.Verify(ctx, p.ID, out.Result.IDToken, token.UseID)
	if err != nil {
		t.Fatal(err)
	}
	if g := claims.Groups; !slices.Contains(g, "EDITORS") {
		t.Fatalf("cognito:groups = %v", g)
	}

	// A changed input is applied, and only what changed is reported.
	in.Attributes = []Attribute{{Name: "email", Value: "bob@example.com"}, {Name: "name", Value: "Bob"}}
	in.Password, in.Temporary = "Other-passw0rd!", true
	changed, err := e.svc.SeedUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changed.Changed, []string{"attributes", "password"}) || changed.User.Status != StatusForceChangePassword {
		t.Fatalf("changed %v status %s", changed.Changed, changed.User.Status)
	}
	if v, _ := changed.User.Attribute("name"); v != "Bob" {
		t.Fatalf("name = %q", v)
	}
	// A password the pool's policy refuses is refused as AdminCreateUser refuses it.
	_, err = e.svc.SeedUser(ctx, SeedUserInput{PoolID: p.ID, Username: "carol", Password: "short"})
	if KindOf(err) != KindInvalidPassword {
		t.Fatalf("weak password: %v", err)
	}
	_, err = e.svc.SeedUser(ctx, SeedUserInput{PoolID: p.ID, Username: "carol", Status: "ARCHIVED"})
	if KindOf(err) != KindInvalidParameter {
		t.Fatalf("bad status: %v", err)
	}
	disabled := false
	d, err := e.svc.SeedUser(ctx, SeedUserInput{PoolID: p.ID, Username: "dave", Status: StatusUnconfirmed, Enabled: &disabled})
	if err != nil || d.User.Status != StatusUnconfirmed || d.User.Enabled {
		t.Fatalf("dave: %v %+v", err, d.User)
	}
}

func TestSetUserStatusAndMintTokens(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t, password.InsecureTestParams)
	ctx := context.Background()
	p, c, _ := e.setup(t)
	for _, st := range TestStatuses {
		u, err := e.svc.SetUserStatus(ctx, p.ID, "ALICE", st)
		if err != nil || u.Status != st {
			t.Fatalf("move to %s: %v %s", st, err, u.Status)
		}
	}
	if _, err := e.svc.SetUserStatus(ctx, p.ID, "alice", "COMPROMISED"); KindOf(err) != KindInvalidParameter {
		t.Fatalf("unknown status: %v", err)
	}
	if _, err := e.svc.SetUserStatus(ctx, p.ID, "nobody", StatusConfirmed); KindOf(err) != KindUserNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	// Tokens whatever the status (RESET_REQUIRED now), verified by the pool's keys.
	res, err := e.svc.MintTokens(ctx, p.ID, c.ID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	claims, err := e.svc.tokens.Verify(ctx, p.ID, res.AccessToken, token.UseAccess)
	if err != nil || claims.Username != "alice" || claims.ClientID != c.ID {
		t.Fatalf("access token: %v %+v", err, claims)
	}
	if res.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	if _, err := e.svc.MintTokens(ctx, p.ID, "nosuchclient", "alice"); KindOf(err) != KindResourceNotFound {
		t.Fatalf("unknown client: %v", err)
	}
	if err := e.svc.AdminDisableUser(ctx, p.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MintTokens(ctx, p.ID, c.ID, "alice"); KindOf(err) != KindNotAuthorized {
		t.Fatalf("disabled user: %v", err)
	}
}

func TestResetPoolAndResetAll(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t, password.InsecureTestParams)
	ctx := context.Background()
	p, _, _ := e.setup(t)
	for i := range 70 { // more than one page
		if _, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: p.ID, Username: fmt.Sprintf("u%02d", i), MessageAction: "SUPPRESS"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "G"}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.ResetPool(ctx, p.ID, ResetOptions{KeepClients: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Users != 71 || rep.Groups != 1 || rep.Clients != 0 {
		t.Fatalf("report %+v", rep)
	}
	users, _, err := e.svc.ListUsers(ctx, ListUsersInput{PoolID: p.ID})
	if err != nil || len(users) != 0 {
		t.Fatalf("users left: %v %d", err, len(users))
	}
	clients, _, err := e.svc.ListClients(ctx, p.ID, 10, "")
	if err != nil || len(clients) != 1 {
		t.Fatalf("kept clients: %v %d", err, len(clients))
	}
	rep, err = e.svc.ResetPool(ctx, p.ID, ResetOptions{})
	if err != nil || rep.Clients != 1 {
		t.Fatalf("second reset: %v %+v", err, rep)
	}
	if _, err := e.svc.ResetPool(ctx, "us-east-1_nope", ResetOptions{}); KindOf(err) != KindResourceNotFound {
		t.Fatalf("unknown pool: %v", err)
	}

	if _, err := e.svc.CreatePool(ctx, PoolInput{Name: "second"}); err != nil {
		t.Fatal(err)
	}
	all, err := e.svc.ResetAll(ctx)
	if err != nil || all.Pools != 2 {
		t.Fatalf("reset all: %v %+v", err, all)
	}
	pools, _, err := e.svc.ListPools(ctx, 10, "")
	if err != nil || len(pools) != 0 {
		t.Fatalf("pools left: %v %d", err, len(pools))
	}
	if _, err := e.svc.GetPool(ctx, p.ID); KindOf(err) != KindResourceNotFound {
		t.Fatalf("deleted pool still cached: %v", err)
	}
}

type sentCounter struct{ n int }

func (s *sentCounter) Send(context.Context, Message) error { s.n++; return nil }

func TestRecordingSender(t *testing.T) {
	t.Parallel()
	next := &sentCounter{}
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	r := NewRecordingSender(next, RecordingOptions{PerUser: 2, Users: 2, Now: func() time.Time { return at },
		Render: func(m Message) (string, string) { return "S:" + m.Code, "B:" + m.Code }})
	ctx := context.Background()
	for i, u := range []string{"Alice", "alice", "ALICE", "bob", "carol"} {
		if err := r.Send(ctx, Message{PoolID: "p", Username: u, Code: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if next.n != 5 {
		t.Fatalf("delivered %d of 5", next.n)
	}
	got := r.Messages("p", "aLiCe")
	// alice was the least recently written of the two users kept when
	// carol arrived: evicted.
	if len(got) != 0 {
		t.Fatalf("alice: %+v", got)
	}
	bob := r.Messages("p", "bob")
	if len(bob) != 1 || bob[0].Code != "3" || bob[0].Subject != "S:3" || bob[0].Body != "B:3" || !bob[0].SentAt.Equal(at) {
		t.Fatalf("bob: %+v", bob)
	}
	r2 := NewRecordingSender(nil, RecordingOptions{PerUser: 2})
	for i := range 3 {
		_ = r2.Send(ctx, Message{PoolID: "p", Username: "a", Code: fmt.Sprint(i)})
	}
	if m := r2.Messages("p", "a"); len(m) != 2 || m[0].Code != "1" || m[1].Code != "2" {
		t.Fatalf("per-user bound: %+v", m)
	}
	if m := r2.Messages("other", "a"); len(m) != 0 {
		t.Fatalf("other pool: %+v", m)
	}
	r2.ForgetPool("p")
	if m := r2.Messages("p", "a"); len(m) != 0 {
		t.Fatalf("after ForgetPool: %+v", m)
	}
}
