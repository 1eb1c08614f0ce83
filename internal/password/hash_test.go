package password

import (
	"bytes"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

var phcShape = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerifyRoundTrip(t *testing.T) {
	for _, pw := range []string{"Passw0rd!", "", "pässwörd with spaces", strings.Repeat("x", 256)} {
		h, err := Hash(pw, InsecureTestParams, rand.Reader)
		if err != nil {
			t.Fatalf("Hash(%q): %v", pw, err)
		}
		if !phcShape.MatchString(h) {
			t.Errorf("Hash(%q) = %q, not the PHC shape", pw, h)
		}
		if ok, err := Verify(pw, h); !ok || err != nil {
			t.Errorf("Verify(right password) = %v, %v", ok, err)
		}
		if ok, err := Verify(pw+"x", h); ok || err != nil {
			t.Errorf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
		}
	}
}

func TestHashUsesFreshSalt(t *testing.T) {
	a, _ := Hash("same", InsecureTestParams, rand.Reader)
	b, _ := Hash("same", InsecureTestParams, rand.Reader)
	if a == b {
		t.Fatal("two hashes of the same password are equal; salt not random")
	}
}

func TestHashDeterministicWithInjectedSalt(t *testing.T) {
	// Salt "somesalt" via the injected reader reproduces the reference
	// implementation's output (phc-winner-argon2 src/test.c).
	p := Params{Memory: 256, Time: 2, Threads: 1, SaltLen: 8, KeyLen: 32}
	h, err := Hash("password", p, bytes.NewReader([]byte("somesalt")))
	if err != nil {
		t.Fatal(err)
	}
	const want = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	if h != want {
		t.Fatalf("Hash = %q\nwant  %q", h, want)
	}
}

func TestHashShortRandom(t *testing.T) {
	if _, err := Hash("pw", InsecureTestParams, bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Fatal("Hash with exhausted randomness succeeded")
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	bad := []Params{
		{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32},
		{Memory: 7, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
	}
	for _, p := range bad {
		if _, err := Hash("pw", p, rand.Reader); err == nil {
			t.Errorf("Hash with %+v succeeded", p)
		}
	}
	if err := DefaultParams.Validate(); err != nil {
		t.Errorf("DefaultParams invalid: %v", err)
	}
	if DefaultParams.Memory < 19456 || DefaultParams.Time < 2 || DefaultParams.Threads < 1 {
		t.Errorf("DefaultParams %+v weaker than OWASP's m=19456,t=2,p=1", DefaultParams)
	}
}

func TestVerifyReferenceVectors(t *testing.T) {
	tests := []struct {
		pw, hash string
		want     bool
	}{
		// phc-winner-argon2 src/test.c
		{"password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", true},
		{"password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", true},
		{"passwore", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", false},
		// jBCrypt test vectors
		{"", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.", true},
		{"abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", true},
		{"abd", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", false},
		// $2b$ and $2y$ are the same algorithm with a different tag.
		{"abc", "$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", true},
		{"abc", "$2y$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", true},
	}
	for _, tc := range tests {
		ok, err := Verify(tc.pw, tc.hash)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q, %q) = %v, %v; want %v, nil", tc.pw, tc.hash, ok, err, tc.want)
		}
	}
}

func TestVerifyBcryptGenerated(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("imported-Secret1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"$2a$", "$2b$", "$2y$"} {
		hs := tag + string(h[4:])
		if ok, err := Verify("imported-Secret1", hs); !ok || err != nil {
			t.Errorf("Verify(%s) = %v, %v", tag, ok, err)
		}
		if ok, err := Verify("imported-secret1", hs); ok || err != nil {
			t.Errorf("Verify(%s, wrong) = %v, %v", tag, ok, err)
		}
		if !NeedsRehash(hs, DefaultParams) {
			t.Errorf("NeedsRehash(bcrypt) = false")
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	tests := []struct {
		name, hash  string
		unsupported bool
	}{
		{"empty", "", false},
		{"plaintext", "hunter2", false},
		{"argon2i", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A", true},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", true},
		{"missing version", "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", false},
		{"old version", strings.Replace(good, "v=19", "v=16", 1), false},
		{"params reordered", strings.Replace(good, "m=256,t=2,p=1", "t=2,m=256,p=1", 1), false},
		{"leading zero", strings.Replace(good, "m=256", "m=0256", 1), false},
		{"signed", strings.Replace(good, "t=2", "t=+2", 1), false},
		{"zero time", strings.Replace(good, "t=2", "t=0", 1), false},
		{"huge memory", strings.Replace(good, "m=256", "m=4294967295", 1), false},
		{"overflow", strings.Replace(good, "m=256", "m=99999999999", 1), false},
		{"too many threads", strings.Replace(good, "p=1", "p=256", 1), false},
		{"memory below 8p", strings.Replace(good, "m=256,t=2,p=1", "m=8,t=2,p=2", 1), false},
		{"padded salt", strings.Replace(good, "c29tZXNhbHQ", "c29tZXNhbHQ=", 1), false},
		{"short salt", strings.Replace(good, "c29tZXNhbHQ", "c29tZQ", 1), false},
		{"short hash", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQ", false},
		{"bad base64", strings.Replace(good, "nf65", "n*65", 1), false},
		{"extra field", good + "$x", false},
		{"missing hash", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ", false},
		{"bcrypt truncated", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0", false},
		{"bcrypt bad cost", "$2a$99$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", false},
		{"bcrypt too costly", "$2a$31$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := Verify("password", tc.hash)
			if ok || err == nil {
				t.Fatalf("Verify = %v, %v; want false, error", ok, err)
			}
			want := ErrMalformedHash
			if tc.unsupported {
				want = ErrUnsupportedHash
			}
			if !errors.Is(err, want) {
				t.Fatalf("error %v is not %v", err, want)
			}
			if !NeedsRehash(tc.hash, DefaultParams) {
				t.Error("NeedsRehash(malformed) = false")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h, err := Hash("pw", InsecureTestParams, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if NeedsRehash(h, InsecureTestParams) {
		t.Error("NeedsRehash with the same params = true")
	}
	for _, p := range []Params{
		DefaultParams,
		{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64},
	} {
		if !NeedsRehash(h, p) {
			t.Errorf("NeedsRehash(%+v) = false", p)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Add("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			return
		}
		// Anything accepted is within limits and re-encodes to itself.
		if err := h.params.Validate(); err != nil {
			t.Fatalf("accepted %q with invalid params: %v", s, err)
		}
		if got := encodePHC(h.params, h.salt, h.key); got != s {
			t.Fatalf("accepted %q but re-encodes to %q", s, got)
		}
	})
}

func BenchmarkHashDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hash("Correct-Horse-Battery-9", DefaultParams, rand.Reader); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDefault(b *testing.B) {
	h, err := Hash("Correct-Horse-Battery-9", DefaultParams, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ok, err := Verify("Correct-Horse-Battery-9", h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
