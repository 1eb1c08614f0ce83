package cognitorules

import (
	"regexp"
	"unicode/utf8"
)

// Length bounds of the model's id types.
const (
	PoolIDMaxLength   = 55  // UserPoolIdType
	ClientIDMaxLength = 128 // ClientIdType
)

// regionExpr is an AWS region name: "us-east-1", "eu-west-3", "us-gov-west-1".
const regionExpr = `[a-z]{2}(-[a-z]+)+-\d+`

var (
	regionRe = regexp.MustCompile(`^` + regionExpr + `$`)
	// mintedPoolIDRe: "<region>_" + 9 of [0-9A-Za-z], as Cognito mints pool ids.
	mintedPoolIDRe = regexp.MustCompile(`^` + regionExpr + `_[0-9A-Za-z]{9}$`)
)

// ValidRegion reports whether r is shaped like an AWS region name.
func ValidRegion(r string) bool { return regionRe.MatchString(r) }

// ValidPoolID reports whether id has the shape of the pool ids Cognito
// mints, <region>_<9 letters or digits> ("us-east-1_AbC123xyz"): the shape
// a declared (caller-chosen) pool id must have, and how a grant tells a pool
// id from a pool name.
func ValidPoolID(id string) bool { return mintedPoolIDRe.MatchString(id) }

// ModelPoolID reports whether id satisfies the model's UserPoolIdType
// (1..55, PoolID), the looser rule a request's UserPoolId is held to.
func ModelPoolID(id string) bool {
	return id != "" && len(id) <= PoolIDMaxLength && PoolID.Match(id)
}

// ValidClientID reports whether id satisfies the model's ClientIdType
// (1..128 of letters, digits, '_' and '+').
func ValidClientID(id string) bool {
	n := utf8.RuneCountInString(id)
	return n >= 1 && n <= ClientIDMaxLength && ClientID.Match(id)
}
