package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// DeleteAuditBefore deletes at most limit events older than before, oldest
// first (by the audit_time index), in one transaction.
func (s *Store) DeleteAuditBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 || before.IsZero() {
		return 0, nil
	}
	var n int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM audit WHERE id IN
			(SELECT id FROM audit WHERE time < $1 ORDER BY time LIMIT $2)`, tv(before.UTC()), limit)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fail("delete audit before", err)
	}
	return int(n), nil
}
