package userpool

import (
	"context"
	"time"

	"userpool/internal/store"
)

// AuditEvent is one entry of the audit log, as every face records it and
// the operator reads it. The spellings of ActorType and Outcome are
// constants of package audit, the one recorder every face writes through.
type AuditEvent struct {
	// ID is assigned when the event is stored (increasing); ignored by
	// AppendAudit.
	ID        int64
	Time      time.Time // UTC
	ActorType string    // audit.ActorPrincipal, audit.ActorAccessKey or audit.ActorUser
	Actor     string
	Action    string // e.g. "cognito-idp:AdminAddUserToGroup" or "adminqueries:addUserToGroup"
	PoolID    string
	Target    string // the user or group the action touched
	Outcome   string // "allowed", "denied" or "error:<ErrorType>"
	RequestID string
	Detail    string
}

// AuditFilter narrows ListAudit; empty fields match everything. Since and
// Until are inclusive.
type AuditFilter struct {
	Actor   string
	Action  string
	PoolID  string
	Outcome string
	Since   time.Time
	Until   time.Time
	// Newest lists newest first (by ID descending).
	Newest bool
}

// AppendAudit stores the events in one transaction, in order.
func (s *Service) AppendAudit(ctx context.Context, es []AuditEvent) error {
	if len(es) == 0 {
		return nil
	}
	recs := make([]store.AuditEvent, len(es))
	for i, e := range es {
		recs[i] = store.AuditEvent{
			Time: e.Time.UTC(), ActorType: e.ActorType, Actor: e.Actor, Action: e.Action, PoolID: e.PoolID,
			Target: e.Target, Outcome: e.Outcome, RequestID: e.RequestID, Detail: e.Detail,
		}
	}
	if err := s.store.AppendAuditBatch(ctx, recs); err != nil {
		return Internal(err)
	}
	return nil
}

// ListAudit lists matching events oldest first (by ID; newest first with
// f.Newest), limit per page (0 or
// more than the page maximum: the maximum). A token that this store did not
// issue is InvalidParameterException.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter, limit int, token string) ([]AuditEvent, string, error) {
	recs, next, err := s.store.ListAudit(ctx, store.AuditFilter(f), store.Page{Limit: clampLimit(limit), Token: token})
	if err != nil {
		return nil, "", pageError(err)
	}
	out := make([]AuditEvent, len(recs))
	for i, r := range recs {
		out[i] = AuditEvent{
			ID: r.ID, Time: r.Time, ActorType: r.ActorType, Actor: r.Actor, Action: r.Action, PoolID: r.PoolID,
			Target: r.Target, Outcome: r.Outcome, RequestID: r.RequestID, Detail: r.Detail,
		}
	}
	return out, next, nil
}

// DeleteAuditBefore deletes at most limit audit events older than before,
// oldest first, and returns how many it deleted (audit retention: callers
// repeat until fewer than limit are deleted).
func (s *Service) DeleteAuditBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := s.store.DeleteAuditBefore(ctx, before.UTC(), limit)
	if err != nil {
		return n, Internal(err)
	}
	return n, nil
}
