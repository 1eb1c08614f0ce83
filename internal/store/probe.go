package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// ProbeWritable proves the store takes writes, for a readiness check: it
// creates a challenge session that expires a minute after now and takes
// (deletes) it again, on every backend, so a full disk, a read-only file
// system or a read-only PostgreSQL standby fails it. A session the delete
// misses expires and is pruned with the others.
func ProbeWritable(ctx context.Context, st interface {
	CreateSession(ctx context.Context, s Session) error
	TakeSession(ctx context.Context, id string) (Session, error)
}, now time.Time) error {
	var b [12]byte
	_, _ = rand.Read(b[:])
	now = now.UTC()
	id := "readyz-" + hex.EncodeToString(b[:])
	if err := st.CreateSession(ctx, Session{
		ID: id, PoolID: "-", ClientID: "-", UsernameKey: "-", Challenge: "READYZ",
		CreatedAt: now, ExpiresAt: now.Add(time.Minute),
	}); err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	if _, err := st.TakeSession(ctx, id); err != nil {
		return fmt.Errorf("write probe (delete): %w", err)
	}
	return nil
}
