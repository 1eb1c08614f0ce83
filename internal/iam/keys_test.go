package iam

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestNewAccessKeyShape(t *testing.T) {
	seenID := map[string]bool{}
	idSymbols := map[byte]bool{}
	secretSymbols := map[byte]bool{}
	for range 2000 {
		id, secret := NewAccessKey(rand.Reader)
		if !ValidAccessKeyID(id) {
			t.Fatalf("bad id %q", id)
		}
		if len(secret) != 40 {
			t.Fatalf("secret length %d", len(secret))
		}
		for i := range len(secret) {
			c := secret[i]
			if !strings.ContainsRune(secretAlphabet, rune(c)) {
				t.Fatalf("secret char %q", c)
			}
			secretSymbols[c] = true
		}
		for i := 4; i < len(id); i++ {
			idSymbols[id[i]] = true
		}
		if seenID[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seenID[id] = true
	}
	// 32000 id symbols and 80000 secret symbols drawn: every symbol of both
	// alphabets appears unless the mapping is broken.
	if len(idSymbols) != 32 || len(secretSymbols) != 64 {
		t.Errorf("id uses %d of 32 symbols, secret %d of 64", len(idSymbols), len(secretSymbols))
	}
}

func TestNewAccessKeyDeterministic(t *testing.T) {
	src := bytes.Repeat([]byte{0, 1, 31, 32, 63, 255}, 10)
	id1, s1 := NewAccessKey(bytes.NewReader(src))
	id2, s2 := NewAccessKey(bytes.NewReader(src))
	if id1 != id2 || s1 != s2 {
		t.Fatal("same randomness gave different keys")
	}
	if id1 != "AKIAAB7A77AB7A77AB7A" { // bytes 0,1,31,32,63,255 &31 = A,B,7,A,7,7
		t.Errorf("id = %s", id1)
	}
	if s1 != "//ABfg//ABfg//ABfg//ABfg//ABfg//ABfg//AB" { // from byte 16: 63,255,0,1,31,32 &63
		t.Errorf("secret = %s", s1)
	}
}

func TestNewAccessKeyShortRead(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on failing randomness")
		}
	}()
	NewAccessKey(iotest.ErrReader(errors.New("no entropy")))
}

func TestValidAccessKeyID(t *testing.T) {
	for id, want := range map[string]bool{
		"AKIAIOSFODNN7EXAMPLE":  true,
		"AKIAIOSFODNN7EXAMPL":   false,
		"AKIAIOSFODNN7EXAMPLE1": false,
		"ASIAIOSFODNN7EXAMPLE":  false,
		"AKIAIOSFODNN1EXAMPLE":  false, // '1' is not base32
		"AKIAiosfodnn7example":  false,
	} {
		if got := ValidAccessKeyID(id); got != want {
			t.Errorf("ValidAccessKeyID(%q) = %v", id, got)
		}
	}
}
