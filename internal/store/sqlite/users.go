package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- search index

// The searchable attributes and the rows a user contributes are defined
// once, in package store (store.SearchEntries), for every backend.

// upperBound returns the smallest string greater than every string with the
// given prefix (byte order), and false when there is none.
func upperBound(prefix string) (string, bool) {
	b := []byte(prefix)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}

// ---------------------------------------------------------------- columns

var userColNames = []string{
	"pool_id", "username_key", "username", "sub", "status", "enabled", "attributes", "aliases",
	"password_hash", "srp_salt", "srp_verifier", "password_set_at", "password_temporary", "password_expires_at",
	"mfa", "failed_logins", "locked_until", "tokens_valid_after", "created_at", "updated_at",
}

// userSummaryNames are the columns of a summary listing (store.Page.Summary).
var userSummaryNames = []string{
	"pool_id", "username_key", "username", "sub", "status", "enabled", "attributes", "mfa", "created_at", "updated_at",
}

var (
	userSummaryColsU = "u." + strings.Join(userSummaryNames, ", u.")
	userCols         = strings.Join(userColNames, ", ")
	userColsU        = "u." + strings.Join(userColNames, ", u.")
	userInsert       = `INSERT INTO users (` + userCols + `) VALUES (` + placeholders(len(userColNames)) + `)`
	userUpdate       = `UPDATE users SET ` + strings.Join(userColNames[4:], " = ?, ") + ` = ? WHERE pool_id = ? AND username_key = ?`
)

func jsonMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, err := json.Marshal(m)
	if err != nil { // map[string]string always marshals
		panic(err)
	}
	return string(b)
}

// userValues are the values of userColNames[4:] (everything but the key columns).
func userValues(u *store.User) []any {
	return []any{
		u.Status, bi(u.Enabled), jsonMap(u.Attributes), jsonMap(u.Aliases),
		u.Password.Hash, bv(u.Password.SRPSalt), bv(u.Password.SRPVerifier), tv(u.Password.SetAt),
		bi(u.Password.Temporary), tv(u.Password.ExpiresAt),
		bv(u.MFA), u.FailedLogins, tv(u.LockedUntil), tv(u.TokensValidAfter), tv(u.CreatedAt), tv(u.UpdatedAt),
	}
}

// jsonText scans a JSON object column into a map.
type jsonText struct{ m *map[string]string }

func (j jsonText) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*j.m = nil
		return nil
	case string: // the driver's own copy: the map may share it
		s = v
	case []byte: // may be reused by the driver: copied
		s = string(v)
	default:
		return fmt.Errorf("json column holds %T", src)
	}
	m, err := decodeMapString(s)
	if err != nil {
		return err
	}
	*j.m = m
	return nil
}

func scanUser(sc interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var enabled, temporary int
	err := sc.Scan(&u.PoolID, &u.UsernameKey, &u.Username, &u.Sub, &u.Status, &enabled,
		jsonText{&u.Attributes}, jsonText{&u.Aliases},
		&u.Password.Hash, blob{&u.Password.SRPSalt}, blob{&u.Password.SRPVerifier}, nt{&u.Password.SetAt},
		&temporary, nt{&u.Password.ExpiresAt},
		blob{&u.MFA}, &u.FailedLogins, nt{&u.LockedUntil}, nt{&u.TokensValidAfter}, nt{&u.CreatedAt}, nt{&u.UpdatedAt})
	u.Enabled = enabled != 0
	u.Password.Temporary = temporary != 0
	return u, err
}

// scanUserSummary scans the userSummaryNames columns.
func scanUserSummary(sc interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var enabled int
	err := sc.Scan(&u.PoolID, &u.UsernameKey, &u.Username, &u.Sub, &u.Status, &enabled,
		jsonText{&u.Attributes}, blob{&u.MFA}, nt{&u.CreatedAt}, nt{&u.UpdatedAt})
	u.Enabled = enabled != 0
	return u, err
}

// userColumns are the columns (of users aliased u) and the scanner of a
// listing: summary or complete records.
func userColumns(page store.Page) (string, func(interface{ Scan(...any) error }) (store.User, error)) {
	if page.Summary {
		return userSummaryColsU, scanUserSummary
	}
	return userColsU, scanUser
}

// ---------------------------------------------------------------- writes

func insertSearch(ctx context.Context, tx wtx, poolID, key string, entries []store.SearchEntry) error {
	if len(entries) == 0 {
		return nil
	}
	q := `INSERT INTO user_search (pool_id, attr, value, username_key) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(entries)), ", ")
	args := make([]any, 0, 4*len(entries))
	for _, e := range entries {
		args = append(args, poolID, e.Attr, e.Value, key)
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func deleteSearch(ctx context.Context, tx wtx, poolID, key string, entries []store.SearchEntry) error {
	for _, e := range entries {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_search WHERE pool_id = ? AND attr = ? AND value = ? AND username_key = ?`,
			poolID, e.Attr, e.Value, key); err != nil {
			return err
		}
	}
	return nil
}

// insertAliases adds alias rows; a taken alias is ErrAliasExists.
func insertAliases(ctx context.Context, tx wtx, op, poolID, key string, aliases map[string]string) error {
	for _, kind := range slices.Sorted(maps.Keys(aliases)) {
		v := aliases[kind]
		if v == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_aliases (pool_id, kind, value, username_key) VALUES (?, ?, ?, ?)`,
			poolID, kind, v, key); err != nil {
			return insertErr(op, err, store.ErrAliasExists)
		}
	}
	return nil
}

func deleteAliases(ctx context.Context, tx wtx, poolID, key string, aliases map[string]string) error {
	for kind, v := range aliases {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_aliases WHERE pool_id = ? AND kind = ? AND value = ? AND username_key = ?`,
			poolID, kind, v, key); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.group.do(ctx, s, "create user", func(ctx context.Context, tx wtx) error { return createUserTx(ctx, tx, &u) })
}

// createUserTx inserts u (its row, aliases and search entries) and counts it
// in its pool, inside tx.
func createUserTx(ctx context.Context, tx wtx, u *store.User) error {
	const op = "create user"
	args := append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(u)...)
	if _, err := tx.ExecContext(ctx, userInsert, args...); err != nil {
		return insertErr(op, err, store.ErrAlreadyExists)
	}
	if err := insertAliases(ctx, tx, op, u.PoolID, u.UsernameKey, u.Aliases); err != nil {
		return err
	}
	if err := insertSearch(ctx, tx, u.PoolID, u.UsernameKey, store.SearchEntries(u)); err != nil {
		return fail(op, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pools SET user_count = user_count + 1 WHERE id = ?`, u.PoolID); err != nil {
		return fail(op, err)
	}
	return nil
}

func (s *Store) GetUser(ctx context.Context, poolID, usernameKey string) (store.User, error) {
	return getUser(ctx, s.r, "get user", poolID, usernameKey)
}

func getUser(ctx context.Context, q querier, op, poolID, usernameKey string) (store.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE pool_id = ? AND username_key = ?`, poolID, usernameKey))
	if err != nil {
		return store.User{}, notFound(op, err)
	}
	return u, nil
}

func (s *Store) GetUserBySub(ctx context.Context, poolID, sub string) (store.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE pool_id = ? AND sub = ?`, poolID, sub))
	if err != nil {
		return store.User{}, notFound("get user by sub", err)
	}
	return u, nil
}

func (s *Store) GetUserByAlias(ctx context.Context, poolID, kind, value string) (store.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColsU+` FROM user_aliases a
		JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
		WHERE a.pool_id = ? AND a.kind = ? AND a.value = ?`, poolID, kind, value))
	if err != nil {
		return store.User{}, notFound("get user by alias", err)
	}
	return u, nil
}

func (s *Store) UpdateUser(ctx context.Context, poolID, usernameKey string, fn func(*store.User) error) (store.User, error) {
	const op = "update user"
	var out store.User
	err := s.write(ctx, op, func(tx wtx) error {
		u, err := getUser(ctx, tx, op, poolID, usernameKey)
		if err != nil {
			return err
		}
		oldEntries := store.SearchEntries(&u)
		oldAliases := maps.Clone(u.Aliases)
		oldUsername, oldSub := u.Username, u.Sub
		if err := fn(&u); err != nil {
			return err
		}
		u.PoolID, u.UsernameKey, u.Username, u.Sub = poolID, usernameKey, oldUsername, oldSub

		args := append(userValues(&u), poolID, usernameKey)
		if _, err := tx.ExecContext(ctx, userUpdate, args...); err != nil {
			return fail(op, err)
		}

		// Aliases: drop the ones that changed, then add the new ones.
		removed, added := map[string]string{}, map[string]string{}
		for k, v := range oldAliases {
			if v != "" && u.Aliases[k] != v {
				removed[k] = v
			}
		}
		for k, v := range u.Aliases {
			if v != "" && oldAliases[k] != v {
				added[k] = v
			}
		}
		if err := deleteAliases(ctx, tx, poolID, usernameKey, removed); err != nil {
			return fail(op, err)
		}
		if err := insertAliases(ctx, tx, op, poolID, usernameKey, added); err != nil {
			return err
		}

		// Search index: the same diff.
		newEntries := store.SearchEntries(&u)
		gone, fresh := store.SearchDiff(oldEntries, newEntries)
		if err := deleteSearch(ctx, tx, poolID, usernameKey, gone); err != nil {
			return fail(op, err)
		}
		if err := insertSearch(ctx, tx, poolID, usernameKey, fresh); err != nil {
			return fail(op, err)
		}
		out = u
		return nil
	})
	return out, err
}

// userChildren are the per-user tables removed with the user, besides its
// aliases and search rows.
var userChildren = []string{"group_members", "devices", "refresh_tokens", "codes", "sessions"}

func (s *Store) DeleteUser(ctx context.Context, poolID, usernameKey string) error {
	const op = "delete user"
	return s.write(ctx, op, func(tx wtx) error {
		u, err := getUser(ctx, tx, op, poolID, usernameKey)
		if err != nil {
			return err
		}
		if err := deleteSearch(ctx, tx, poolID, usernameKey, store.SearchEntries(&u)); err != nil {
			return fail(op, err)
		}
		if err := deleteAliases(ctx, tx, poolID, usernameKey, u.Aliases); err != nil {
			return fail(op, err)
		}
		for _, t := range userChildren {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE pool_id = ? AND username_key = ?`, poolID, usernameKey); err != nil {
				return fail(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE pool_id = ? AND username_key = ?`, poolID, usernameKey); err != nil {
			return fail(op, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pools SET user_count = user_count - 1 WHERE id = ?`, poolID); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

// ---------------------------------------------------------------- list

func (s *Store) ListUsers(ctx context.Context, poolID string, filter *store.UserFilter, page store.Page) ([]store.User, string, error) {
	const op = "list users"
	limit := pageLimit(page)
	cols, scan := userColumns(page)
	if filter == nil {
		return keyPage(ctx, s, op, "users", page, scan, userKey,
			`SELECT `+cols+` FROM users u WHERE u.pool_id = ? AND u.username_key > ? ORDER BY u.username_key`, poolID)
	}

	a, value, kind, ok := store.FilterIndex(*filter)
	if !ok {
		return nil, "", fmt.Errorf("sqlite: %s: attribute %q is not searchable", op, filter.Attr)
	}
	after, err := decodeToken(page.Token, kind, 2)
	if err != nil {
		return nil, "", err
	}
	if after != nil && !store.CursorFits(*filter, value, after[0]) {
		return nil, "", fmt.Errorf("sqlite: %w", store.ErrInvalidToken)
	}
	q, args := filterQuery(cols, poolID, a.Code, filter.Prefix, value, after)

	type row struct {
		value string
		user  store.User
	}
	rows, err := queryPage(ctx, s.r, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		u, err := scan(scanPrefix{sc, &r.value})
		r.user = u
		return r, err
	}, limit, q, args...)
	if err != nil {
		return nil, "", fail(op, err)
	}
	rows, next := trimPage(rows, limit, kind, func(r row) []string { return []string{r.value, r.user.UsernameKey} })
	users := make([]store.User, len(rows))
	for i, r := range rows {
		users[i] = r.user
	}
	return users, next, nil
}

// filterQuery builds the ListUsers query for one filter. after is the keyset
// cursor (value, username_key) or nil.
//
// The search rows are the outer loop (CROSS JOIN fixes the order in SQLite):
// a range scan of the primary key, already in result order. The keyset
// condition must be the only lower bound on value: with a second one SQLite
// seeks on value alone and walks every row with an equal value.
func filterQuery(cols, poolID string, attr int16, prefix bool, value string, after []string) (string, []any) {
	q := `SELECT s.value, ` + cols + ` FROM user_search s CROSS JOIN users u
		ON u.pool_id = s.pool_id AND u.username_key = s.username_key
		WHERE s.pool_id = ? AND s.attr = ?`
	args := []any{poolID, attr}
	switch {
	case !prefix && after == nil:
		q += ` AND s.value = ?`
		args = append(args, value)
	case !prefix:
		q += ` AND s.value = ? AND s.username_key > ?`
		args = append(args, value, after[1])
	case after == nil:
		q += ` AND s.value >= ?`
		args = append(args, value)
	default:
		q += ` AND (s.value, s.username_key) > (?, ?)`
		args = append(args, after[0], after[1])
	}
	if ub, ok := upperBound(value); ok && prefix {
		q += ` AND s.value < ?`
		args = append(args, ub)
	}
	q += ` ORDER BY s.value, s.username_key` + pageSQL
	return q, args
}

// scanPrefix scans one extra leading string column before handing the rest
// to another scan function.
type scanPrefix struct {
	sc    interface{ Scan(...any) error }
	first *string
}

func (p scanPrefix) Scan(dest ...any) error {
	return p.sc.Scan(append([]any{p.first}, dest...)...)
}
