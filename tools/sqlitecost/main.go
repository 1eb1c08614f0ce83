// Command sqlitecost measures what one AdminCreateUser costs the SQLite
// writer alone: the same rows and indexes as internal/store/sqlite (the user
// row with its primary key and sub index, five search-index rows, the pool's
// counter, the audit row and its three indexes; the schema is read from the
// store's migrations), written by one goroutine in
// transactions of 8 users with a savepoint each, under the store's pragmas —
// through the pure-Go driver the server uses (modernc.org/sqlite) and through
// the C SQLite of github.com/mattn/go-sqlite3 (cgo), to see whether a C build
// would change the bound. It is a separate module so that the server's build
// never needs cgo. BENCHMARKS.md has its figures.
//
//	cd tools/sqlitecost && go run .            # both drivers, 20,000 users each
//
// Variants, by environment: NOCKPT=1 (no automatic checkpoint), DIR=/dev/shm/x
// (files in memory), NOSEARCH=1 (no search rows), NOSUBROW=1 (no sub search
// row), ONLYSUB=1 (only the sub search row), NOAUDIT=1 (no audit row),
// PAGESIZE=N, LEAN=1 (no sub search row, and the two status rows keyed by a
// creation sequence instead of the username, so that new users append).
package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

// migrations is the store's own schema (its goose files, Up sections), so
// the cost is measured on the tables and indexes the server has.
const migrations = "../../internal/store/sqlite/migrations"

func schema() string {
	files, err := filepath.Glob(filepath.Join(migrations, "*.sql"))
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("no migrations in %s (run from tools/sqlitecost): %v", migrations, err))
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		_, up, ok := strings.Cut(string(text), "-- +goose Up")
		if !ok {
			panic(f + ": no Up section")
		}
		up, _, _ = strings.Cut(up, "-- +goose Down")
		b.WriteString(up)
		b.WriteString("\n")
	}
	b.WriteString("INSERT INTO pools (id, name) VALUES ('us-east-1_abc', 'bench');\n")
	return b.String()
}

func uuid() string { b := make([]byte, 16); rand.Read(b); return hex.EncodeToString(b) }

func run(driver, dsn string, n, batch int) time.Duration {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1)
	prags := []string{"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=1", "PRAGMA cache_size=-16384"}
	if ps := os.Getenv("PAGESIZE"); ps != "" {
		prags = append([]string{"PRAGMA page_size=" + ps}, prags...)
	}
	if os.Getenv("NOCKPT") != "" {
		prags = append(prags, "PRAGMA wal_autocheckpoint=0")
	}
	for _, p := range prags {
		if _, err := db.Exec(p); err != nil {
			panic(err)
		}
	}
	if _, err := db.Exec(schema()); err != nil {
		panic(err)
	}
	ins, _ := db.Prepare(`INSERT INTO users (pool_id, username_key, username, sub, status, enabled, attributes, aliases, password_hash, srp_salt, srp_verifier, password_set_at, password_temporary, password_expires_at, mfa, failed_logins, locked_until, tokens_valid_after, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	srch, _ := db.Prepare(`INSERT INTO user_search (pool_id, attr, value, username_key) VALUES (?,?,?,?),(?,?,?,?),(?,?,?,?),(?,?,?,?),(?,?,?,?)`)
	srch4, _ := db.Prepare(`INSERT INTO user_search (pool_id, attr, value, username_key) VALUES (?,?,?,?),(?,?,?,?),(?,?,?,?),(?,?,?,?)`)
	srch1, _ := db.Prepare(`INSERT INTO user_search (pool_id, attr, value, username_key) VALUES (?,?,?,?)`)
	upd, _ := db.Prepare(`UPDATE pools SET user_count = user_count + 1 WHERE id = ?`)
	aud, _ := db.Prepare(`INSERT INTO audit (time, actor_type, actor, action, pool_id, target, outcome, request_id, detail) VALUES (?,?,?,?,?,?,?,?,?)`)
	const pool = "us-east-1_abc"
	start := time.Now()
	for i := 0; i < n; i += batch {
		tx, err := db.Begin()
		if err != nil {
			panic(err)
		}
		for j := i; j < i+batch; j++ {
			tx.Exec("SAVEPOINT g")
			u := fmt.Sprintf("gen-run-%d-%d@example.com", j%8, j/8)
			sub := uuid()
			now := time.Now().UnixMicro()
			attrs := `{"email":"` + u + `","sub":"` + sub + `"}`
			if _, err := tx.Stmt(ins).Exec(pool, u, u, sub, "FORCE_CHANGE_PASSWORD", 1, attrs, "{}", "", nil, nil, now, 1, now+7*86400e6, nil, 0, nil, nil, now, now); err != nil {
				panic(err)
			}
			if os.Getenv("LEAN") != "" {
				seq := fmt.Sprintf("%012d", j)
				if _, err := tx.Stmt(srch4).Exec(pool, 1, u, u, pool, 3, "FORCE_CHANGE_PASSWORD", seq, pool, 4, "Enabled", seq, pool, 5, u, u); err != nil {
					panic(err)
				}
			} else if os.Getenv("NOSUBROW") != "" {
				if _, err := tx.Stmt(srch4).Exec(pool, 1, u, u, pool, 3, "FORCE_CHANGE_PASSWORD", u, pool, 4, "Enabled", u, pool, 5, u, u); err != nil {
					panic(err)
				}
			} else if os.Getenv("ONLYSUB") != "" {
				if _, err := tx.Stmt(srch1).Exec(pool, 2, sub, u); err != nil {
					panic(err)
				}
			} else if os.Getenv("NOSEARCH") == "" {
				if _, err := tx.Stmt(srch).Exec(pool, 1, u, u, pool, 2, sub, u, pool, 3, "FORCE_CHANGE_PASSWORD", u, pool, 4, "Enabled", u, pool, 5, u, u); err != nil {
					panic(err)
				}
			}
			if _, err := tx.Stmt(upd).Exec(pool); err != nil {
				panic(err)
			}
			if os.Getenv("NOAUDIT") == "" {
				if _, err := tx.Stmt(aud).Exec(now, "access-key", "AKIAEXAMPLE", "cognito-idp:AdminCreateUser", pool, u, "allowed", uuid(), ""); err != nil {
					panic(err)
				}
			}
			tx.Exec("RELEASE g")
		}
		if err := tx.Commit(); err != nil {
			panic(err)
		}
	}
	d := time.Since(start)
	db.Close()
	return d
}

var dir = func() string {
	// DIR holds the database files; default the system temp dir.
	if d := os.Getenv("DIR"); d != "" {
		return d
	}
	return os.TempDir()
}()

func main() {
	n := 20000
	for _, batch := range []int{8} {
		for _, d := range []struct{ name, dsn string }{{"sqlite", "file:" + dir + "/m.db"}, {"sqlite3", "file:" + dir + "/c.db"}} {
			os.Remove(dir + "/m.db")
			os.Remove(dir + "/c.db")
			os.Remove(dir + "/m.db-wal")
			os.Remove(dir + "/c.db-wal")
			el := run(d.name, d.dsn, n, batch)
			label := map[string]string{"sqlite": "modernc (pure Go)", "sqlite3": "mattn (cgo)"}[d.name]
			fmt.Printf("%-18s batch %d: %d users in %v = %.1f µs/user\n", label, batch, n, el.Round(time.Millisecond), float64(el.Microseconds())/float64(n))
		}
	}
}
