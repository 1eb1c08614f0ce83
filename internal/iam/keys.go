package iam

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"userpool/internal/store"
)

const (
	accessKeyIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // 32 symbols (RFC 4648 base32)
	secretAlphabet      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	// AccessKeyIDPrefix is AWS's prefix for long-term IAM user keys.
	AccessKeyIDPrefix = "AKIA"
	accessKeyIDRandom = 16 // 16 × 5 bits = 80 random bits
	secretLength      = 40 // 40 × 6 bits = 240 random bits
)

// NewAccessKey returns an AWS-shaped access key pair: the id is "AKIA" plus 16
// characters of [A-Z2-7]; the secret is 40 characters of [A-Za-z0-9+/]. Both
// are uniform (each character uses the low bits of one random byte, and the
// alphabets have 32 and 64 symbols). r is normally crypto/rand.Reader; nil
// means crypto/rand. It panics if r fails, since an access key must never be
// issued from a short read.
func NewAccessKey(r io.Reader) (id, secret string) {
	if r == nil {
		r = rand.Reader
	}
	buf := make([]byte, accessKeyIDRandom+secretLength)
	if _, err := io.ReadFull(r, buf); err != nil {
		panic(fmt.Sprintf("iam: reading randomness for an access key: %v", err))
	}
	idb := make([]byte, 0, len(AccessKeyIDPrefix)+accessKeyIDRandom)
	idb = append(idb, AccessKeyIDPrefix...)
	for _, b := range buf[:accessKeyIDRandom] {
		idb = append(idb, accessKeyIDAlphabet[b&31])
	}
	sb := make([]byte, secretLength)
	for i, b := range buf[accessKeyIDRandom:] {
		sb[i] = secretAlphabet[b&63]
	}
	clear(buf)
	return string(idb), string(sb)
}

// ValidAccessKeyID reports whether id has the shape NewAccessKey produces.
func ValidAccessKeyID(id string) bool {
	if len(id) != len(AccessKeyIDPrefix)+accessKeyIDRandom || id[:len(AccessKeyIDPrefix)] != AccessKeyIDPrefix {
		return false
	}
	for i := len(AccessKeyIDPrefix); i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// secretAD is the associated data binding a sealed secret to its key id, so a
// ciphertext cannot be moved to another access key record.
func secretAD(accessKeyID string) []byte {
	return []byte("userpool/iam/access-key-secret/v1/" + accessKeyID)
}

// SealSecret encrypts an access key's secret for store.AccessKey.SecretCiphertext.
func (s *Sealer) SealSecret(accessKeyID, secret string) ([]byte, error) {
	return s.Seal([]byte(secret), secretAD(accessKeyID))
}

// OpenSecret decrypts what SealSecret produced for the same key id.
func (s *Sealer) OpenSecret(accessKeyID string, ciphertext []byte) (string, error) {
	pt, err := s.Open(ciphertext, secretAD(accessKeyID))
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// CreateAccessKey issues a new key pair for an existing principal, stores it
// with the secret sealed, and returns the plaintext pair (shown once to the
// operator; never logged). r supplies randomness (nil: crypto/rand).
func CreateAccessKey(ctx context.Context, st store.IAMStore, s *Sealer, r io.Reader, principal string, now time.Time) (id, secret string, err error) {
	id, secret = NewAccessKey(r)
	ct, err := s.SealSecret(id, secret)
	if err != nil {
		return "", "", err
	}
	err = st.CreateAccessKey(ctx, store.AccessKey{
		ID:               id,
		PrincipalName:    principal,
		SecretCiphertext: ct,
		CreatedAt:        now.UTC(),
	})
	if err != nil {
		return "", "", fmt.Errorf("iam: storing access key for %q: %w", principal, err)
	}
	return id, secret, nil
}
