package store

import (
	"slices"
	"strings"
)

// The search index behind ListUsers filters is the same for every backend:
// which attributes are searchable, their stored codes, which compare
// case-insensitively, and the rows a user contributes. Backends store
// SearchEntries(u) as (pool, attr, value, username_key) rows.

// SearchAttr is one searchable attribute: its code in the index and whether
// it compares case-insensitively (values stored lower-cased).
type SearchAttr struct {
	Code int16
	Fold bool
}

// SearchAttrs are the ListUsers filter attributes (UserFilter.Attr). The
// codes are stored in databases: never renumber.
var SearchAttrs = map[string]SearchAttr{
	"username":            {1, false},
	"sub":                 {2, true},
	"cognito:user_status": {3, true},
	"status":              {4, false},
	"email":               {5, true},
	"phone_number":        {6, true},
	"name":                {7, true},
	"given_name":          {8, true},
	"family_name":         {9, true},
	"preferred_username":  {10, true},
}

// AttrSearchNames are the searchable attributes that live in User.Attributes.
var AttrSearchNames = []string{"email", "phone_number", "name", "given_name", "family_name", "preferred_username"}

// SearchEntry is one index row of a user.
type SearchEntry struct {
	Attr  int16
	Value string
}

// SearchValue is the indexed form of a value of the named attribute. Case
// folding is Go's strings.ToLower (not a database's lower()), so every
// backend agrees.
func SearchValue(name, v string) SearchEntry {
	a := SearchAttrs[name]
	if a.Fold {
		v = strings.ToLower(v)
	}
	return SearchEntry{a.Code, v}
}

// SearchEntries derives the index rows of a user. Empty values are not indexed.
func SearchEntries(u *User) []SearchEntry {
	status := "Disabled"
	if u.Enabled {
		status = "Enabled"
	}
	out := make([]SearchEntry, 0, 10)
	add := func(name, v string) {
		if v != "" {
			out = append(out, SearchValue(name, v))
		}
	}
	add("username", u.Username)
	add("sub", u.Sub)
	add("cognito:user_status", u.Status)
	add("status", status)
	for _, name := range AttrSearchNames {
		add(name, u.Attributes[name])
	}
	return out
}

// FilterIndex resolves a ListUsers filter for a backend: the attribute's
// index entry, the value in indexed form, and the page-token kind that binds
// a token to this attribute and operator. ok is false when the attribute is
// not searchable.
func FilterIndex(f UserFilter) (a SearchAttr, value, tokenKind string, ok bool) {
	a, ok = SearchAttrs[f.Attr]
	if !ok {
		return SearchAttr{}, "", "", false
	}
	op := "eq"
	if f.Prefix {
		op = "prefix"
	}
	return a, SearchValue(f.Attr, f.Value).Value, "users:" + f.Attr + ":" + op, true
}

// CursorFits reports whether a page token's cursor value can belong to the
// filter (indexed value): a token issued for another filter is refused.
func CursorFits(f UserFilter, value, cursor string) bool {
	if f.Prefix {
		return strings.HasPrefix(cursor, value)
	}
	return cursor == value
}

// SearchDiff is the change of a user's index rows: rows to delete and rows
// to insert.
func SearchDiff(old, new []SearchEntry) (gone, fresh []SearchEntry) {
	for _, e := range old {
		if !slices.Contains(new, e) {
			gone = append(gone, e)
		}
	}
	for _, e := range new {
		if !slices.Contains(old, e) {
			fresh = append(fresh, e)
		}
	}
	return gone, fresh
}
