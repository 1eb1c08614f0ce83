package iam

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, MasterKeySize) }

func mustSealer(t *testing.T, key []byte) *Sealer {
	t.Helper()
	s, err := NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTrip(t *testing.T) {
	s := mustSealer(t, testKey(7))
	for _, pt := range [][]byte{nil, []byte("x"), []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), bytes.Repeat([]byte("z"), 5000)} {
		ct, err := s.Seal(pt, []byte("ad"))
		if err != nil {
			t.Fatal(err)
		}
		if ct[0] != 1 || len(ct) != 1+12+len(pt)+16 {
			t.Fatalf("sealed layout: version %d, len %d for %d bytes", ct[0], len(ct), len(pt))
		}
		if len(pt) > 8 && bytes.Contains(ct, pt[:8]) {
			t.Fatal("ciphertext contains plaintext")
		}
		got, err := s.Open(ct, []byte("ad"))
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open = %q, %v", got, err)
		}
	}
	a, _ := s.Seal([]byte("same"), nil)
	b, _ := s.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are identical (nonce reuse)")
	}
}

func TestSealDetectsTampering(t *testing.T) {
	s := mustSealer(t, testKey(7))
	ct, err := s.Seal([]byte("secret value"), []byte("AKIAEXAMPLE"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if _, err := s.Open(bad, []byte("AKIAEXAMPLE")); err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
	}
	for n := range len(ct) {
		if _, err := s.Open(ct[:n], []byte("AKIAEXAMPLE")); err == nil {
			t.Fatalf("truncation to %d bytes went unnoticed", n)
		}
	}
	if _, err := s.Open(append(bytes.Clone(ct), 0), []byte("AKIAEXAMPLE")); !errors.Is(err, ErrSealedData) {
		t.Errorf("extended ciphertext: %v", err)
	}
	if _, err := s.Open(ct, []byte("AKIAOTHER")); !errors.Is(err, ErrSealedData) {
		t.Errorf("other associated data: %v", err)
	}
	if _, err := mustSealer(t, testKey(8)).Open(ct, []byte("AKIAEXAMPLE")); !errors.Is(err, ErrSealedData) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestSealSecretBoundToKeyID(t *testing.T) {
	s := mustSealer(t, testKey(9))
	ct, err := s.SealSecret("AKIAAAAAAAAAAAAAAAAA", "s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.OpenSecret("AKIAAAAAAAAAAAAAAAAA", ct); err != nil || got != "s3cr3t" {
		t.Fatalf("OpenSecret = %q, %v", got, err)
	}
	if _, err := s.OpenSecret("AKIABBBBBBBBBBBBBBBB", ct); !errors.Is(err, ErrSealedData) {
		t.Fatalf("secret opened under another key id: %v", err)
	}
}

func TestSealDeterministicNonce(t *testing.T) {
	s, err := NewSealer(testKey(1), bytes.NewReader(bytes.Repeat([]byte{0xAB}, 24)))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s.Seal([]byte("p"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ct[1:13], bytes.Repeat([]byte{0xAB}, 12)) {
		t.Errorf("nonce not taken from the injected reader: %x", ct[1:13])
	}
	if _, err := s.Seal([]byte("p"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seal([]byte("p"), nil); err == nil {
		t.Error("exhausted randomness did not fail")
	}
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n), nil); err == nil {
			t.Errorf("NewSealer accepted a %d-byte key", n)
		}
	}
}

func writeFile(t *testing.T, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadMasterKey(t *testing.T) {
	key := make([]byte, MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{
		"hex":           []byte(hex.EncodeToString(key)),
		"hex upper nl":  []byte(strings.ToUpper(hex.EncodeToString(key)) + "\n"),
		"base64":        []byte(base64.StdEncoding.EncodeToString(key)),
		"base64 raw":    []byte(base64.RawStdEncoding.EncodeToString(key) + "\r\n"),
		"base64 url":    []byte(base64.URLEncoding.EncodeToString(key)),
		"base64url raw": []byte("  " + base64.RawURLEncoding.EncodeToString(key)),
		"raw":           key,
	}
	for name, data := range forms {
		for _, mode := range []os.FileMode{0o600, 0o400} {
			got, err := LoadMasterKey(writeFile(t, data, mode), "")
			if err != nil || !bytes.Equal(got, key) {
				t.Errorf("%s %o: %x, %v", name, mode, got, err)
			}
		}
		if name != "raw" {
			got, err := LoadMasterKey("", string(data))
			if err != nil || !bytes.Equal(got, key) {
				t.Errorf("env %s: %x, %v", name, got, err)
			}
		}
	}

	if runtime.GOOS != "windows" {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620, 0o660} {
			if _, err := LoadMasterKey(writeFile(t, forms["hex"], mode), ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("mode %o accepted (err %v)", mode, err)
			}
		}
	}

	bad := map[string][]byte{
		"short hex":  []byte(hex.EncodeToString(key[:31])),
		"long hex":   []byte(hex.EncodeToString(append(key, 1))),
		"not hex":    []byte(strings.Repeat("zz", 32)),
		"b64 of 31":  []byte(base64.StdEncoding.EncodeToString(key[:31])),
		"raw 31":     key[:31],
		"raw 33":     append(bytes.Clone(key), 'x'),
		"empty":      {},
		"zero key":   []byte(strings.Repeat("00", 32)),
		"zero raw":   make([]byte, 32),
		"whitespace": []byte("   \n"),
	}
	for name, data := range bad {
		if _, err := LoadMasterKey(writeFile(t, data, 0o600), ""); err == nil {
			t.Errorf("file %s accepted", name)
		}
	}
	if _, err := LoadMasterKey("", string(key)); err == nil { // 32 raw bytes: never hex or base64
		t.Error("raw bytes accepted from the environment")
	}
	if _, err := LoadMasterKey("", ""); err == nil || !strings.Contains(err.Error(), MasterKeyEnv) {
		t.Errorf("no key: %v", err)
	}
	if _, err := LoadMasterKey(writeFile(t, forms["hex"], 0o600), string(forms["hex"])); err == nil {
		t.Error("file and env both accepted")
	}
	if _, err := LoadMasterKey(filepath.Join(t.TempDir(), "missing"), ""); err == nil {
		t.Error("missing file accepted")
	}
	if _, err := LoadMasterKey(t.TempDir(), ""); err == nil {
		t.Error("directory accepted")
	}
}

func TestGenerateMasterKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k")
	if err := GenerateMasterKeyFile(p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
	k1, err := LoadMasterKey(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := GenerateMasterKeyFile(p); err == nil {
		t.Fatal("overwrote an existing key file")
	}
	k2, _ := LoadMasterKey(p, "")
	if !bytes.Equal(k1, k2) {
		t.Fatal("key changed after refused overwrite")
	}
	p2 := filepath.Join(t.TempDir(), "k2")
	if err := GenerateMasterKeyFile(p2); err != nil {
		t.Fatal(err)
	}
	k3, _ := LoadMasterKey(p2, "")
	if bytes.Equal(k1, k3) {
		t.Fatal("two generated keys are equal")
	}
}
