package cognitoidp

import (
	"reflect"
	"slices"
	"testing"

	"userpool/internal/cognitorules"
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
	t.Parallel()
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

// The ExplicitAuthFlows enum of the wire shape is cognitorules' two sets,
// in the model's order (the tag is a literal; this keeps it equal).
func TestExplicitAuthFlowsEnumIsTheRuleSet(t *testing.T) {
	t.Parallel()
	var got []string
	for _, r := range rulesFor(reflect.TypeFor[clientConfig]()) {
		if r.name == "explicitAuthFlows" {
			got = r.str.Enum
		}
	}
	want := append(cognitorules.LegacyFlows(), cognitorules.AllowFlows()...)
	if !slices.Equal(got, want) {
		t.Errorf("clientConfig.ExplicitAuthFlows enum = %v, want %v", got, want)
	}
}
