package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// waitForWaiter returns once a session waits for (is not granted) the
// advisory lock key in the test server's database. It polls pg_locks; a
// waiter that never appears ends the test at its deadline.
func waitForWaiter(t *testing.T, dsn string, key int64) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	hi, lo := int64(uint64(key)>>32), int64(uint32(key))
	for {
		var n int
		err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1 AND NOT granted`, hi, lo).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
}

func currentSchema(t *testing.T, dsn string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var schema string
	if err := conn.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return schema
}

// A second StartLock on the same schema blocks until the first holder
// unlocks; one on another schema does not wait.
func TestStartLockExcludes(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	unlock1, err := StartLock(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	other, err := StartLock(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatalf("start lock of another schema: %v", err)
	}
	other()

	acquired := make(chan func(), 1)
	errc := make(chan error, 1)
	go func() {
		unlock2, err := StartLock(t.Context(), dsn)
		if err != nil {
			errc <- err
			return
		}
		acquired <- unlock2
	}()
	waitForWaiter(t, dsn, lockKey("start", currentSchema(t, dsn)))
	select {
	case <-acquired:
		t.Fatal("the second holder got the lock while the first held it")
	case err := <-errc:
		t.Fatalf("second StartLock: %v", err)
	default:
	}
	unlock1()
	select {
	case unlock2 := <-acquired:
		unlock2()
	case err := <-errc:
		t.Fatalf("second StartLock: %v", err)
	}
}

// A StartLock whose context ends while it waits fails.
func TestStartLockCancelled(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	unlock1, err := StartLock(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock1()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		unlock2, err := StartLock(ctx, dsn)
		if err == nil {
			unlock2()
		}
		errc <- err
	}()
	waitForWaiter(t, dsn, lockKey("start", currentSchema(t, dsn)))
	cancel()
	if err := <-errc; err == nil || !strings.HasPrefix(err.Error(), "postgres: start lock: ") {
		t.Fatalf("cancelled StartLock: %v, want an error", err)
	}
}

// Open migrates under the migration lock, taken with the same recipe: while
// another session holds it, Open waits; it then migrates.
func TestOpenWaitsForMigrationLock(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	key := lockKey("migrations", currentSchema(t, dsn))
	holder, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	if err := lockSession(t.Context(), holder, key); err != nil {
		t.Fatal(err)
	}
	type opened struct {
		s   *Store
		err error
	}
	done := make(chan opened, 1)
	go func() {
		s, err := Open(t.Context(), dsn, Options{MaxConns: 2})
		done <- opened{s, err}
	}()
	waitForWaiter(t, dsn, key)
	select {
	case o := <-done:
		t.Fatalf("Open returned while the migration lock was held: %v", o.err)
	default:
	}
	if err := unlockSession(t.Context(), holder, key); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.err != nil {
		t.Fatalf("Open: %v", o.err)
	}
	defer o.s.Close()
	if err := o.s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The migration lock was released: it can be taken again at once.
	var got bool
	if err := holder.QueryRow(t.Context(), `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil || !got {
		t.Fatalf("migration lock after Open: %v, %v", got, err)
	}
}

// Unlocking a lock the session does not hold is an error and ends the
// session (closing the connection), so no lock can outlive the mistake.
func TestUnlockSessionNotHeld(t *testing.T) {
	t.Parallel()
	conn, err := pgx.Connect(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := unlockSession(t.Context(), conn, lockKey("start", "nowhere")); err == nil {
		t.Fatal("unlock of a lock not held succeeded")
	}
	if !conn.IsClosed() {
		t.Error("the connection stayed open")
	}
}

// The keys are those of earlier versions, so instances of both versions
// sharing a schema exclude each other during a rolling upgrade.
func TestLockKeysStable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		purpose, schema string
		want            int64
	}{
		{"migrations", "public", -4603567754473106749}, // FNV-1a 64 of "userpool-migrations\x00public"
		{"start", "public", 1817206654951542626},       // FNV-1a 64 of "userpool-start\x00public"
	} {
		if got := lockKey(c.purpose, c.schema); got != c.want {
			t.Errorf("lockKey(%q, %q) = %d, want %d", c.purpose, c.schema, got, c.want)
		}
	}
	if lockKey("migrations", "s") == lockKey("start", "s") || lockKey("start", "a") == lockKey("start", "b") {
		t.Error("distinct locks share a key")
	}
}
