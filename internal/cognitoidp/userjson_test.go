package cognitoidp

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"userpool/internal/awsjson"
)

var (
	_ awsjson.Appender = (*ListUsersOutput)(nil)
	_ awsjson.Appender = (*ListUsersInGroupOutput)(nil)
	_ awsjson.Appender = (*AdminGetUserOutput)(nil)
	_ awsjson.Appender = (*ListGroupsOutput)(nil)
)

func genGroups(r *rand.Rand) []GroupType {
	if r.IntN(6) == 0 {
		return nil
	}
	gs := make([]GroupType, r.IntN(4))
	for i := range gs {
		gs[i] = GroupType{GroupName: genString(r), UserPoolId: genString(r), Description: genString(r), RoleArn: genString(r),
			LastModifiedDate: genTime(r), CreationDate: genTime(r)}
		if r.IntN(2) == 0 {
			p := r.Int64N(1<<31) - r.Int64N(10)
			gs[i].Precedence = &p
		}
	}
	return gs
}

// genString draws from characters encoding/json treats differently: plain
// ASCII, quotes and backslashes, control characters, HTML-sensitive ones,
// multi-byte UTF-8, U+2028, and invalid UTF-8.
func genString(r *rand.Rand) string {
	pieces := []string{"a", "Z", "0", "user", "@example.com", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f",
		"<", ">", "&", "é", "日本", "😀", "\u2028", "\u2029", "\xff", "\xc3", "/", "+", "=", "custom:tier"}
	n := r.IntN(6)
	var b []byte
	for range n {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return string(b)
}

func genTime(r *rand.Rand) *awsjson.Time {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return awsjson.NewTime(time.Unix(r.Int64N(4e9), 0))
	default:
		return awsjson.NewTime(time.UnixMilli(r.Int64N(4e12)))
	}
}

func genAttrs(r *rand.Rand) []AttributeType {
	if r.IntN(5) == 0 {
		return nil
	}
	as := make([]AttributeType, r.IntN(5))
	for i := range as {
		as[i] = AttributeType{Name: genString(r), Value: genString(r)}
	}
	return as
}

func genMFA(r *rand.Rand) []MFAOptionType {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []MFAOptionType{}
	}
	os := make([]MFAOptionType, 1+r.IntN(2))
	for i := range os {
		if r.IntN(2) == 0 {
			s := genString(r)
			os[i].DeliveryMedium = &s
		}
		if r.IntN(2) == 0 {
			s := genString(r)
			os[i].AttributeName = &s
		}
	}
	return os
}

func genUsers(r *rand.Rand) []UserType {
	if r.IntN(6) == 0 {
		return nil
	}
	us := make([]UserType, r.IntN(4))
	for i := range us {
		us[i] = UserType{Username: genString(r), Attributes: genAttrs(r), UserCreateDate: genTime(r),
			UserLastModifiedDate: genTime(r), Enabled: r.IntN(2) == 0, UserStatus: genString(r), MFAOptions: genMFA(r)}
	}
	return us
}

func sameAsMarshal(t *testing.T, v awsjson.Appender) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	got := v.AppendJSON(nil)
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendJSON differs from json.Marshal\n got: %s\nwant: %s", got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("invalid JSON: %s", got)
	}
}

func TestUserShapesEncodeAsJSONMarshal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		sameAsMarshal(t, &ListUsersOutput{Users: genUsers(r), PaginationToken: genString(r)})
		sameAsMarshal(t, &ListUsersInGroupOutput{Users: genUsers(r), NextToken: genString(r)})
		var list []string
		if r.IntN(2) == 0 {
			list = []string{}
			for range r.IntN(3) {
				list = append(list, genString(r))
			}
		}
		sameAsMarshal(t, &AdminGetUserOutput{Username: genString(r), UserAttributes: genAttrs(r), UserCreateDate: genTime(r),
			UserLastModifiedDate: genTime(r), Enabled: r.IntN(2) == 0, UserStatus: genString(r), MFAOptions: genMFA(r),
			PreferredMfaSetting: genString(r), UserMFASettingList: list})
	}
	for range 5000 {
		sameAsMarshal(t, &ListGroupsOutput{Groups: genGroups(r), NextToken: genString(r)})
	}
	sameAsMarshal(t, (*ListGroupsOutput)(nil))
	sameAsMarshal(t, (*ListUsersOutput)(nil))
	sameAsMarshal(t, (*AdminGetUserOutput)(nil))
}
