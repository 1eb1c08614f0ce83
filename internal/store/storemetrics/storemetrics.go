package storemetrics

import (
	"context"
	"time"

	"userpool/internal/store"
)

// Observer records one store call; *metrics.Metrics is one.
type Observer interface {
	ObserveStore(method string, err error, d time.Duration)
}

// Store times the hot methods of the store it wraps.
type Store struct {
	store.Store
	obs Observer
}

// Wrap returns st timed into obs; a nil obs returns st itself.
func Wrap(st store.Store, obs Observer) store.Store {
	if obs == nil {
		return st
	}
	return &Store{Store: st, obs: obs}
}

func (s *Store) done(method string, start time.Time, err error) {
	s.obs.ObserveStore(method, err, time.Since(start))
}

// GetPool is timed.
func (s *Store) GetPool(ctx context.Context, id string) (store.Pool, error) {
	start := time.Now()
	v, err := s.Store.GetPool(ctx, id)
	s.done("GetPool", start, err)
	return v, err
}

// GetClient is timed.
func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	start := time.Now()
	v, err := s.Store.GetClient(ctx, poolID, clientID)
	s.done("GetClient", start, err)
	return v, err
}

// GetClientByID is timed.
func (s *Store) GetClientByID(ctx context.Context, clientID string) (store.Client, error) {
	start := time.Now()
	v, err := s.Store.GetClientByID(ctx, clientID)
	s.done("GetClientByID", start, err)
	return v, err
}

// CreateUser is timed.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	start := time.Now()
	err := s.Store.CreateUser(ctx, u)
	s.done("CreateUser", start, err)
	return err
}

// GetUser is timed.
func (s *Store) GetUser(ctx context.Context, poolID, usernameKey string) (store.User, error) {
	start := time.Now()
	v, err := s.Store.GetUser(ctx, poolID, usernameKey)
	s.done("GetUser", start, err)
	return v, err
}

// GetUserBySub is timed.
func (s *Store) GetUserBySub(ctx context.Context, poolID, sub string) (store.User, error) {
	start := time.Now()
	v, err := s.Store.GetUserBySub(ctx, poolID, sub)
	s.done("GetUserBySub", start, err)
	return v, err
}

// GetUserByAlias is timed.
func (s *Store) GetUserByAlias(ctx context.Context, poolID, kind, value string) (store.User, error) {
	start := time.Now()
	v, err := s.Store.GetUserByAlias(ctx, poolID, kind, value)
	s.done("GetUserByAlias", start, err)
	return v, err
}

// UpdateUser is timed.
func (s *Store) UpdateUser(ctx context.Context, poolID, usernameKey string, fn func(*store.User) error) (store.User, error) {
	start := time.Now()
	v, err := s.Store.UpdateUser(ctx, poolID, usernameKey, fn)
	s.done("UpdateUser", start, err)
	return v, err
}

// CreateSession is timed.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	start := time.Now()
	err := s.Store.CreateSession(ctx, sess)
	s.done("CreateSession", start, err)
	return err
}

// TakeSession is timed.
func (s *Store) TakeSession(ctx context.Context, id string) (store.Session, error) {
	start := time.Now()
	v, err := s.Store.TakeSession(ctx, id)
	s.done("TakeSession", start, err)
	return v, err
}

// GetSession is timed.
func (s *Store) GetSession(ctx context.Context, id string) (store.Session, error) {
	start := time.Now()
	v, err := s.Store.GetSession(ctx, id)
	s.done("GetSession", start, err)
	return v, err
}

// CreateRefreshToken is timed.
func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	start := time.Now()
	err := s.Store.CreateRefreshToken(ctx, t)
	s.done("CreateRefreshToken", start, err)
	return err
}

// GetRefreshToken is timed.
func (s *Store) GetRefreshToken(ctx context.Context, hash string) (store.RefreshToken, error) {
	start := time.Now()
	v, err := s.Store.GetRefreshToken(ctx, hash)
	s.done("GetRefreshToken", start, err)
	return v, err
}

// PutCode is timed.
func (s *Store) PutCode(ctx context.Context, c store.Code) error {
	start := time.Now()
	err := s.Store.PutCode(ctx, c)
	s.done("PutCode", start, err)
	return err
}

// GetCode is timed.
func (s *Store) GetCode(ctx context.Context, poolID, usernameKey, purpose string) (store.Code, error) {
	start := time.Now()
	v, err := s.Store.GetCode(ctx, poolID, usernameKey, purpose)
	s.done("GetCode", start, err)
	return v, err
}

// AppendAuditBatch is timed.
func (s *Store) AppendAuditBatch(ctx context.Context, es []store.AuditEvent) error {
	start := time.Now()
	err := s.Store.AppendAuditBatch(ctx, es)
	s.done("AppendAuditBatch", start, err)
	return err
}

// GetAccessKey is timed.
func (s *Store) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	start := time.Now()
	v, err := s.Store.GetAccessKey(ctx, id)
	s.done("GetAccessKey", start, err)
	return v, err
}

// ListSigningKeys is timed.
func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	start := time.Now()
	v, err := s.Store.ListSigningKeys(ctx, poolID)
	s.done("ListSigningKeys", start, err)
	return v, err
}
