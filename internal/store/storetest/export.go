package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"userpool/internal/store"
)

// testExport checks store.Exporter, the optional interface migrate-store
// copies stores with. A backend without it skips (with a message); both
// shipped backends implement it.
//
// Each sequence is filled past two batch boundaries (store.ExportBatch), so
// the keyset continuation query of every sequence runs; records of other
// tests sharing the database may appear between ours and are ignored, but
// the order of everything yielded is checked.
func testExport(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ex, ok := s.(store.Exporter)
	if !ok {
		t.Skipf("%T does not implement store.Exporter (migrate-store cannot copy from it)", s)
	}
	ctx := ctxT(t)
	n := 2*store.ExportBatch + 7

	t.Run("RefreshTokens", func(t *testing.T) {
		pool := mkPool(t, s)
		var want []store.RefreshToken
		for i := range n {
			rt := store.RefreshToken{Hash: fmt.Sprintf("%s-%05d", uniq("h"), i), PoolID: pool, ClientID: "c" + randString(4),
				UsernameKey: fmt.Sprintf("u%d", i%13), OriginJTI: uniq("j"), DeviceKey: randString(3),
				AuthTime: at(time.Duration(i) * time.Second), CreatedAt: at(time.Minute), ExpiresAt: at(48 * time.Hour)}
			if i%3 == 0 {
				rt.RevokedAt = at(time.Hour)
			}
			if i%5 == 0 {
				rt.DeviceKey, rt.AuthTime = "", time.Time{}
			}
			must(t, s.CreateRefreshToken(ctx, rt))
			want = append(want, rt)
		}
		slices.SortFunc(want, func(a, b store.RefreshToken) int { return cmp.Compare(a.Hash, b.Hash) })
		got := drain(t, ex.AllRefreshTokens(ctx), func(a, b store.RefreshToken) int { return cmp.Compare(a.Hash, b.Hash) })
		got = slices.DeleteFunc(got, func(x store.RefreshToken) bool { return x.PoolID != pool })
		wantEqual(t, want, got, "exported refresh tokens")
	})

	t.Run("Codes", func(t *testing.T) {
		pools := []string{mkPool(t, s), mkPool(t, s)}
		codeKey := func(a store.Code) []string { return []string{a.PoolID, a.UsernameKey, a.Purpose} }
		cmpCode := func(a, b store.Code) int { return slices.Compare(codeKey(a), codeKey(b)) }
		var want []store.Code
		purposes := []string{"signup", "reset", "verify:email"}
		for i := range n {
			c := store.Code{PoolID: pools[i%2], UsernameKey: fmt.Sprintf("user%04d", i/3), Purpose: purposes[i%3],
				CodeHash: uniq("ch"), Attempts: i % 4, CreatedAt: at(time.Duration(i) * time.Millisecond), ExpiresAt: at(time.Hour)}
			must(t, s.PutCode(ctx, c))
			want = append(want, c)
		}
		slices.SortFunc(want, cmpCode)
		got := drain(t, ex.AllCodes(ctx), cmpCode)
		got = slices.DeleteFunc(got, func(x store.Code) bool { return !slices.Contains(pools, x.PoolID) })
		wantEqual(t, want, got, "exported codes")
	})

	t.Run("Sessions", func(t *testing.T) {
		pool := mkPool(t, s)
		var want []store.Session
		for i := range n {
			x := store.Session{ID: uniq("sess"), PoolID: pool, ClientID: "c", UsernameKey: fmt.Sprintf("u%d", i),
				Challenge: "PASSWORD_VERIFIER", State: []byte(fmt.Sprintf(`{"i":%d}`, i)), CreatedAt: base, ExpiresAt: at(3 * time.Minute)}
			if i%4 == 0 {
				x.State = nil
			}
			if i%7 == 0 {
				x.ExpiresAt = ancient.Add(time.Hour) // expired sessions are exported too
			}
			must(t, s.CreateSession(ctx, x))
			want = append(want, x)
		}
		cmpSession := func(a, b store.Session) int { return cmp.Compare(a.ID, b.ID) }
		slices.SortFunc(want, cmpSession)
		got := drain(t, ex.AllSessions(ctx), cmpSession)
		got = slices.DeleteFunc(got, func(x store.Session) bool { return x.PoolID != pool })
		wantEqual(t, want, got, "exported sessions")
	})

	t.Run("Memberships", func(t *testing.T) {
		pool, other := mkPool(t, s), mkPool(t, s)
		groups := []string{"Admins", "admins", "zeta", "Ä-group"}
		for _, g := range groups {
			mkGroup(t, s, pool, g)
		}
		mkGroup(t, s, other, "Admins")
		var want []store.Membership
		users := n/len(groups) + 1
		for i := range users {
			u := mkUser(t, s, pool, fmt.Sprintf("User%04d", i))
			for _, g := range groups {
				must(t, s.AddUserToGroup(ctx, pool, u.UsernameKey, g, 100))
				want = append(want, store.Membership{PoolID: pool, GroupName: g, UsernameKey: u.UsernameKey})
			}
		}
		mkUser(t, s, pool, "no-groups")
		ou := mkUser(t, s, other, "User0000")
		must(t, s.AddUserToGroup(ctx, other, ou.UsernameKey, "Admins", 100))
		cmpM := func(a, b store.Membership) int {
			return cmp.Or(cmp.Compare(a.GroupName, b.GroupName), cmp.Compare(a.UsernameKey, b.UsernameKey))
		}
		slices.SortFunc(want, cmpM)
		got := drain(t, ex.AllMemberships(ctx, pool), cmpM)
		wantEqual(t, want, got, "exported memberships of the pool")
		got = drain(t, ex.AllMemberships(ctx, other), cmpM)
		wantEqual(t, []store.Membership{{PoolID: other, GroupName: "Admins", UsernameKey: ou.UsernameKey}}, got, "memberships of the other pool")
		got = drain(t, ex.AllMemberships(ctx, newPoolID()), cmpM)
		wantEqual(t, []store.Membership(nil), got, "memberships of a missing pool")

		// Removing a group's memberships removes them from the export.
		must(t, s.DeleteGroup(ctx, pool, "zeta"))
		got = drain(t, ex.AllMemberships(ctx, pool), cmpM)
		want = slices.DeleteFunc(want, func(m store.Membership) bool { return m.GroupName == "zeta" })
		wantEqual(t, want, got, "memberships after deleting a group")
	})

	t.Run("Resources", func(t *testing.T) {
		pool, other := mkPool(t, s), mkPool(t, s)
		kinds := []string{"domain", "resource-server", "identity-provider", "ui-customization", "Branding", "userpool/code-key"}
		var want []store.Resource
		for i := range n {
			r := store.Resource{PoolID: pool, Kind: kinds[i%len(kinds)], Name: fmt.Sprintf("name-%04d", i),
				Body: []byte(fmt.Sprintf(`{"i":%d}`, i)), CreatedAt: at(time.Duration(i) * time.Second), UpdatedAt: at(time.Hour)}
			if i%3 == 0 {
				r.Key = uniq("key-")
			}
			if i%11 == 0 {
				r.Body = nil
			}
			must(t, s.CreateResource(ctx, r, 0))
			want = append(want, r)
		}
		must(t, s.CreateResource(ctx, store.Resource{PoolID: other, Kind: "domain", Name: "other", CreatedAt: base, UpdatedAt: base}, 0))
		cmpR := func(a, b store.Resource) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name)) }
		slices.SortFunc(want, cmpR)
		got := drain(t, ex.AllResources(ctx, pool), cmpR)
		wantEqual(t, want, got, "exported resources of the pool")
		got = drain(t, ex.AllResources(ctx, newPoolID()), cmpR)
		wantEqual(t, []store.Resource(nil), got, "resources of a missing pool")
	})

	t.Run("ImportJobs", func(t *testing.T) {
		pool, other := mkPool(t, s), mkPool(t, s)
		var want []store.ImportJob
		for i := range n {
			j := importJobFixture(pool)
			j.ID = fmt.Sprintf("import-%s-%04d", randString(4), i)
			if i%4 == 1 {
				j.Status, j.StartedAt, j.Runner, j.HeartbeatAt = "InProgress", at(time.Minute), uniq("run-"), at(2*time.Minute)
				j.Imported, j.Skipped, j.Failed = int64(i), 2, 3
			}
			if i%4 == 2 {
				j.Status, j.CompletedAt, j.CompletionMessage = "Succeeded", at(time.Hour), "done"
			}
			must(t, s.CreateImportJob(ctx, j))
			if i%50 == 0 {
				must(t, s.PutImportCSV(ctx, pool, j.ID, j.Status, []byte(fmt.Sprintf("csv %d", i))))
				j.HasCSV = true
			}
			want = append(want, j)
		}
		must(t, s.CreateImportJob(ctx, importJobFixture(other)))
		cmpJ := func(a, b store.ImportJob) int { return cmp.Compare(a.ID, b.ID) }
		slices.SortFunc(want, cmpJ)
		got := drain(t, ex.AllImportJobs(ctx, pool), cmpJ)
		wantEqual(t, want, got, "exported import jobs of the pool (HasCSV set, no body)")
		got = drain(t, ex.AllImportJobs(ctx, newPoolID()), cmpJ)
		wantEqual(t, []store.ImportJob(nil), got, "import jobs of a missing pool")
	})

	t.Run("WebAuthnCredentials", func(t *testing.T) {
		pool, other := mkPool(t, s), mkPool(t, s)
		var users []store.User
		for i := range 7 {
			users = append(users, mkUser(t, s, pool, fmt.Sprintf("User%d", i)))
		}
		var want []store.WebAuthnCredential
		for i := range n {
			c := store.WebAuthnCredential{PoolID: pool, UsernameKey: users[i%len(users)].UsernameKey,
				CredentialID: fmt.Sprintf("%s-%05d", uniq("cred"), i), Body: []byte(fmt.Sprintf(`{"i":%d}`, i)),
				CreatedAt: at(time.Duration(i) * time.Second)}
			must(t, s.CreateWebAuthnCredential(ctx, c))
			want = append(want, c)
		}
		ou := mkUser(t, s, other, "User0")
		oc := store.WebAuthnCredential{PoolID: other, UsernameKey: ou.UsernameKey, CredentialID: uniq("cred"), Body: []byte(`{}`), CreatedAt: base}
		must(t, s.CreateWebAuthnCredential(ctx, oc))
		cmpW := func(a, b store.WebAuthnCredential) int { return cmp.Compare(a.CredentialID, b.CredentialID) }
		slices.SortFunc(want, cmpW)
		got := drain(t, ex.AllWebAuthnCredentials(ctx, pool), cmpW)
		wantEqual(t, want, got, "exported passkeys of the pool")
		got = drain(t, ex.AllWebAuthnCredentials(ctx, other), cmpW)
		wantEqual(t, []store.WebAuthnCredential{oc}, got, "passkeys of the other pool")
		got = drain(t, ex.AllWebAuthnCredentials(ctx, newPoolID()), cmpW)
		wantEqual(t, []store.WebAuthnCredential(nil), got, "passkeys of a missing pool")
	})

	t.Run("StopEarly", func(t *testing.T) {
		pool := mkPool(t, s)
		for range store.ExportBatch + 1 {
			must(t, s.CreateSession(ctx, store.Session{ID: uniq("stop"), PoolID: pool, Challenge: "X", CreatedAt: base, ExpiresAt: at(time.Hour)}))
		}
		seen := 0
		for _, err := range ex.AllSessions(ctx) {
			must(t, err)
			seen++
			if seen == 3 {
				break
			}
		}
		if seen != 3 {
			t.Fatalf("stopped after %d, want 3", seen)
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		var errs []error
		for _, err := range ex.AllRefreshTokens(cctx) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Fatalf("canceled context: got %v, want one context.Canceled error", errs)
		}
	})
}

// drain collects a sequence, failing on an error, and checks that the keys
// strictly increase by cmpKey.
func drain[T any](t *testing.T, seq iter.Seq2[T, error], cmpKey func(a, b T) int) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		must(t, err)
		if len(out) > 0 && cmpKey(out[len(out)-1], v) >= 0 {
			t.Fatalf("export order: %+v is not after %+v", v, out[len(out)-1])
		}
		out = append(out, v)
	}
	return out
}
