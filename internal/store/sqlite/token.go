package sqlite

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"userpool/internal/store"
)

// Page tokens are base64url(JSON array): the list kind first, then the
// keyset key of the last item returned. Decoding checks the kind and the
// number of key parts, so a token of another list, or anything not issued
// here, is ErrInvalidToken.

// maxTokenLen bounds what decodeToken reads: a cursor holds at most an
// attribute value (Cognito: 2048 characters, up to 6 bytes each once JSON-
// escaped) and a username key, base64-encoded.
const maxTokenLen = 64 << 10

func encodeToken(kind string, key ...string) string {
	parts := append([]string{kind}, key...)
	b, err := json.Marshal(parts)
	if err != nil { // []string always marshals
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken returns the n key parts of a token of the given kind; for the
// first page (token "") it returns nil.
func decodeToken(token, kind string, n int) ([]string, error) {
	if token == "" {
		return nil, nil
	}
	if len(token) > maxTokenLen {
		return nil, fmt.Errorf("sqlite: %w", store.ErrInvalidToken)
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", store.ErrInvalidToken)
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != n+1 || parts[0] != kind {
		return nil, fmt.Errorf("sqlite: %w", store.ErrInvalidToken)
	}
	return parts[1:], nil
}

// pageLimit is the effective page size.
func pageLimit(p store.Page) int {
	if p.Limit <= 0 || p.Limit > store.MaxPageSize {
		return store.MaxPageSize
	}
	return p.Limit
}

// trimPage cuts a result fetched with limit+1 rows to limit and returns the
// token for the next page ("" when there is none).
// keyPage reads one page of a list ordered by one key column. query ends
// with "key > ? ORDER BY key" and takes args followed by the cursor (the
// previous page's last key, "" for the first page).
func keyPage[T any](ctx context.Context, s *Store, op, kind string, page store.Page,
	scan func(interface{ Scan(...any) error }) (T, error), key func(T) string, query string, args ...any) ([]T, string, error) {
	after, err := decodeToken(page.Token, kind, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	cursor := ""
	if after != nil {
		cursor = after[0]
	}
	items, err := queryPage(ctx, s.r, scan, limit, query+pageSQL, append(args, cursor)...)
	if err != nil {
		return nil, "", fail(op, err)
	}
	items, next := trimPage(items, limit, kind, func(v T) []string { return []string{key(v)} })
	return items, next, nil
}

func groupName(g store.Group) string { return g.Name }
func userKey(u store.User) string    { return u.UsernameKey }

func trimPage[T any](items []T, limit int, kind string, key func(T) []string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, encodeToken(kind, key(items[limit-1])...)
}
