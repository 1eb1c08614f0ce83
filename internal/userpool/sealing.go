package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"userpool/internal/store"
)

// Secrets at rest (issue 13, findings 1 and 2).
//
// The master key (iam.Sealer, AES-256-GCM) seals what a copy of the
// database must not give away; the Service gets it as Options.Sealer:
//
//   - Code key: each pool has a random 32-byte key for one-time codes,
//     stored sealed as a pool resource (kind codeKeyKind, name
//     codeKeyName) and created by the first instance that needs it: the
//     store's (pool, kind, name) key makes exactly one creation win, the
//     others read the winner's. Codes are stored as HMAC-SHA256 under it
//     (codes.go), so a database copy without the master key cannot test a
//     guess. Keys are cached per pool for the life of the process (a code
//     key never changes; it goes with its pool).
//   - TOTP secrets: the stored MFA document's TOTPSecret holds
//     "sealed1:" + base64(seal(secret)) with the pool id and username key as
//     associated data (a sealed secret moved to another user does not
//     open). A document written before sealing holds the base32 secret
//     itself (base32 has no ':'): it is read as it is, and sealed when the
//     user's MFA document is next written (a TOTP sign-in or setup) or by
//     SealStoredSecrets.
//   - App-client secrets: the stored secret column (store.Client.Secret,
//     whose plaintext may list several secrets, clientsecrets.go) holds
//     "sealed1:" + base64(seal(column)) with the pool and client id as
//     associated data. A column written before sealing (a bare secret or
//     "secrets1:...") is read as it is and sealed at its next write or by
//     SealStoredSecrets.
//
// Without a Sealer (unit tests) the code key is stored as it is
// ("plain1:" prefix) and TOTP secrets stay plaintext; a server always has
// one (cmd/userpool wires the master key).

// Sealer seals and opens small secrets bound to associated data; *iam.Sealer
// implements it.
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(sealed, associatedData []byte) ([]byte, error)
}

// secrets is the Service's sealer and its cache of pools' code keys.
type secrets struct {
	sealer Sealer
	mu     sync.Mutex
	codes  map[string][]byte // pool id -> code key
}

const (
	// codeKeyKind and codeKeyName name the pool resource that holds the
	// pool's sealed code key.
	codeKeyKind = "userpool/code-key"
	codeKeyName = "v2"
	codeKeySize = 32

	sealedPrefix = "sealed1:"
	plainPrefix  = "plain1:"
)

func codeKeyAD(poolID string) []byte { return []byte("userpool/code-key/v2\x00" + poolID) }

func totpAD(poolID, usernameKey string) []byte {
	return []byte("userpool/totp-secret/v1\x00" + poolID + "\x00" + usernameKey)
}

// codeKey returns the pool's code key; when the pool has none it creates one
// if create is set, and answers store.ErrNotFound otherwise.
func (s *Service) codeKey(ctx context.Context, poolID string, create bool) ([]byte, error) {
	s.secrets.mu.Lock()
	k := s.secrets.codes[poolID]
	s.secrets.mu.Unlock()
	if k != nil {
		return k, nil
	}
	k, err := s.loadCodeKey(ctx, poolID)
	if errors.Is(err, store.ErrNotFound) && create {
		k, err = s.createCodeKey(ctx, poolID)
	}
	if err != nil {
		return nil, err
	}
	s.secrets.mu.Lock()
	if s.secrets.codes == nil {
		s.secrets.codes = map[string][]byte{}
	}
	if len(s.secrets.codes) >= maxCachedCodeKeys {
		clear(s.secrets.codes)
	}
	s.secrets.codes[poolID] = k
	s.secrets.mu.Unlock()
	return k, nil
}

// maxCachedCodeKeys bounds the cache (a pool's key is read again after a clear).
const maxCachedCodeKeys = 4096

// loadCodeKey reads and opens the pool's stored code key (store.ErrNotFound
// when there is none).
func (s *Service) loadCodeKey(ctx context.Context, poolID string) ([]byte, error) {
	r, err := s.store.GetResource(ctx, poolID, codeKeyKind, codeKeyName)
	if err != nil {
		return nil, err
	}
	return s.openCodeKey(poolID, r.Body)
}

func (s *Service) openCodeKey(poolID string, body []byte) ([]byte, error) {
	var k []byte
	switch {
	case strings.HasPrefix(string(body), plainPrefix):
		k = body[len(plainPrefix):]
	case strings.HasPrefix(string(body), sealedPrefix):
		if s.secrets.sealer == nil {
			return nil, fmt.Errorf("the code key of pool %s is sealed and no master key is configured", poolID)
		}
		var err error
		if k, err = s.secrets.sealer.Open(body[len(sealedPrefix):], codeKeyAD(poolID)); err != nil {
			return nil, fmt.Errorf("open the code key of pool %s: %w", poolID, err)
		}
	default:
		return nil, fmt.Errorf("the code key of pool %s has an unknown form", poolID)
	}
	if len(k) != codeKeySize {
		return nil, fmt.Errorf("the code key of pool %s has %d bytes", poolID, len(k))
	}
	return k, nil
}

// createCodeKey draws a new code key and stores it; when another instance
// stored one first, that one is read and returned (one winner).
func (s *Service) createCodeKey(ctx context.Context, poolID string) ([]byte, error) {
	k := make([]byte, codeKeySize)
	if _, err := io.ReadFull(s.rand, k); err != nil {
		return nil, err
	}
	body := append([]byte(plainPrefix), k...)
	if s.secrets.sealer != nil {
		sealed, err := s.secrets.sealer.Seal(k, codeKeyAD(poolID))
		if err != nil {
			return nil, fmt.Errorf("seal the code key: %w", err)
		}
		body = append([]byte(sealedPrefix), sealed...)
	}
	now := s.nowUTC()
	err := s.store.CreateResource(ctx, store.Resource{PoolID: poolID, Kind: codeKeyKind, Name: codeKeyName, Body: body, CreatedAt: now, UpdatedAt: now}, 0)
	if errors.Is(err, store.ErrAlreadyExists) {
		return s.loadCodeKey(ctx, poolID) // another instance won
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// codeMAC is HMAC-SHA256 under key over the length-prefixed parts followed
// by the code, hex-encoded.
func codeMAC(key []byte, parts []string, code string) []byte {
	m := hmac.New(sha256.New, key)
	writeParts(m, parts)
	m.Write([]byte(code))
	return m.Sum(nil)
}

// ---------------------------------------------------------------- TOTP secrets

// sealTOTPSecret returns the stored form of a TOTP secret of the user.
func (s *Service) sealTOTPSecret(poolID, usernameKey, secret string) (string, error) {
	if s.secrets.sealer == nil || secret == "" {
		return secret, nil
	}
	sealed, err := s.secrets.sealer.Seal([]byte(secret), totpAD(poolID, usernameKey))
	if err != nil {
		return "", Internal(fmt.Errorf("seal TOTP secret: %w", err))
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// openTOTPSecret returns the secret of a stored form (a secret stored before
// sealing is returned as it is).
func (s *Service) openTOTPSecret(poolID, usernameKey, stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	if s.secrets.sealer == nil {
		return "", Internal(errors.New("a TOTP secret is sealed and no master key is configured"))
	}
	sealed, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", Internal(fmt.Errorf("TOTP secret of %s/%s: %w", poolID, usernameKey, err))
	}
	pt, err := s.secrets.sealer.Open(sealed, totpAD(poolID, usernameKey))
	if err != nil {
		return "", Internal(fmt.Errorf("open TOTP secret of %s/%s: %w", poolID, usernameKey, err))
	}
	return string(pt), nil
}

// resealTOTP seals m's TOTP secret when it is still stored in plaintext and
// a Sealer is configured (the lazy migration of rows written before
// sealing). It reports whether it changed m.
func (s *Service) resealTOTP(poolID, usernameKey string, m *MFASettings) (bool, error) {
	if s.secrets.sealer == nil || m.TOTPSecret == "" || strings.HasPrefix(m.TOTPSecret, sealedPrefix) {
		return false, nil
	}
	sealed, err := s.sealTOTPSecret(poolID, usernameKey, m.TOTPSecret)
	if err != nil {
		return false, err
	}
	m.TOTPSecret = sealed
	return true, nil
}

// ---------------------------------------------------------------- app-client secrets

func clientSecretAD(poolID, clientID string) []byte {
	return []byte("userpool/client-secret/v1\x00" + poolID + "\x00" + clientID)
}

// sealClientSecretColumn returns the stored form of a client's secret
// column ("" stays "": a public client).
func (s *Service) sealClientSecretColumn(poolID, clientID, plain string) (string, error) {
	if s.secrets.sealer == nil || plain == "" {
		return plain, nil
	}
	sealed, err := s.secrets.sealer.Seal([]byte(plain), clientSecretAD(poolID, clientID))
	if err != nil {
		return "", Internal(fmt.Errorf("seal client secret: %w", err))
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// openClientSecretColumn returns the plaintext of a stored secret column (a
// column stored before sealing is returned as it is: a bare secret or a
// "secrets1:" list never starts with "sealed1:").
func (s *Service) openClientSecretColumn(poolID, clientID, stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	if s.secrets.sealer == nil {
		return "", Internal(errors.New("a client secret is sealed and no master key is configured"))
	}
	sealed, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", Internal(fmt.Errorf("client secret of %s/%s: %w", poolID, clientID, err))
	}
	pt, err := s.secrets.sealer.Open(sealed, clientSecretAD(poolID, clientID))
	if err != nil {
		return "", Internal(fmt.Errorf("open client secret of %s/%s: %w", poolID, clientID, err))
	}
	return string(pt), nil
}

// ---------------------------------------------------------------- migration of rows written before sealing

// sealedMarkerKind names the pool resource that records that every secret
// of the pool stored before sealing has been sealed (SealStoredSecrets).
const (
	sealedMarkerKind = "userpool/secrets-sealed"
	sealedMarkerName = "v2" // v2: TOTP and client secrets
)

// SealReport counts what SealStoredSecrets did.
type SealReport struct {
	Pools         int // pools swept (pools already marked are not counted)
	TOTPSecrets   int // TOTP secrets sealed
	ClientSecrets int // app clients whose secrets were sealed
}

// SealStoredSecrets seals every secret that rows written before sealing hold
// in plaintext: the one-time migration of issue 13 finding 2, done in Go
// because a SQL migration cannot seal. It works on every store through the
// store interface: each pool's users are read page by page, each plaintext
// TOTP secret is sealed in a read-modify-write of its user (re-checked
// inside the update, so a concurrent write by another instance is never
// lost, and nothing else of the user changes, UpdatedAt included); then the
// pool is marked swept and later calls skip it. A pool created after the
// upgrade is swept once too (its rows are already sealed; the sweep only
// reads them). Safe to run on several instances at once and to interrupt:
// an unmarked pool is swept again. Without a Sealer it does nothing.
// The server runs it in the background after start-up; rows it has not
// reached yet are read as they are meanwhile, and sealed at their next
// write.
func (s *Service) SealStoredSecrets(ctx context.Context) (SealReport, error) {
	var rep SealReport
	if s.secrets.sealer == nil {
		return rep, nil
	}
	page := store.Page{Limit: store.MaxPageSize}
	for {
		pools, next, err := s.store.ListPools(ctx, page)
		if err != nil {
			return rep, fmt.Errorf("seal stored secrets: list pools: %w", err)
		}
		for _, p := range pools {
			n, swept, err := s.sealPoolSecrets(ctx, p.ID, &rep)
			if err != nil {
				return rep, fmt.Errorf("seal stored secrets of pool %s: %w", p.ID, err)
			}
			rep.TOTPSecrets += n
			if swept {
				rep.Pools++
			}
		}
		if next == "" {
			return rep, nil
		}
		page.Token = next
	}
}

// sealPoolSecrets seals the plaintext secrets of one pool unless the pool is
// marked swept, then marks it.
func (s *Service) sealPoolSecrets(ctx context.Context, poolID string, rep *SealReport) (totpSealed int, swept bool, err error) {
	_, err = s.store.GetResource(ctx, poolID, sealedMarkerKind, sealedMarkerName)
	switch {
	case err == nil:
		return 0, false, nil
	case !errors.Is(err, store.ErrNotFound):
		return 0, false, err
	}
	if err := s.sealPoolClientSecrets(ctx, poolID, rep); err != nil {
		return 0, false, err
	}
	page := store.Page{Limit: store.MaxPageSize, Summary: true}
	for {
		users, next, err := s.store.ListUsers(ctx, poolID, nil, page)
		if errors.Is(err, store.ErrNotFound) {
			return totpSealed, false, nil // pool deleted meanwhile
		}
		if err != nil {
			return totpSealed, false, err
		}
		for _, u := range users {
			if !plaintextTOTP(u.MFA) {
				continue
			}
			changed := false
			_, err := s.store.UpdateUser(ctx, poolID, u.UsernameKey, func(x *store.User) error {
				m, err := decodeMFA(x.MFA)
				if err != nil {
					return err
				}
				if changed, err = s.resealTOTP(poolID, x.UsernameKey, &m); err != nil || !changed {
					return err
				}
				x.MFA = m.Encode()
				return nil
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) { // deleted meanwhile: nothing to seal
				return totpSealed, false, err
			}
			if err == nil && changed {
				totpSealed++
			}
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	now := s.nowUTC()
	err = s.store.CreateResource(ctx, store.Resource{PoolID: poolID, Kind: sealedMarkerKind, Name: sealedMarkerName, Body: []byte("{}"), CreatedAt: now, UpdatedAt: now}, 0)
	if err != nil && !errors.Is(err, store.ErrAlreadyExists) && !errors.Is(err, store.ErrNotFound) {
		return totpSealed, true, err
	}
	return totpSealed, true, nil
}

// plaintextTOTP reports whether an MFA document holds a TOTP secret not yet sealed.
func plaintextTOTP(doc []byte) bool {
	m, err := decodeMFA(doc)
	return err == nil && m.TOTPSecret != "" && !strings.HasPrefix(m.TOTPSecret, sealedPrefix)
}

// sealPoolClientSecrets seals the secret columns of the pool's app clients
// stored before sealing (UpdatedAt unchanged).
func (s *Service) sealPoolClientSecrets(ctx context.Context, poolID string, rep *SealReport) error {
	page := store.Page{Limit: store.MaxPageSize}
	for {
		clients, next, err := s.store.ListClients(ctx, poolID, page)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, c := range clients {
			if c.Secret == "" || strings.HasPrefix(c.Secret, sealedPrefix) {
				continue
			}
			changed := false
			_, err := s.store.UpdateClient(ctx, poolID, c.ID, func(x *store.Client) error {
				if changed = x.Secret != "" && !strings.HasPrefix(x.Secret, sealedPrefix); !changed {
					return nil
				}
				var err error
				x.Secret, err = s.sealClientSecretColumn(poolID, x.ID, x.Secret)
				return err
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil && changed {
				rep.ClientSecrets++
			}
		}
		if next == "" {
			return nil
		}
		page.Token = next
	}
}
