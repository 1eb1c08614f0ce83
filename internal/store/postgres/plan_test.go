package postgres

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"userpool/internal/store"
)

// literal renders a query argument as SQL text for EXPLAIN EXECUTE.
func literal(v any) string {
	switch v := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int16:
		return strconv.Itoa(int(v))
	case int:
		return strconv.Itoa(v)
	}
	panic(fmt.Sprintf("literal of %T", v))
}

// TestQueryPlans pins the access paths of the hot queries on a seeded pool
// of 20,000 users, for both the custom plans PostgreSQL makes for the first
// executions of a prepared statement and the generic plan it may switch to
// (pgx prepares and caches every statement): each list is an index range
// scan already in result order (no sequential scan, no sort), joined by one
// primary-key look-up per row (no merge or hash join over the pool), and
// keyset cursors are index conditions, so page N costs what page 1 costs.
//
// Not parallel: the index-only scans need the visibility map that the seed's
// VACUUM sets, and VACUUM cannot mark a page all-visible while another
// session of the same database holds an older snapshot, as the package's
// parallel tests would (the plan then falls back to sequential scans).
func TestQueryPlans(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	if err := seed(ctx, s, 20_000); err != nil {
		t.Fatalf("seed: %v", err)
	}
	email := store.SearchAttrs["email"].Code
	filter := func(prefix bool, value string, after []string) (string, []any) {
		return filterQuery(summaryUsers, benchPool, email, prefix, value, after, 61)
	}
	type query struct {
		name string
		sql  string
		args []any
		want []string // substrings every plan must contain
	}
	var cases []query
	add := func(name string, want []string, sql string, args ...any) {
		cases = append(cases, query{name, sql, args, want})
	}
	q, a := filter(false, "user000123@example.com", nil)
	add("filter eq", []string{"using user_search_pkey", "(value = ", "using users_pkey"}, q, a...)
	q, a = filter(false, "user000123@example.com", []string{"user000123@example.com", "user000123"})
	add("filter eq after", []string{"using user_search_pkey", "(value = ", "(username_key > "}, q, a...)
	q, a = filter(true, "user0001", nil)
	add("filter prefix", []string{"using user_search_pkey", "(value >= ", "(value < "}, q, a...)
	q, a = filter(true, "user0001", []string{"user000150@example.com", "user000150"})
	add("filter prefix after", []string{"using user_search_pkey", "(ROW(value, username_key) > ROW(", "(value < "}, q, a...)
	q, a = filter(true, "", []string{"user000150@example.com", "user000150"})
	add("filter prefix empty after", []string{"using user_search_pkey", "(ROW(value, username_key) > ROW("}, q, a...)
	add("users", []string{"using users_pkey", "(username_key > "}, usersPageSQL(summaryUsers), benchPool, "user010000", 61)
	add("users in group", []string{"using group_members_pkey", "(username_key > ", "using users_pkey"},
		usersInGroupSQL(summaryUsers), benchPool, "big", "user000500", 61)
	add("groups of user", []string{"using group_members_user", "(group_name > "},
		groupsOfUser+` LIMIT $4`, benchPool, "user000042", "g10", 61)
	add("user by alias", []string{"using user_aliases_pkey", "using users_pkey"},
		`SELECT `+userColsU+` FROM user_aliases a JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
		WHERE a.pool_id = $1 AND a.kind = $2 AND a.value = $3`, benchPool, "email", "user000042@example.com")
	add("user by sub", []string{"using users_sub"}, `SELECT `+userCols+` FROM users WHERE pool_id = $1 AND sub = $2`, benchPool, "x")
	add("count users", []string{"Index Only Scan using users_pkey"}, `SELECT (SELECT count(*) FROM users WHERE pool_id = $1) FROM pools WHERE id = $1`, benchPool)

	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for i, c := range cases {
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				name := fmt.Sprintf("plan_%d_%s", i, mode)
				lits := make([]string, len(c.args))
				for j, v := range c.args {
					lits[j] = literal(v)
				}
				if _, err := conn.Exec(ctx, `SET plan_cache_mode = `+mode); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.Exec(ctx, `PREPARE `+name+` AS `+c.sql); err != nil {
					t.Fatalf("prepare: %v", err)
				}
				rows, err := conn.Query(ctx, `EXPLAIN EXECUTE `+name+`(`+strings.Join(lits, ", ")+`)`)
				if err != nil {
					t.Fatalf("explain: %v", err)
				}
				var lines []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						t.Fatal(err)
					}
					lines = append(lines, line)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				plan := strings.Join(lines, "\n")
				// user_groups may be read whole: the fixture's 61 groups fit
				// one page, where that is the cheapest way.
				for _, bad := range []string{"Seq Scan on users", "Seq Scan on user_search", "Seq Scan on group_members",
					"Seq Scan on user_aliases", "Sort", "Merge Join", "Hash", "Bitmap"} {
					if strings.Contains(plan, bad) {
						t.Errorf("plan has %q:\n%s", bad, plan)
					}
				}
				for _, w := range c.want {
					if !strings.Contains(plan, w) {
						t.Errorf("plan lacks %q:\n%s", w, plan)
					}
				}
			})
		}
	}
}
