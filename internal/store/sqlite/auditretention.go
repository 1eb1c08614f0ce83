package sqlite

import (
	"context"
	"time"
)

// DeleteAuditBefore deletes at most limit events older than before, oldest
// first (by the audit_time index), in one write transaction.
func (s *Store) DeleteAuditBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 || before.IsZero() {
		return 0, nil
	}
	var n int64
	err := s.write(ctx, "delete audit before", func(tx wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE id IN
			(SELECT id FROM audit WHERE time < ? ORDER BY time LIMIT ?)`, tv(before.UTC()), limit)
		if err != nil {
			return fail("delete audit before", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
