package password

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

const prefix = "Password did not conform with policy: "

func TestPolicyCheck(t *testing.T) {
	all := DefaultPolicy
	none := Policy{}
	tests := []struct {
		name string
		p    Policy
		pw   string
		want string // "" = ok; policy reason; or "param:<sentinel>"
	}{
		{"ok default", all, "Passw0rd!", ""},
		{"ok interior space as symbol", all, "Pass w0rd", ""},
		{"ok exactly min", Policy{MinimumLength: 6}, "abcdef", ""},
		{"ok no rules", none, "x", ""},
		{"ok non-ascii length counts runes", Policy{MinimumLength: 4}, "ääää", ""},
		{"too short", all, "Pa0!", "Password not long enough"},
		{"short wins over classes", all, "abc", "Password not long enough"},
		{"multibyte counted as one", Policy{MinimumLength: 5}, "ääää", "Password not long enough"},
		{"no upper", all, "passw0rd!", "Password must have uppercase characters"},
		{"upper wins over lower", all, "12345678!", "Password must have uppercase characters"},
		{"non-ascii upper does not count", all, "Äassw0rd!", "Password must have uppercase characters"},
		{"no lower", all, "PASSW0RD!", "Password must have lowercase characters"},
		{"no number", all, "Password!", "Password must have numeric characters"},
		{"no symbol", all, "Passw0rdd", "Password must have symbol characters"},
		{"non-ascii symbol does not count", all, "Passw0rd§", "Password must have symbol characters"},
		{"only upper required", Policy{MinimumLength: 8, RequireUppercase: true}, "passwordd", "Password must have uppercase characters"},
		{"only symbols required", Policy{MinimumLength: 8, RequireSymbols: true}, "passwordd", "Password must have symbol characters"},
		{"empty", none, "", "param:empty"},
		{"leading space", none, " Passw0rd!", "param:space"},
		{"trailing space", none, "Passw0rd! ", "param:space"},
		{"trailing tab", none, "Passw0rd!\t", "param:space"},
		{"leading newline", none, "\nPassw0rd!", "param:space"},
		{"only space", none, " ", "param:space"},
		{"257 chars", none, strings.Repeat("a", 257), "param:long"},
		{"256 chars ok", none, strings.Repeat("a", 256), ""},
		{"256 runes ok", none, strings.Repeat("é", 256), ""},
		{"invalid utf8", none, "ab\xffcd", "param:utf8"},
		{"format before policy", all, " a", "param:space"},
	}
	sentinels := map[string]error{"param:empty": ErrEmpty, "param:space": ErrSurroundingSpace, "param:long": ErrTooLong, "param:utf8": ErrInvalidUTF8}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Check(tc.pw)
			switch {
			case tc.want == "":
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
			case strings.HasPrefix(tc.want, "param:"):
				if !errors.Is(err, sentinels[tc.want]) {
					t.Fatalf("Check = %v, want %v", err, sentinels[tc.want])
				}
				var pe *PolicyError
				if errors.As(err, &pe) {
					t.Fatalf("format error %v is also a PolicyError", err)
				}
			default:
				var pe *PolicyError
				if !errors.As(err, &pe) {
					t.Fatalf("Check = %v, want a *PolicyError", err)
				}
				if pe.Reason != tc.want || err.Error() != prefix+tc.want {
					t.Fatalf("Check = %q, want %q", err.Error(), prefix+tc.want)
				}
			}
		})
	}
}

func TestEverySymbolCounts(t *testing.T) {
	p := Policy{RequireSymbols: true}
	const want = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "
	if Symbols != want {
		t.Fatalf("Symbols = %q, want Cognito's %q", Symbols, want)
	}
	for _, r := range want {
		if err := p.Check("a" + string(r) + "a"); err != nil {
			t.Errorf("symbol %q rejected: %v", r, err)
		}
	}
	for _, r := range "abcXYZ019" {
		if err := p.Check("a" + string(r) + "a"); err == nil {
			t.Errorf("%q counted as a symbol", r)
		}
	}
}

func TestGenerateSatisfiesPolicy(t *testing.T) {
	policies := []Policy{
		DefaultPolicy,
		{},
		{MinimumLength: 6, RequireNumbers: true},
		{MinimumLength: 20, RequireUppercase: true, RequireSymbols: true},
		{MinimumLength: 99, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true},
	}
	for _, p := range policies {
		seen := map[string]bool{}
		for range 200 {
			pw, err := Generate(p, rand.Reader)
			if err != nil {
				t.Fatalf("Generate(%+v): %v", p, err)
			}
			if want := max(p.MinimumLength, 12); len(pw) != want {
				t.Fatalf("len(%q) = %d, want %d", pw, len(pw), want)
			}
			if err := DefaultPolicy.Check(pw); err != nil {
				t.Fatalf("Generate(%+v) = %q fails the strictest class policy: %v", p, pw, err)
			}
			if err := p.Check(pw); err != nil {
				t.Fatalf("Generate(%+v) = %q fails its policy: %v", p, pw, err)
			}
			if strings.Contains(pw, " ") {
				t.Fatalf("generated password %q contains a space", pw)
			}
			if seen[pw] {
				t.Fatalf("Generate repeated %q", pw)
			}
			seen[pw] = true
		}
	}
}

func TestGenerateDistribution(t *testing.T) {
	// Every alphabet character appears, and none wildly more than others.
	counts := map[byte]int{}
	const n = 4000
	for range n {
		pw, err := Generate(Policy{}, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(pw); i++ {
			counts[pw[i]]++
		}
	}
	alphabet := upperChars + lowerChars + digitChars + symbolChars
	if len(counts) != len(alphabet) {
		t.Fatalf("saw %d distinct characters, alphabet has %d", len(counts), len(alphabet))
	}
	// Mean per character is about n*12/len(alphabet) ≈ 520; a uniform draw
	// is within ±50% by a margin of many standard deviations.
	mean := float64(n*12) / float64(len(alphabet))
	for i := 0; i < len(alphabet); i++ {
		c := float64(counts[alphabet[i]])
		if c < mean*0.5 || c > mean*2 {
			t.Errorf("character %q appeared %v times, mean %.0f", alphabet[i], c, mean)
		}
	}
}

func TestGenerateDeterministicAndErrors(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5a, 0x01, 0xc3, 0x77}, 200)
	a, err := Generate(DefaultPolicy, bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(DefaultPolicy, bytes.NewReader(seed))
	if a != b {
		t.Fatalf("same randomness gave %q and %q", a, b)
	}
	if _, err := Generate(DefaultPolicy, bytes.NewReader(seed[:10])); err == nil {
		t.Fatal("Generate with exhausted randomness succeeded")
	}
	if _, err := Generate(Policy{MinimumLength: 300}, rand.Reader); err == nil {
		t.Fatal("Generate with MinimumLength 300 succeeded")
	}
}

func TestUniformRejectsBias(t *testing.T) {
	// 0xFFFFFFFF is above the largest multiple of 3 below 2^32 only for some
	// n; for n = 3, limit = 4294967295, so 0xFFFFFFFF must be rejected and
	// the next word used.
	src := []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 4}
	u := &uniform{r: bytes.NewReader(src)}
	if got := u.intn(3); got != 1 || u.err != nil {
		t.Fatalf("intn(3) = %d, err %v; want 1 from the second word", got, u.err)
	}
}
