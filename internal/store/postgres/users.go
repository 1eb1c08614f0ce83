package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"userpool/internal/store"
)

// ---------------------------------------------------------------- search index

// The searchable attributes and the rows a user contributes are defined
// once, in package store (store.SearchEntries), for every backend.

// upperBound returns the smallest string greater than every string that
// starts with prefix, and false when there is none. It increments the last
// code point (skipping surrogates), so the bound is valid UTF-8, which
// PostgreSQL requires of TEXT; in UTF-8, byte order and code point order
// agree, so under COLLATE "C" the prefix matches are exactly
// [prefix, upperBound).
func upperBound(prefix string) (string, bool) {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		head := prefix[:len(prefix)-size]
		if r == utf8.MaxRune {
			prefix = head
			continue
		}
		r++
		if r == 0xD800 { // surrogates are not code points of UTF-8 text
			r = 0xE000
		}
		return head + string(r), true
	}
	return "", false
}

// ---------------------------------------------------------------- columns

var userColNames = []string{
	"pool_id", "username_key", "username", "sub", "status", "enabled", "attributes", "aliases",
	"password_hash", "srp_salt", "srp_verifier", "password_set_at", "password_temporary", "password_expires_at",
	"mfa", "failed_logins", "locked_until", "tokens_valid_after", "created_at", "updated_at",
}

func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

func setList(cols []string, from int) string {
	ps := make([]string, len(cols))
	for i, c := range cols {
		ps[i] = c + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

var (
	userCols   = strings.Join(userColNames, ", ")
	userColsU  = "u." + strings.Join(userColNames, ", u.")
	userInsert = `INSERT INTO users (` + userCols + `) VALUES (` + placeholders(1, len(userColNames)) + `)`
	userUpdate = `UPDATE users SET ` + setList(userColNames[4:], 1) +
		` WHERE pool_id = $` + strconv.Itoa(len(userColNames)-3) + ` AND username_key = $` + strconv.Itoa(len(userColNames)-2)
)

// jsonMap is the JSONB text of a map; nil is the empty object.
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
		u.Status, u.Enabled, jsonMap(u.Attributes), jsonMap(u.Aliases),
		u.Password.Hash, u.Password.SRPSalt, u.Password.SRPVerifier, tv(u.Password.SetAt),
		u.Password.Temporary, tv(u.Password.ExpiresAt),
		u.MFA, u.FailedLogins, tv(u.LockedUntil), tv(u.TokensValidAfter), tv(u.CreatedAt), tv(u.UpdatedAt),
	}
}

// userSummaryNames are the columns of a summary listing (store.Page.Summary).
var userSummaryNames = []string{
	"pool_id", "username_key", "username", "sub", "status", "enabled", "attributes", "mfa", "created_at", "updated_at",
}

func scanUserSummary(sc scanner) (store.User, error) {
	var u store.User
	err := sc.Scan(&u.PoolID, &u.UsernameKey, &u.Username, &u.Sub, &u.Status, &u.Enabled,
		&u.Attributes, &u.MFA, ts{&u.CreatedAt}, ts{&u.UpdatedAt})
	return u, err
}

// userProjection is what a listing of users selects: complete records, or
// summaries (store.Page.Summary).
type userProjection struct {
	cols  string // unqualified
	colsU string // qualified with u.
	scan  func(scanner) (store.User, error)
}

var (
	fullUsers    = userProjection{userCols, userColsU, scanUser}
	summaryUsers = userProjection{strings.Join(userSummaryNames, ", "), "u." + strings.Join(userSummaryNames, ", u."), scanUserSummary}
)

func projectionOf(page store.Page) userProjection {
	if page.Summary {
		return summaryUsers
	}
	return fullUsers
}

func scanUser(sc scanner) (store.User, error) {
	var u store.User
	err := sc.Scan(&u.PoolID, &u.UsernameKey, &u.Username, &u.Sub, &u.Status, &u.Enabled,
		&u.Attributes, &u.Aliases,
		&u.Password.Hash, &u.Password.SRPSalt, &u.Password.SRPVerifier, ts{&u.Password.SetAt},
		&u.Password.Temporary, ts{&u.Password.ExpiresAt},
		&u.MFA, &u.FailedLogins, ts{&u.LockedUntil}, ts{&u.TokensValidAfter}, ts{&u.CreatedAt}, ts{&u.UpdatedAt})
	return u, err
}

// userByKeyCols is a LATERAL subquery fetching cols of the user that row
// alias t (with pool_id and username_key columns) names. Its LIMIT 1
// (harmless on a primary key) keeps the planner from flattening it into a
// join it could run as a merge or hash join over the whole pool: every list
// of users is its driving index range, then one primary-key look-up per row
// returned, whatever the statistics say.
func userByKeyCols(t, cols string) string {
	return `SELECT ` + cols + ` FROM users WHERE pool_id = ` + t + `.pool_id AND username_key = ` + t + `.username_key LIMIT 1`
}

// ---------------------------------------------------------------- writes

// queueInsertSearch queues one INSERT of all the user's index rows.
func queueInsertSearch(b *pgx.Batch, poolID, key string, entries []store.SearchEntry) {
	if len(entries) == 0 {
		return
	}
	attrs := make([]int16, len(entries))
	values := make([]string, len(entries))
	for i, e := range entries {
		attrs[i], values[i] = e.Attr, e.Value
	}
	b.Queue(`INSERT INTO user_search (pool_id, attr, value, username_key)
		SELECT $1, a, v, $2 FROM unnest($3::smallint[], $4::text[]) AS t(a, v)`, poolID, key, attrs, values)
}

// queueDeleteSearch queues the deletion of exactly these index rows (each a
// primary-key look-up).
func queueDeleteSearch(b *pgx.Batch, poolID, key string, entries []store.SearchEntry) {
	for _, e := range entries {
		b.Queue(`DELETE FROM user_search WHERE pool_id = $1 AND attr = $2 AND value = $3 AND username_key = $4`,
			poolID, e.Attr, e.Value, key)
	}
}

// queueInsertAliases queues one INSERT of the non-empty aliases; a taken one
// fails with a unique violation of user_aliases_pkey (ErrAliasExists).
func queueInsertAliases(b *pgx.Batch, poolID, key string, aliases map[string]string) {
	var kinds, values []string
	for _, k := range slices.Sorted(maps.Keys(aliases)) {
		if v := aliases[k]; v != "" {
			kinds, values = append(kinds, k), append(values, v)
		}
	}
	if len(kinds) == 0 {
		return
	}
	b.Queue(`INSERT INTO user_aliases (pool_id, kind, value, username_key)
		SELECT $1, k, v, $2 FROM unnest($3::text[], $4::text[]) AS t(k, v)`, poolID, key, kinds, values)
}

func queueDeleteAliases(b *pgx.Batch, poolID, key string, aliases map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(aliases)) {
		if v := aliases[k]; v != "" {
			b.Queue(`DELETE FROM user_aliases WHERE pool_id = $1 AND kind = $2 AND value = $3 AND username_key = $4`,
				poolID, k, v, key)
		}
	}
}

// CreateUser writes the user, its aliases and its index rows in one
// pipelined batch, which the server runs as one implicit transaction: one
// round trip, all or nothing.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	err := s.run(ctx, notIdempotent, func(ctx context.Context) error {
		// A fresh batch per attempt: pgx caches statement descriptions of
		// the connection it ran on in the queued queries.
		b := &pgx.Batch{}
		b.Queue(userInsert, append([]any{u.PoolID, u.UsernameKey, u.Username, u.Sub}, userValues(&u)...)...)
		queueInsertAliases(b, u.PoolID, u.UsernameKey, u.Aliases)
		queueInsertSearch(b, u.PoolID, u.UsernameKey, store.SearchEntries(&u))
		return s.pool.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return writeErr("create user", err)
	}
	return nil
}

func (s *Store) getUser(ctx context.Context, op, sql string, args ...any) (store.User, error) {
	var u store.User
	err := s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		u, err = scanUser(s.pool.QueryRow(ctx, sql, args...))
		return err
	})
	if err != nil {
		return store.User{}, notFound(op, err)
	}
	return u, nil
}

func (s *Store) GetUser(ctx context.Context, poolID, usernameKey string) (store.User, error) {
	return s.getUser(ctx, "get user", `SELECT `+userCols+` FROM users WHERE pool_id = $1 AND username_key = $2`, poolID, usernameKey)
}

func (s *Store) GetUserBySub(ctx context.Context, poolID, sub string) (store.User, error) {
	return s.getUser(ctx, "get user by sub", `SELECT `+userCols+` FROM users WHERE pool_id = $1 AND sub = $2`, poolID, sub)
}

func (s *Store) GetUserByAlias(ctx context.Context, poolID, kind, value string) (store.User, error) {
	return s.getUser(ctx, "get user by alias", `SELECT `+userColsU+` FROM user_aliases a
		JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
		WHERE a.pool_id = $1 AND a.kind = $2 AND a.value = $3`, poolID, kind, value)
}

// UpdateUser locks the user's row, runs fn on it, and writes the record with
// the alias and index differences in one batch, all in one transaction.
func (s *Store) UpdateUser(ctx context.Context, poolID, usernameKey string, fn func(*store.User) error) (store.User, error) {
	const op = "update user"
	var out store.User
	err := s.tx(ctx, func(tx pgx.Tx) error {
		u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE pool_id = $1 AND username_key = $2 FOR NO KEY UPDATE`,
			poolID, usernameKey))
		if err != nil {
			return notFound(op, err)
		}
		oldEntries := store.SearchEntries(&u)
		oldAliases := maps.Clone(u.Aliases)
		oldUsername, oldSub := u.Username, u.Sub
		if err := fn(&u); err != nil {
			return err
		}
		u.PoolID, u.UsernameKey, u.Username, u.Sub = poolID, usernameKey, oldUsername, oldSub

		b := &pgx.Batch{}
		b.Queue(userUpdate, append(userValues(&u), poolID, usernameKey)...)

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
		queueDeleteAliases(b, poolID, usernameKey, removed)
		queueInsertAliases(b, poolID, usernameKey, added)

		// Search index: the same difference.
		newEntries := store.SearchEntries(&u)
		gone, fresh := store.SearchDiff(oldEntries, newEntries)
		queueDeleteSearch(b, poolID, usernameKey, gone)
		queueInsertSearch(b, poolID, usernameKey, fresh)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return writeErr(op, err)
		}
		out = u
		return nil
	})
	return out, err
}

// DeleteUser deletes the user (memberships and devices follow by foreign
// key) and, in the same transaction, its aliases, index rows, refresh
// tokens, codes and sessions.
func (s *Store) DeleteUser(ctx context.Context, poolID, usernameKey string) error {
	const op = "delete user"
	return s.tx(ctx, func(tx pgx.Tx) error {
		u, err := scanUser(tx.QueryRow(ctx, `DELETE FROM users WHERE pool_id = $1 AND username_key = $2 RETURNING `+userCols,
			poolID, usernameKey))
		if err != nil {
			return notFound(op, err)
		}
		b := &pgx.Batch{}
		queueDeleteSearch(b, poolID, usernameKey, store.SearchEntries(&u))
		queueDeleteAliases(b, poolID, usernameKey, u.Aliases)
		for _, t := range []string{"refresh_tokens", "codes", "sessions"} {
			b.Queue(`DELETE FROM `+t+` WHERE pool_id = $1 AND username_key = $2`, poolID, usernameKey)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

// ---------------------------------------------------------------- list

func usersPageSQL(p userProjection) string {
	return `SELECT ` + p.cols + ` FROM users WHERE pool_id = $1 AND username_key > $2 ORDER BY username_key LIMIT $3`
}

func (s *Store) ListUsers(ctx context.Context, poolID string, filter *store.UserFilter, page store.Page) ([]store.User, string, error) {
	const op = "list users"
	limit := pageLimit(page)
	proj := projectionOf(page)
	if filter == nil {
		return keyPage(ctx, s, op, "users", page, proj.scan, func(u store.User) string { return u.UsernameKey }, usersPageSQL(proj), poolID)
	}

	a, value, kind, ok := store.FilterIndex(*filter)
	if !ok {
		return nil, "", fmt.Errorf("postgres: %s: attribute %q is not searchable", op, filter.Attr)
	}
	after, err := decodeToken(page.Token, kind, 2)
	if err != nil {
		return nil, "", err
	}
	if after != nil && !store.CursorFits(*filter, value, after[0]) {
		return nil, "", errToken
	}
	if !storable(value) {
		return nil, "", nil // no stored value can match
	}
	q, args := filterQuery(proj, poolID, a.Code, filter.Prefix, value, after, limit+1)

	type row struct {
		value string
		user  store.User
	}
	var rows []row
	err = s.run(ctx, idempotent, func(ctx context.Context) (err error) {
		rows, err = queryAll(ctx, s.pool, func(sc scanner) (row, error) {
			var r row
			u, err := proj.scan(scanPrefix{sc, &r.value})
			r.user = u
			return r, err
		}, q, args...)
		return err
	})
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

// filterQuery builds the ListUsers query for one filter; after is the keyset
// cursor (value, username_key) or nil.
//
// The search rows drive the join: an index range scan of user_search_pkey,
// already in result order, then one users primary-key look-up per row
// returned (see userByKey). The keyset condition is the only lower bound on value, so the
// scan starts right at the cursor (a second bound on value would leave the
// planner to choose, and it may start at the prefix instead).
func filterQuery(proj userProjection, poolID string, attr int16, prefix bool, value string, after []string, limit int) (string, []any) {
	q := `SELECT s.value, ` + proj.colsU + ` FROM user_search s
		CROSS JOIN LATERAL (` + userByKeyCols("s", proj.cols) + `) u
		WHERE s.pool_id = $1 AND s.attr = $2`
	args := []any{poolID, attr}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch {
	case !prefix && after == nil:
		q += ` AND s.value = ` + arg(value)
	case !prefix:
		q += ` AND s.value = ` + arg(value) + ` AND s.username_key > ` + arg(after[1])
	case after == nil:
		if value != "" {
			q += ` AND s.value >= ` + arg(value)
		}
	default:
		q += ` AND (s.value, s.username_key) > (` + arg(after[0]) + `, ` + arg(after[1]) + `)`
	}
	if ub, ok := upperBound(value); ok && prefix {
		q += ` AND s.value < ` + arg(ub)
	}
	q += ` ORDER BY s.value, s.username_key LIMIT ` + arg(limit)
	return q, args
}

// scanPrefix scans one extra leading string column before handing the rest
// to another scan function.
type scanPrefix struct {
	sc    scanner
	first *string
}

func (p scanPrefix) Scan(dest ...any) error {
	return p.sc.Scan(append([]any{p.first}, dest...)...)
}
