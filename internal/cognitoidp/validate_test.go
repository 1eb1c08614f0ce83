package cognitoidp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

type vAttr struct {
	Name  *string `json:"Name" cg:"req,len=1:32,re=attrName"`
	Value *string `json:"Value" cg:"len=:2048,sensitive"`
}

type vInput struct {
	UserPoolId    *string  `json:"UserPoolId" cg:"req,len=1:55,re=poolId"`
	Username      *string  `json:"Username" cg:"req,len=1:128,re=username,sensitive"`
	Limit         *int32   `json:"Limit" cg:"range=0:60"`
	MessageAction *string  `json:"MessageAction" cg:"enum=RESEND|SUPPRESS"`
	Attrs         []vAttr  `json:"UserAttributes" cg:"dive"`
	Mediums       []string `json:"DesiredDeliveryMediums" cg:"enum=SMS|EMAIL"`
}

func sp(s string) *string { return &s }
func ip(i int32) *int32   { return &i }

func TestValidateMessages(t *testing.T) {
	cases := []struct {
		name string
		in   vInput
		want string
	}{
		{"ok", vInput{UserPoolId: sp("us-east-1_abc"), Username: sp("alice")}, ""},
		{"limit over", vInput{UserPoolId: sp("us-east-1_abc"), Username: sp("a"), Limit: ip(100)},
			"1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"missing required", vInput{Username: sp("a")},
			"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"sensitive pattern hides value", vInput{UserPoolId: sp("us-east-1_abc"), Username: sp("has space")},
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"},
		{"two errors", vInput{UserPoolId: sp("bad id"), Username: sp("a"), MessageAction: sp("LOUD")},
			"2 validation errors detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; Value 'LOUD' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"},
		{"nested list path", vInput{UserPoolId: sp("us-east-1_abc"), Username: sp("a"), Attrs: []vAttr{{Name: sp("email")}, {}}},
			"1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null"},
		{"enum list element", vInput{UserPoolId: sp("us-east-1_abc"), Username: sp("a"), Mediums: []string{"EMAIL", "FAX"}},
			"1 validation error detected: Value 'FAX' at 'desiredDeliveryMediums.2.member' failed to satisfy constraint: Member must satisfy enum value set: [SMS, EMAIL]"},
		{"empty string under min length", vInput{UserPoolId: sp(""), Username: sp("a")},
			"1 validation error detected: Value '' at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := validate(&c.in); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// The byte-table fast path of single-class patterns answers as the regexp.
func TestPatternFastPathMatchesRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []string{"a", "Z", "9", "_", "-", "=", ".", "+", "/", " ", "\t", "\n", "@", "~", "\x00", "\x7f", "é", "日", "😀", "\xff", "\u00a0"}
	fast := 0
	for name, p := range patterns {
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
			if got, want := p.match(s), p.re.MatchString(s); got != want {
				t.Fatalf("pattern %s on %q: fast %v, regexp %v", name, s, got, want)
			}
		}
	}
	if fast < 5 { // token, username, groupName, clientId, secretHash, ...
		t.Fatalf("only %d patterns use the fast path", fast)
	}
}
