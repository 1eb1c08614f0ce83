package iam

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"userpool/internal/sigv4"
	"userpool/internal/store"
)

// DefaultKeyringTTL is how long the Keyring trusts what it read from the
// store. Disabling or deleting a key, or changing a principal's grants,
// through another process takes effect within this time; in-process admin
// paths call Invalidate or Flush to make it immediate.
const DefaultKeyringTTL = 30 * time.Second

// keyringMaxEntries bounds the cache (positive and negative entries).
const keyringMaxEntries = 4096

// Credential is a resolved access key: its secret, principal and the
// principal's compiled grants.
type Credential struct {
	AccessKeyID string
	Secret      string
	Principal   store.Principal
	Policy      *Policy
	// Session is set for a temporary credential (session.go): Principal
	// is then its role (its grants; none when the role is not declared).
	Session *Session
}

// Keyring resolves access key ids to secrets and principals from an
// IAMStore, opening sealed secrets with a Sealer, and caches the results for
// a short TTL. Unknown, disabled and orphaned keys (principal gone) resolve
// to an error wrapping sigv4.ErrUnknownAccessKey; these negative results are
// cached too, so a flood of bogus ids does not reach the store more than once
// per TTL each. Store failures and secrets that do not open (wrong master
// key, corrupt record) are returned as other errors and not cached.
//
// The cache holds plaintext secrets in memory for up to the TTL; nothing is
// logged.
type Keyring struct {
	store  store.IAMStore
	sealer *Sealer
	ttl    time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]keyringEntry
}

type keyringEntry struct {
	cred    *Credential
	err     error
	expires time.Time
}

// NewKeyring returns a Keyring. ttl <= 0 means DefaultKeyringTTL; now nil
// means time.Now.
func NewKeyring(st store.IAMStore, s *Sealer, ttl time.Duration, now func() time.Time) *Keyring {
	if ttl <= 0 {
		ttl = DefaultKeyringTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Keyring{store: st, sealer: s, ttl: ttl, now: now, entries: make(map[string]keyringEntry)}
}

// Lookup returns the secret of an access key id. It has the signature of
// sigv4.Verifier.Lookup.
func (k *Keyring) Lookup(ctx context.Context, accessKeyID string) (string, error) {
	c, err := k.Resolve(ctx, accessKeyID)
	if err != nil {
		return "", err
	}
	return c.Secret, nil
}

// Resolve returns the credential of an access key id. The returned value is
// shared; callers must not modify it.
func (k *Keyring) Resolve(ctx context.Context, accessKeyID string) (*Credential, error) {
	now := k.now()
	k.mu.Lock()
	if e, ok := k.entries[accessKeyID]; ok && now.Before(e.expires) {
		k.mu.Unlock()
		return e.cred, e.err
	}
	k.mu.Unlock()

	cred, err, cacheable := k.load(ctx, accessKeyID)
	if cacheable {
		k.mu.Lock()
		k.put(accessKeyID, keyringEntry{cred: cred, err: err, expires: now.Add(k.ttl)}, now)
		k.mu.Unlock()
	}
	return cred, err
}

func unknownKey(id, why string) error {
	return fmt.Errorf("iam: access key %q %s: %w", id, why, sigv4.ErrUnknownAccessKey)
}

// load reads one key; cacheable reports whether the outcome is a fact about
// the key (found, unknown, disabled) rather than a transient failure.
func (k *Keyring) load(ctx context.Context, id string) (cred *Credential, err error, cacheable bool) {
	if IsSessionAccessKeyID(id) {
		return k.loadSession(ctx, id)
	}
	ak, err := k.store.GetAccessKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unknownKey(id, "does not exist"), true
	}
	if err != nil {
		return nil, fmt.Errorf("iam: reading access key: %w", err), false
	}
	if ak.Disabled {
		return nil, unknownKey(id, "is disabled"), true
	}
	secret, err := k.sealer.OpenSecret(ak.ID, ak.SecretCiphertext)
	if err != nil {
		return nil, fmt.Errorf("iam: opening secret of access key %q (wrong master key?): %w", id, err), false
	}
	p, err := k.store.GetPrincipal(ctx, ak.PrincipalName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unknownKey(id, "belongs to no principal"), true
	}
	if err != nil {
		return nil, fmt.Errorf("iam: reading principal: %w", err), false
	}
	// Grants are validated when written (config validation, admin API);
	// an invalid action here allows nothing rather than locking the key out.
	return &Credential{AccessKeyID: ak.ID, Secret: secret, Principal: p, Policy: compileLenient(p)}, nil, true
}

// put stores an entry, keeping the cache within keyringMaxEntries: expired
// entries go first, then arbitrary ones.
func (k *Keyring) put(id string, e keyringEntry, now time.Time) {
	if _, exists := k.entries[id]; !exists && len(k.entries) >= keyringMaxEntries {
		for kid, old := range k.entries {
			if !now.Before(old.expires) {
				delete(k.entries, kid)
			}
		}
		for kid := range k.entries {
			if len(k.entries) < keyringMaxEntries {
				break
			}
			delete(k.entries, kid)
		}
	}
	k.entries[id] = e
}

// Invalidate forgets one access key (call after disabling or deleting it).
func (k *Keyring) Invalidate(accessKeyID string) {
	k.mu.Lock()
	delete(k.entries, accessKeyID)
	k.mu.Unlock()
}

// Flush forgets everything (call after changing grants or principals).
func (k *Keyring) Flush() {
	k.mu.Lock()
	clear(k.entries)
	k.mu.Unlock()
}
