package cognitorules

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The byte-table fast path of single-class patterns answers as the regexp.
func TestPatternFastPathMatchesRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []string{"a", "Z", "9", "_", "-", "=", ".", "+", "/", " ", "\t", "\n", "@", "~", "\x00", "\x7f", "é", "日", "😀", "\xff", "\u00a0"}
	fast := 0
	for _, name := range PatternNames() {
		p, _ := Lookup(name)
		if p.ascii == nil {
			continue
		}
		fast++
		for range 3000 {
			var b strings.Builder
			for range r.IntN(8) {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			s := b.String()
			if got, want := p.Match(s), p.re.MatchString(s); got != want {
				t.Fatalf("pattern %s on %q: fast %v, regexp %v", name, s, got, want)
			}
		}
	}
	if fast < 5 { // token, username, groupName, clientId, secretHash, ...
		t.Fatalf("only %d patterns use the fast path", fast)
	}
}

func TestPasswordPatterns(t *testing.T) {
	// One rule, two displays (see PasswordLoose): they must match alike.
	for _, s := range []string{"a", "a b", " a", "a ", "\ta", "pa ss word!", "日 本"} {
		if Password.Match(s) != PasswordLoose.Match(s) {
			t.Errorf("%q: Password %v, PasswordLoose %v", s, Password.Match(s), PasswordLoose.Match(s))
		}
	}
	if Password.String() != `[\S]+` || PasswordLoose.String() != `[\S]+(?:.*[\S]+)?` {
		t.Errorf("displays changed: %s / %s", Password, PasswordLoose)
	}
	if Password.Match(" a") || !Password.Match("a b") {
		t.Error("leading space accepted or interior space refused")
	}
}

func TestIDs(t *testing.T) {
	cases := []struct {
		id            string
		minted, model bool
	}{
		{"us-east-1_AbC123xyz", true, true},
		{"us-gov-west-1_AbC123xyz", true, true},
		{"local_abc", false, true},
		{"us-east-1_AbC123xy", false, true},
		{"us-east-1_AbC123xyz0", false, true},
		{"nounderscore", false, false},
		{"us-east-1_AbC-23xyz", false, false},
		{"", false, false},
		{strings.Repeat("a", 50) + "_abcde", false, false}, // 56 > 55
	}
	for _, c := range cases {
		if got := ValidPoolID(c.id); got != c.minted {
			t.Errorf("ValidPoolID(%q) = %v", c.id, got)
		}
		if got := ModelPoolID(c.id); got != c.model {
			t.Errorf("ModelPoolID(%q) = %v", c.id, got)
		}
	}
	for id, want := range map[string]bool{
		"abc123": true, "a+b_c": true, strings.Repeat("x", 128): true,
		"": false, "bad id": false, "a-b": false, strings.Repeat("x", 129): false,
	} {
		if got := ValidClientID(id); got != want {
			t.Errorf("ValidClientID(%q) = %v", id, got)
		}
	}
	for r, want := range map[string]bool{"us-east-1": true, "eu-central-2": true, "useast1": false, "US-EAST-1": false} {
		if ValidRegion(r) != want {
			t.Errorf("ValidRegion(%q) = %v", r, !want)
		}
	}
}

func TestFlows(t *testing.T) {
	for _, f := range LegacyFlows() {
		if !IsLegacyFlow(f) || IsAllowFlow(f) {
			t.Errorf("%s is in the wrong set", f)
		}
	}
	for _, f := range AllowFlows() {
		if !IsAllowFlow(f) || IsLegacyFlow(f) || !strings.HasPrefix(f, "ALLOW_") {
			t.Errorf("%s is in the wrong set", f)
		}
	}
	if IsLegacyFlow("USER_SRP_AUTH") || IsAllowFlow("MAGIC") {
		t.Error("unknown flow accepted")
	}
	l := LegacyFlows()
	l[0] = "changed"
	if LegacyFlows()[0] != FlowAdminNoSRP {
		t.Error("LegacyFlows hands out the package's slice")
	}
}

func TestMessages(t *testing.T) {
	v := "100"
	cases := []struct{ got, want string }{
		{Message(Violation("limit", &v, MaxValue(60))),
			"1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{Message(Violation("password", nil, MinLength(1)), NullViolation("username")),
			"2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'username' failed to satisfy constraint: Member must not be null"},
		{Message(Violation("userPoolId", &v, PoolID.Constraint())),
			`1 validation error detected: Value '100' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`},
		{Violation("messageAction", &v, Enum([]string{"RESEND", "SUPPRESS"})),
			"Value '100' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"},
		{Violation("precedence", &v, MinValue(0)),
			"Value '100' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

func TestMemberCheck(t *testing.T) {
	user := Member{Name: "username", Min: 1, Max: 5, Pattern: Name, Sensitive: true}
	group := Member{Name: "groupName", Min: 1, Max: 5, Pattern: Name}
	enum := Member{Name: "mode", Enum: []string{"A", "B"}}
	cases := []struct {
		m     Member
		value string
		path  string
		want  []string
	}{
		{user, "bob", "", nil},
		{user, "", "", []string{"Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1"}},
		{group, "a b c d", "", []string{
			"Value 'a b c d' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 5",
			`Value 'a b c d' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`}},
		{group, "a\xffb", "groups.1.member", []string{"Value 'a\xffb' at 'groups.1.member' failed to satisfy constraint: Member must be valid UTF-8"}},
		{enum, "C", "", []string{"Value 'C' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"}},
		{enum, "B", "", nil},
	}
	for _, c := range cases {
		got := c.m.Check(nil, c.value, c.path)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s %q:\ngot  %q\nwant %q", c.m.Name, c.value, got, c.want)
		}
	}
}
