package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"userpool/internal/store"
)

// ancient is the era of records that expiry tests delete. Every other record
// of the suite expires in 2026 or later, so the global Delete* calls of one
// test never touch another test's records on a shared database.
var ancient = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

func testSigningKeys(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	k1 := store.SigningKey{PoolID: pool, KID: uniq("kid"), Use: "id", PrivateKey: []byte{0x30, 0x82, 0, 1}, CreatedAt: base, NotAfter: at(time.Hour), ExpiresAt: at(2 * time.Hour)}
	k2 := store.SigningKey{PoolID: pool, KID: uniq("kid"), Use: "access", PrivateKey: []byte{0x30, 2}, CreatedAt: at(time.Minute)}
	k3 := store.SigningKey{PoolID: pool, KID: uniq("kid"), Use: "id", PrivateKey: []byte{0x30, 3}, CreatedAt: at(2 * time.Minute)}
	for _, k := range []store.SigningKey{k1, k3, k2} {
		must(t, s.CreateSigningKey(ctx, k))
	}
	wantErr(t, s.CreateSigningKey(ctx, k1), store.ErrAlreadyExists, "duplicate kid")
	other := mkPool(t, s)
	must(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: other, KID: uniq("kid"), Use: "id", PrivateKey: []byte{1}, CreatedAt: at(time.Hour)}))

	keys, err := s.ListSigningKeys(ctx, pool)
	must(t, err)
	wantEqual(t, []store.SigningKey{k3, k2, k1}, keys, "keys newest first")

	upd, err := s.UpdateSigningKey(ctx, pool, k3.KID, func(k *store.SigningKey) error {
		k.NotAfter = at(3 * time.Minute)
		k.ExpiresAt = at(time.Hour)
		return nil
	})
	must(t, err)
	k3.NotAfter, k3.ExpiresAt = at(3*time.Minute), at(time.Hour)
	wantEqual(t, k3, upd, "updated key")
	_, err = s.UpdateSigningKey(ctx, pool, k3.KID, func(k *store.SigningKey) error { k.NotAfter = time.Time{}; return errUpdater })
	wantErr(t, err, errUpdater, "updater error")
	_, err = s.UpdateSigningKey(ctx, pool, "nope", func(*store.SigningKey) error { t.Error("updater called"); return nil })
	wantErr(t, err, store.ErrNotFound, "update missing")
	_, err = s.UpdateSigningKey(ctx, other, k1.KID, func(*store.SigningKey) error { return nil })
	wantErr(t, err, store.ErrNotFound, "key of another pool")

	must(t, s.DeleteSigningKey(ctx, pool, k2.KID))
	wantErr(t, s.DeleteSigningKey(ctx, pool, k2.KID), store.ErrNotFound, "second delete")
	keys, err = s.ListSigningKeys(ctx, pool)
	must(t, err)
	wantEqual(t, []store.SigningKey{k3, k1}, keys, "keys after delete")

	keys, err = s.ListSigningKeys(ctx, mkPool(t, s))
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("new pool has %d keys", len(keys))
	}

	// CreateFirstSigningKey: of racing creators exactly one creates the
	// pool's key of a use; keys that no longer sign at CreatedAt do not
	// count, keys of another use do not either.
	first := mkPool(t, s)
	must(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: first, KID: uniq("kid"), Use: "id", PrivateKey: []byte{1}, CreatedAt: base, NotAfter: at(time.Minute)}))
	must(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: first, KID: uniq("kid"), Use: "access", PrivateKey: []byte{1}, CreatedAt: base}))
	const racers = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.CreateFirstSigningKey(ctx, store.SigningKey{PoolID: first, KID: uniq("kid"), Use: "id", PrivateKey: []byte{2}, CreatedAt: at(time.Hour)})
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of %d racing CreateFirstSigningKey calls created a key, want 1", won, racers)
	}
	keys, err = s.ListSigningKeys(ctx, first)
	must(t, err)
	if len(keys) != 3 {
		t.Fatalf("%d keys after the race, want 3 (retired id, access, the winner)", len(keys))
	}
	ok, err := s.CreateFirstSigningKey(ctx, store.SigningKey{PoolID: first, KID: uniq("kid"), Use: "access", PrivateKey: []byte{3}, CreatedAt: at(time.Hour)})
	must(t, err)
	if ok {
		t.Fatal("CreateFirstSigningKey created an access key beside a signing one")
	}
	_, err = s.CreateFirstSigningKey(ctx, store.SigningKey{PoolID: "us-east-1_nopool", KID: uniq("kid"), Use: "id", PrivateKey: []byte{3}, CreatedAt: base})
	wantErr(t, err, store.ErrNotFound, "first key of a missing pool")
}

func testRefreshTokens(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)

	t.Run("CRUDRevoke", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		mkUser(t, s, pool, "v")
		rt := func(user, jti string) store.RefreshToken {
			return store.RefreshToken{Hash: uniq("h"), PoolID: pool, ClientID: "client", UsernameKey: user, OriginJTI: jti,
				DeviceKey: "dev", AuthTime: base, CreatedAt: at(time.Second), ExpiresAt: at(30 * 24 * time.Hour)}
		}
		a, b, c := rt("u", uniq("j")), rt("u", uniq("j")), rt("v", uniq("j"))
		for _, x := range []store.RefreshToken{a, b, c} {
			must(t, s.CreateRefreshToken(ctx, x))
		}
		wantErr(t, s.CreateRefreshToken(ctx, a), store.ErrAlreadyExists, "duplicate hash")
		got, err := s.GetRefreshToken(ctx, a.Hash)
		must(t, err)
		wantEqual(t, a, got, "GetRefreshToken")
		_, err = s.GetRefreshToken(ctx, "missing")
		wantErr(t, err, store.ErrNotFound, "missing token")

		revoked, err := s.IsOriginRevoked(ctx, pool, a.OriginJTI)
		must(t, err)
		if revoked {
			t.Fatalf("fresh token reported revoked")
		}
		must(t, s.RevokeRefreshToken(ctx, a.Hash, at(time.Hour)))
		must(t, s.RevokeRefreshToken(ctx, a.Hash, at(2*time.Hour))) // idempotent; keeps the first time
		got, err = s.GetRefreshToken(ctx, a.Hash)
		must(t, err)
		a.RevokedAt = at(time.Hour)
		wantEqual(t, a, got, "revoked token")
		wantErr(t, s.RevokeRefreshToken(ctx, "missing", at(time.Hour)), store.ErrNotFound, "revoke missing")

		revoked, err = s.IsOriginRevoked(ctx, pool, a.OriginJTI)
		must(t, err)
		if !revoked {
			t.Fatalf("revoked origin reported not revoked")
		}
		revoked, err = s.IsOriginRevoked(ctx, mkPool(t, s), a.OriginJTI)
		must(t, err)
		if revoked {
			t.Fatalf("origin of another pool reported revoked")
		}
		revoked, err = s.IsOriginRevoked(ctx, pool, "unknown-jti")
		must(t, err)
		if revoked {
			t.Fatalf("unknown origin reported revoked")
		}

		must(t, s.RevokeUserRefreshTokens(ctx, pool, "u", at(3*time.Hour)))
		got, _ = s.GetRefreshToken(ctx, a.Hash)
		wantEqual(t, a, got, "already revoked token keeps its time")
		got, _ = s.GetRefreshToken(ctx, b.Hash)
		b.RevokedAt = at(3 * time.Hour)
		wantEqual(t, b, got, "token revoked with its user")
		got, _ = s.GetRefreshToken(ctx, c.Hash)
		wantEqual(t, c, got, "token of another user untouched")
	})

	t.Run("Rotation", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		jti := uniq("j")
		member := func(created time.Time) store.RefreshToken {
			return store.RefreshToken{Hash: uniq("h"), PoolID: pool, ClientID: "client", UsernameKey: "u", OriginJTI: jti,
				DeviceKey: "dev", AuthTime: base, CreatedAt: created, ExpiresAt: at(30 * 24 * time.Hour)}
		}
		first := member(at(time.Second))
		must(t, s.CreateRefreshToken(ctx, first))

		// The first rotation marks the token replaced at the successor's creation.
		second := member(at(time.Hour))
		must(t, s.RotateRefreshToken(ctx, first.Hash, time.Time{}, second))
		got, err := s.GetRefreshToken(ctx, first.Hash)
		must(t, err)
		first.ReplacedAt = second.CreatedAt
		wantEqual(t, first, got, "rotated-out token")
		got, err = s.GetRefreshToken(ctx, second.Hash)
		must(t, err)
		wantEqual(t, second, got, "successor")

		// Without a grace a replaced token never rotates again.
		wantErr(t, s.RotateRefreshToken(ctx, first.Hash, time.Time{}, member(at(2*time.Hour))), store.ErrTokenReplaced, "no grace")
		// Within the grace (replaced strictly after graceFrom) it does, and
		// keeps its first replacement time; at the boundary it does not.
		wantErr(t, s.RotateRefreshToken(ctx, first.Hash, second.CreatedAt, member(at(2*time.Hour))), store.ErrTokenReplaced, "grace boundary")
		sibling := member(at(time.Hour + time.Second))
		must(t, s.RotateRefreshToken(ctx, first.Hash, second.CreatedAt.Add(-time.Microsecond), sibling))
		got, _ = s.GetRefreshToken(ctx, first.Hash)
		wantEqual(t, first, got, "replaced time kept")
		_, err = s.GetRefreshToken(ctx, sibling.Hash)
		must(t, err)

		wantErr(t, s.RotateRefreshToken(ctx, "missing", time.Time{}, member(at(3*time.Hour))), store.ErrNotFound, "rotate missing")
		wantErr(t, s.RotateRefreshToken(ctx, second.Hash, time.Time{}, sibling), store.ErrAlreadyExists, "successor hash taken")
		got, _ = s.GetRefreshToken(ctx, second.Hash)
		wantEqual(t, second, got, "failed rotation leaves the token unreplaced")

		// Revoking one member revokes the family, and nothing else.
		other := store.RefreshToken{Hash: uniq("h"), PoolID: pool, ClientID: "client", UsernameKey: "u", OriginJTI: uniq("j"),
			CreatedAt: at(time.Second), ExpiresAt: at(time.Hour)}
		must(t, s.CreateRefreshToken(ctx, other))
		must(t, s.RevokeRefreshToken(ctx, second.Hash, at(4*time.Hour)))
		for _, h := range []string{first.Hash, second.Hash, sibling.Hash} {
			got, _ = s.GetRefreshToken(ctx, h)
			if !got.RevokedAt.Equal(at(4 * time.Hour)) {
				t.Fatalf("family member %s revoked at %v", h, got.RevokedAt)
			}
		}
		got, _ = s.GetRefreshToken(ctx, other.Hash)
		wantEqual(t, other, got, "other family untouched")
		// A revoked token never rotates, grace or not.
		wantErr(t, s.RotateRefreshToken(ctx, second.Hash, time.Time{}, member(at(5*time.Hour))), store.ErrTokenReplaced, "revoked")
		wantErr(t, s.RotateRefreshToken(ctx, first.Hash, ancient, member(at(5*time.Hour))), store.ErrTokenReplaced, "revoked in grace")
	})

	t.Run("RotationRace", func(t *testing.T) {
		// Concurrent rotations of one token without a grace: exactly one
		// successor is created.
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		jti := uniq("j")
		root := store.RefreshToken{Hash: uniq("h"), PoolID: pool, ClientID: "client", UsernameKey: "u", OriginJTI: jti,
			AuthTime: base, CreatedAt: at(time.Second), ExpiresAt: at(time.Hour)}
		must(t, s.CreateRefreshToken(ctx, root))
		const n = 8
		errs := make([]error, n)
		hashes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			hashes[i] = uniq("h")
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.RotateRefreshToken(ctx, root.Hash, time.Time{}, store.RefreshToken{Hash: hashes[i], PoolID: pool, ClientID: "client",
					UsernameKey: "u", OriginJTI: jti, AuthTime: base, CreatedAt: at(time.Minute), ExpiresAt: at(time.Hour)})
			}()
		}
		wg.Wait()
		wins := 0
		for i, err := range errs {
			_, gerr := s.GetRefreshToken(ctx, hashes[i])
			switch {
			case err == nil:
				wins++
				must(t, gerr)
			case errors.Is(err, store.ErrTokenReplaced):
				wantErr(t, gerr, store.ErrNotFound, "loser's successor")
			default:
				t.Fatalf("rotation %d: %v", i, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d rotations won, want exactly 1", wins)
		}
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		pool := mkPool(t, s)
		mkUser(t, s, pool, "u")
		old1 := store.RefreshToken{Hash: uniq("old"), PoolID: pool, ClientID: "c", UsernameKey: "u", OriginJTI: uniq("j"), CreatedAt: ancient, ExpiresAt: ancient.Add(time.Hour)}
		old2 := store.RefreshToken{Hash: uniq("old"), PoolID: pool, ClientID: "c", UsernameKey: "u", OriginJTI: uniq("j"), CreatedAt: ancient, ExpiresAt: ancient.Add(2 * time.Hour)}
		edge := store.RefreshToken{Hash: uniq("edge"), PoolID: pool, ClientID: "c", UsernameKey: "u", OriginJTI: uniq("j"), CreatedAt: ancient, ExpiresAt: ancient.Add(10 * time.Hour)}
		live := store.RefreshToken{Hash: uniq("live"), PoolID: pool, ClientID: "c", UsernameKey: "u", OriginJTI: uniq("j"), CreatedAt: ancient, ExpiresAt: at(time.Hour)}
		for _, x := range []store.RefreshToken{old1, old2, edge, live} {
			must(t, s.CreateRefreshToken(ctx, x))
		}
		n, err := s.DeleteExpiredRefreshTokens(ctx, ancient.Add(5*time.Hour))
		must(t, err)
		if n < 2 {
			t.Fatalf("deleted %d expired tokens, want at least our 2", n)
		}
		for _, h := range []string{old1.Hash, old2.Hash} {
			_, err = s.GetRefreshToken(ctx, h)
			wantErr(t, err, store.ErrNotFound, "expired token")
		}
		for _, h := range []string{edge.Hash, live.Hash} {
			_, err = s.GetRefreshToken(ctx, h)
			must(t, err)
		}
	})
}

func testCodes(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)
	mkUser(t, s, pool, "u")

	c := store.Code{PoolID: pool, UsernameKey: "u", Purpose: "signup", CodeHash: "hash1", CreatedAt: base, ExpiresAt: at(24 * time.Hour)}
	must(t, s.PutCode(ctx, c))
	got, err := s.GetCode(ctx, pool, "u", "signup")
	must(t, err)
	wantEqual(t, c, got, "GetCode")
	_, err = s.GetCode(ctx, pool, "u", "reset")
	wantErr(t, err, store.ErrNotFound, "code of another purpose")

	for want := 1; want <= 3; want++ {
		n, err := s.IncrementCodeAttempts(ctx, pool, "u", "signup")
		must(t, err)
		if n != want {
			t.Fatalf("IncrementCodeAttempts = %d, want %d", n, want)
		}
	}
	got, _ = s.GetCode(ctx, pool, "u", "signup")
	if got.Attempts != 3 {
		t.Fatalf("attempts stored %d, want 3", got.Attempts)
	}
	_, err = s.IncrementCodeAttempts(ctx, pool, "u", "reset")
	wantErr(t, err, store.ErrNotFound, "increment missing code")

	// Put replaces, attempts included.
	c2 := store.Code{PoolID: pool, UsernameKey: "u", Purpose: "signup", CodeHash: "hash2", CreatedAt: at(time.Hour), ExpiresAt: at(25 * time.Hour)}
	must(t, s.PutCode(ctx, c2))
	got, err = s.GetCode(ctx, pool, "u", "signup")
	must(t, err)
	wantEqual(t, c2, got, "replaced code")

	reset := store.Code{PoolID: pool, UsernameKey: "u", Purpose: "reset", CodeHash: "r", Attempts: 1, CreatedAt: base, ExpiresAt: at(time.Hour)}
	must(t, s.PutCode(ctx, reset))
	must(t, s.DeleteCode(ctx, pool, "u", "signup"))
	wantErr(t, s.DeleteCode(ctx, pool, "u", "signup"), store.ErrNotFound, "second delete")
	_, err = s.GetCode(ctx, pool, "u", "signup")
	wantErr(t, err, store.ErrNotFound, "after delete")
	got, err = s.GetCode(ctx, pool, "u", "reset")
	must(t, err)
	wantEqual(t, reset, got, "other purpose untouched")
}

func testSessions(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	sess := store.Session{ID: uniq("sess"), PoolID: pool, ClientID: "client", UsernameKey: "u", Challenge: "PASSWORD_VERIFIER",
		State: []byte(`{"b":"..."}`), CreatedAt: base, ExpiresAt: at(3 * time.Minute)}
	must(t, s.CreateSession(ctx, sess))
	wantErr(t, s.CreateSession(ctx, sess), store.ErrAlreadyExists, "duplicate session")
	got, err := s.GetSession(ctx, sess.ID)
	must(t, err)
	wantEqual(t, sess, got, "GetSession")
	got, err = s.TakeSession(ctx, sess.ID)
	must(t, err)
	wantEqual(t, sess, got, "TakeSession")
	_, err = s.TakeSession(ctx, sess.ID)
	wantErr(t, err, store.ErrNotFound, "second take")
	_, err = s.GetSession(ctx, sess.ID)
	wantErr(t, err, store.ErrNotFound, "get after take")

	old := store.Session{ID: uniq("old"), PoolID: pool, UsernameKey: "u", CreatedAt: ancient, ExpiresAt: ancient.Add(time.Minute)}
	live := store.Session{ID: uniq("live"), PoolID: pool, UsernameKey: "u", CreatedAt: ancient, ExpiresAt: at(time.Hour)}
	must(t, s.CreateSession(ctx, old))
	must(t, s.CreateSession(ctx, live))
	n, err := s.DeleteExpiredSessions(ctx, ancient.Add(time.Hour))
	must(t, err)
	if n < 1 {
		t.Fatalf("DeleteExpiredSessions = %d, want at least 1", n)
	}
	_, err = s.GetSession(ctx, old.ID)
	wantErr(t, err, store.ErrNotFound, "expired session")
	_, err = s.GetSession(ctx, live.ID)
	must(t, err)
}
