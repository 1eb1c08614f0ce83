package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"userpool/internal/store"
	"userpool/internal/store/storetest"
)

// Rows written with the old outcome spelling at schema version 1 read back
// with the new one after Open migrates; migrating down restores them.
func TestMigrateAuditOutcomeSpelling(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "userpool.db")
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for i, r := range storetest.AuditSpellingRows {
		if _, err := db.ExecContext(ctx, `INSERT INTO audit (time, actor_type, actor, action, pool_id, target, outcome, request_id, detail)
			VALUES (?, 'user', 'admin', ?, 'us-east-1_AbCdEfGhI', ?, ?, ?, '')`, 1714564800000000+i, r.Action, "t", r.Before, "req"); err != nil {
			t.Fatal(err)
		}
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := s.ListAudit(ctx, store.AuditFilter{}, store.Page{})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(storetest.AuditSpellingRows) {
		t.Fatalf("%d rows after migrating, want %d", len(got), len(storetest.AuditSpellingRows))
	}
	for i, r := range storetest.AuditSpellingRows {
		if got[i].Outcome != r.After || got[i].Action != r.Action {
			t.Errorf("row %d (%s %q): outcome %q after migrating, want %q", i, r.Action, r.Before, got[i].Outcome, r.After)
		}
	}

	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT outcome FROM audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var o string
		if err := rows.Scan(&o); err != nil {
			t.Fatal(err)
		}
		if o != storetest.AuditSpellingRows[i].Before {
			t.Errorf("row %d: outcome %q after migrating down, want %q", i, o, storetest.AuditSpellingRows[i].Before)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
