package iam

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

// MasterKeyEnv is the environment variable that may hold the master key
// (hex or base64 of 32 bytes).
const MasterKeyEnv = "USERPOOL_MASTER_KEY"

// MasterKeySize is the AES-256 key size.
const MasterKeySize = 32

// sealVersion1 is the first byte of a sealed value.
const sealVersion1 byte = 1

const (
	nonceSize  = 12
	tagSize    = 16
	maxKeyFile = 4096
)

// ErrSealedData means a sealed value failed authentication: it was altered,
// sealed with another master key, or sealed with other associated data.
var ErrSealedData = errors.New("iam: sealed data is corrupt or was sealed with another key")

// LoadMasterKey reads the 32-byte master key from file or, when file is "",
// from envValue (the value of USERPOOL_MASTER_KEY, passed in by the caller).
// Setting both is an error (ambiguous). A file may hold 64 hex characters,
// base64 (standard or URL alphabet, padded or not) of 32 bytes, or exactly
// 32 raw bytes; surrounding whitespace is ignored for the text forms. The
// file must be a regular file without any group or other permission bits
// (e.g. 0600 or 0400); the environment value must be hex or base64.
func LoadMasterKey(file, envValue string) ([]byte, error) {
	switch {
	case file != "" && envValue != "":
		return nil, fmt.Errorf("iam: master key given both as file %q and in %s; set only one", file, MasterKeyEnv)
	case file != "":
		return loadMasterKeyFile(file)
	case envValue != "":
		key, err := parseMasterKey([]byte(envValue), false)
		if err != nil {
			return nil, fmt.Errorf("iam: %s: %w", MasterKeyEnv, err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("iam: no master key: give a key file or set %s", MasterKeyEnv)
	}
}

func loadMasterKeyFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("iam: master key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("iam: master key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("iam: master key file %q is not a regular file", file)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("iam: master key file %q has mode %#o; it must not be accessible by group or others (chmod 600)", file, perm)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("iam: master key file: %w", err)
	}
	defer clear(data)
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("iam: master key file %q is too large", file)
	}
	key, err := parseMasterKey(data, true)
	if err != nil {
		return nil, fmt.Errorf("iam: master key file %q: %w", file, err)
	}
	return key, nil
}

func parseMasterKey(data []byte, allowRaw bool) ([]byte, error) {
	text := bytes.TrimSpace(data)
	var key []byte
	switch {
	case len(text) == 2*MasterKeySize:
		k := make([]byte, MasterKeySize)
		if _, err := hex.Decode(k, text); err == nil {
			key = k
		}
	case len(text) == 43 || len(text) == 44:
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			k := make([]byte, enc.DecodedLen(len(text)))
			n, err := enc.Decode(k, text)
			if err == nil && n == MasterKeySize {
				key = k[:n]
				break
			}
		}
	}
	if key == nil && allowRaw && len(data) == MasterKeySize {
		key = bytes.Clone(data)
	}
	if key == nil {
		return nil, fmt.Errorf("want 64 hex characters, base64 of %d bytes or %d raw bytes", MasterKeySize, MasterKeySize)
	}
	if subtle.ConstantTimeCompare(key, make([]byte, MasterKeySize)) == 1 {
		return nil, errors.New("the master key is all zero bytes")
	}
	return key, nil
}

// GenerateMasterKeyFile writes a new random master key (hex, one line) to
// path with mode 0600. It refuses to overwrite an existing file.
func GenerateMasterKeyFile(path string) error {
	key := make([]byte, MasterKeySize)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return fmt.Errorf("iam: generating master key: %w", err)
	}
	text := make([]byte, hex.EncodedLen(len(key))+1)
	hex.Encode(text, key)
	text[len(text)-1] = '\n'
	defer clear(key)
	defer clear(text)

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("iam: creating master key file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("iam: creating master key file: %w", err)
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("iam: writing master key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("iam: writing master key file: %w", err)
	}
	return f.Close()
}

// Sealer encrypts small secrets at rest with AES-256-GCM. A sealed value is
//
//	version (1 byte, 0x01) || nonce (12 random bytes) || ciphertext || tag (16 bytes)
//
// and the GCM associated data is the version byte followed by the caller's
// associated data, so a value only opens under the same key, version and
// associated data. Random 96-bit nonces are safe for far more values than
// this server will ever seal under one key.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewSealer returns a Sealer for a 32-byte master key. r supplies nonces
// (nil: crypto/rand).
func NewSealer(key []byte, r io.Reader) (*Sealer, error) {
	if len(key) != MasterKeySize {
		return nil, fmt.Errorf("iam: master key must be %d bytes, got %d", MasterKeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("iam: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("iam: %w", err)
	}
	if r == nil {
		r = rand.Reader
	}
	return &Sealer{aead: aead, rand: r}, nil
}

func sealAD(version byte, ad []byte) []byte {
	out := make([]byte, 0, 1+len(ad))
	out = append(out, version)
	return append(out, ad...)
}

// Seal encrypts plaintext bound to associatedData.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+tagSize)
	out[0] = sealVersion1
	if _, err := io.ReadFull(s.rand, out[1:1+nonceSize]); err != nil {
		return nil, fmt.Errorf("iam: reading nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:1+nonceSize], plaintext, sealAD(sealVersion1, associatedData)), nil
}

// Open decrypts a value produced by Seal with the same associatedData. Any
// alteration, another key or other associated data gives ErrSealedData.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	if len(sealed) < 1+nonceSize+tagSize {
		return nil, ErrSealedData
	}
	if sealed[0] != sealVersion1 {
		return nil, fmt.Errorf("iam: sealed data has unsupported version %d", sealed[0])
	}
	pt, err := s.aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], sealAD(sealed[0], associatedData))
	if err != nil {
		return nil, ErrSealedData
	}
	return pt, nil
}
