package userpool

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"userpool/internal/store"
)

// Searchable attributes of the ListUsers filter. Custom attributes are not searchable.
var filterAttributes = map[string]bool{
	"username": true, "email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true,
}

func errFilterParse() *Error { return Errorf(KindInvalidParameter, "Error while parsing filter.") }

// ParseFilter parses a ListUsers filter:
//
//	attr = "value"    exact match
//	attr ^= "value"   prefix match
//
// with optional spaces around the operator and at both ends, and a
// backslash escaping a quote or backslash inside the value. "" (or only
// spaces) selects every user and returns nil.
func ParseFilter(s string) (*store.UserFilter, error) {
	rest := strings.TrimLeft(s, " ")
	if rest == "" {
		return nil, nil
	}
	i := strings.IndexAny(rest, " =^\"")
	if i <= 0 {
		return nil, errFilterParse()
	}
	attr := rest[:i]
	rest = strings.TrimLeft(rest[i:], " ")
	f := &store.UserFilter{Attr: attr}
	switch {
	case strings.HasPrefix(rest, "^="):
		f.Prefix = true
		rest = rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return nil, errFilterParse()
	}
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, `"`) {
		return nil, errFilterParse()
	}
	rest = rest[1:]
	var b strings.Builder
	closed := false
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		if c == '\\' && j+1 < len(rest) && (rest[j+1] == '"' || rest[j+1] == '\\') {
			b.WriteByte(rest[j+1])
			j++
			continue
		}
		if c == '"' {
			if strings.TrimRight(rest[j+1:], " ") != "" {
				return nil, errFilterParse()
			}
			closed = true
			break
		}
		b.WriteByte(c)
	}
	if !closed {
		return nil, errFilterParse()
	}
	if !filterAttributes[attr] {
		return nil, Errorf(KindInvalidParameter, "Invalid search attribute: %s", attr)
	}
	f.Value = b.String()
	return f, nil
}

// ---------------------------------------------------------------- paging

// Page tokens handed to clients wrap the store's keyset token with a digest
// of the list they belong to: the pool id and the list's scope (its kind and
// filter, user or group), so that a token is only accepted by the list of
// the pool that issued it. A token of pool A given to pool B is refused like
// any foreign token.

type pageToken struct {
	Scope string `json:"s"`
	Store string `json:"t"`
}

func scopeDigest(poolID, scope string) string {
	sum := sha256.Sum256([]byte(poolID + "\x00" + scope))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// wrapToken turns the store's next-page token into the client token ("" stays "").
func wrapToken(poolID, scope, next string) string {
	if next == "" {
		return ""
	}
	b, _ := json.Marshal(pageToken{Scope: scopeDigest(poolID, scope), Store: next})
	return base64.RawURLEncoding.EncodeToString(b)
}

func errInvalidToken() *Error {
	return Errorf(KindInvalidParameter, "Invalid pagination token.")
}

// unwrapToken checks a client token against the pool and list it is used
// for and returns the store page to read.
func unwrapToken(poolID, scope string, limit int, token string) (store.Page, error) {
	page := store.Page{Limit: limit}
	if limit <= 0 || limit > store.MaxPageSize {
		page.Limit = store.MaxPageSize
	}
	if token == "" {
		return page, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return page, errInvalidToken()
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil || t.Store == "" || t.Scope != scopeDigest(poolID, scope) {
		return page, errInvalidToken()
	}
	page.Token = t.Store
	return page, nil
}

// pageError maps a store list error.
func listPageError(err error) error {
	if errors.Is(err, store.ErrInvalidToken) {
		return errInvalidToken()
	}
	return Internal(err)
}
