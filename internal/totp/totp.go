package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
)

const (
	// Digits is the code length.
	Digits = 6
	// Period is the time step.
	Period = 30 * time.Second
	// SecretLen is the number of random bytes in a new secret (160 bits, the
	// HMAC-SHA1 output size recommended by RFC 4226 §4).
	SecretLen = 20
	// maxSecretLen bounds decoded secrets.
	maxSecretLen = 128
)

// ErrInvalidSecret is returned for secrets that are not base32 or are too
// short or long.
var ErrInvalidSecret = errors.New("totp: invalid secret")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a new shared secret of SecretLen random bytes from rand,
// as upper-case unpadded base32 (32 characters).
func NewSecret(rand io.Reader) (string, error) {
	b := make([]byte, SecretLen)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("totp: reading randomness: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// decodeSecret accepts base32 in either case, with or without "=" padding
// and with spaces (as some apps display it).
func decodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	s = strings.TrimRight(s, "=")
	key, err := b32.DecodeString(s)
	if err != nil || len(key) < 10 || len(key) > maxSecretLen {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// Step returns the RFC 6238 time step of t: floor(unix seconds / 30).
func Step(t time.Time) int64 {
	sec := t.Unix()
	step := sec / int64(Period/time.Second)
	if sec < 0 && sec%int64(Period/time.Second) != 0 {
		step--
	}
	return step
}

// hotp is RFC 4226 HOTP with dynamic truncation, for any hash and length.
func hotp(h func() hash.Hash, key []byte, counter uint64, digits int) string {
	m := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Code returns the code for secret at time t.
func Code(secretBase32 string, t time.Time) (string, error) {
	key, err := decodeSecret(secretBase32)
	if err != nil {
		return "", err
	}
	step := Step(t)
	if step < 0 {
		return "", errors.New("totp: time before the Unix epoch")
	}
	return hotp(sha1.New, key, uint64(step), Digits), nil
}

// Verify reports whether code is valid for secret at now, accepting the
// steps within ±skewSteps of now's step, and returns the matched step (the
// one nearest to now if several match). Every candidate step is computed and
// compared in constant time. A malformed secret or a code that is not
// exactly six ASCII digits gives (false, 0). Callers should store the
// returned step and refuse codes whose step is not greater than the last one
// accepted.
func Verify(secretBase32, code string, now time.Time, skewSteps int) (ok bool, step int64) {
	key, err := decodeSecret(secretBase32)
	if err != nil || len(code) != Digits || skewSteps < 0 || skewSteps > 10 {
		return false, 0
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false, 0
		}
	}
	center := Step(now)
	found, bestD := false, 0
	for d := -skewSteps; d <= skewSteps; d++ {
		s := center + int64(d)
		if s < 0 {
			continue
		}
		match := subtle.ConstantTimeCompare([]byte(hotp(sha1.New, key, uint64(s), Digits)), []byte(code)) == 1
		if match && (!found || abs(d) < abs(bestD)) {
			found, bestD = true, d
		}
	}
	if !found {
		return false, 0
	}
	return true, center + int64(bestD)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
