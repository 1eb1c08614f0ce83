package totp

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"regexp"
	"testing"
	"time"
)

// RFC 6238 Appendix B, SHA1 rows: seed "12345678901234567890", 8 digits.
var rfc6238 = []struct {
	unix int64
	step int64
	code string
}{
	{59, 0x1, "94287082"},
	{1111111109, 0x23523EC, "07081804"},
	{1111111111, 0x23523ED, "14050471"},
	{1234567890, 0x273EF07, "89005924"},
	{2000000000, 0x3F940AA, "69279037"},
	{20000000000, 0x27BC86AA, "65353130"},
}

var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func TestRFC6238AppendixB(t *testing.T) {
	for _, tc := range rfc6238 {
		now := time.Unix(tc.unix, 0)
		if got := Step(now); got != tc.step {
			t.Errorf("Step(%d) = %#x, want %#x", tc.unix, got, tc.step)
		}
		if got := hotp(sha1.New, []byte("12345678901234567890"), uint64(tc.step), 8); got != tc.code {
			t.Errorf("8-digit code at %d = %s, want %s", tc.unix, got, tc.code)
		}
		six := tc.code[2:]
		code, err := Code(rfcSecret, now)
		if err != nil || code != six {
			t.Errorf("Code(%d) = %q, %v; want %s", tc.unix, code, err, six)
		}
		if ok, step := Verify(rfcSecret, six, now, 0); !ok || step != tc.step {
			t.Errorf("Verify(%d) = %v, %#x", tc.unix, ok, step)
		}
	}
}

func TestRFC4226AppendixD(t *testing.T) {
	// HOTP values for counters 0..9 with the same seed.
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(sha1.New, []byte("12345678901234567890"), uint64(c), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

func TestVerifySkewAndStep(t *testing.T) {
	secret := rfcSecret // fixed, so the codes below are fixed and distinct
	now := time.Date(2026, 5, 4, 10, 0, 15, 0, time.UTC)
	center := Step(now)
	prev, _ := Code(secret, now.Add(-Period))
	next, _ := Code(secret, now.Add(Period))
	old, _ := Code(secret, now.Add(-2*Period))
	cur, _ := Code(secret, now)
	if cur == prev || cur == next || cur == old || prev == old {
		t.Fatalf("fixture codes collide: %s %s %s %s", old, prev, cur, next)
	}

	tests := []struct {
		name     string
		code     string
		skew     int
		wantOK   bool
		wantStep int64
	}{
		{"current", cur, 0, true, center},
		{"current with skew", cur, 1, true, center},
		{"previous, no skew", prev, 0, false, 0},
		{"previous, skew 1", prev, 1, true, center - 1},
		{"next, skew 1", next, 1, true, center + 1},
		{"two back, skew 1", old, 1, false, 0},
		{"two back, skew 2", old, 2, true, center - 2},
		{"negative skew", cur, -1, false, 0},
	}
	for _, tc := range tests {
		ok, step := Verify(secret, tc.code, now, tc.skew)
		if ok != tc.wantOK || step != tc.wantStep {
			t.Errorf("%s: Verify = %v, %d; want %v, %d", tc.name, ok, step, tc.wantOK, tc.wantStep)
		}
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	now := time.Unix(59, 0)
	for _, code := range []string{"", "28708", "2870820", "28708a", " 87082", "２８７０８２", "-87082", "287082\n"} {
		if ok, _ := Verify(rfcSecret, code, now, 1); ok {
			t.Errorf("Verify accepted code %q", code)
		}
	}
	for _, secret := range []string{"", "not base32!", "AAAA", "GEZDGNBV1"} {
		if ok, _ := Verify(secret, "287082", now, 1); ok {
			t.Errorf("Verify accepted secret %q", secret)
		}
		if _, err := Code(secret, now); err == nil {
			t.Errorf("Code accepted secret %q", secret)
		}
	}
	if ok, _ := Verify(rfcSecret, "287081", now, 1); ok {
		t.Error("Verify accepted a wrong code")
	}
}

func TestSecretForms(t *testing.T) {
	secret, err := NewSecret(bytes.NewReader([]byte("12345678901234567890")))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("NewSecret = %q", secret)
	}
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(secret) {
		t.Fatalf("NewSecret = %q, want 32 base32 characters", secret)
	}
	now := time.Unix(59, 0)
	for _, form := range []string{secret, "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"} {
		if ok, _ := Verify(form, "287082", now, 0); !ok {
			t.Errorf("Verify with secret form %q failed", form)
		}
	}
	if _, err := NewSecret(bytes.NewReader(make([]byte, 5))); err == nil {
		t.Error("NewSecret with short randomness succeeded")
	}
	a, _ := NewSecret(rand.Reader)
	b, _ := NewSecret(rand.Reader)
	if a == b {
		t.Error("two secrets are equal")
	}
}

func TestStepBeforeEpoch(t *testing.T) {
	if got := Step(time.Unix(-1, 0)); got != -1 {
		t.Errorf("Step(-1s) = %d, want -1", got)
	}
	if _, err := Code(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("Code before the epoch succeeded")
	}
}
