package sqlite

import (
	"strings"
	"testing"
)

// TestQueryPlans pins the access paths of the hot queries: every table is
// reached by an index search (no full scan, no sort), and keyset cursors seek
// on the whole key, so page N costs the same as page 1.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	filter := func(prefix bool, after []string) string {
		q, _ := filterQuery(userColsU, "p", 5, prefix, "ali", after)
		return q
	}
	cases := []struct {
		name, query string
		want        []string // substrings every plan must contain
	}{
		{"filter eq", filter(false, nil), []string{"SEARCH s USING PRIMARY KEY (pool_id=? AND attr=? AND value=?)"}},
		{"filter eq after", filter(false, []string{"ali", "k"}), []string{"(pool_id=? AND attr=? AND value=? AND username_key>?)"}},
		{"filter prefix", filter(true, nil), []string{"(pool_id=? AND attr=? AND value>? AND value<?)"}},
		{"filter prefix after", filter(true, []string{"alice", "k"}), []string{"(pool_id=? AND attr=? AND (value,username_key)>(?,?) AND value<?)"}},
		{"filter prefix empty", func() string { q, _ := filterQuery(userColsU, "p", 5, true, "", []string{"a", "k"}); return q }(), []string{"(value,username_key)>(?,?)"}},
		{"users", `SELECT ` + userSummaryColsU + ` FROM users u WHERE u.pool_id = ? AND u.username_key > ? ORDER BY u.username_key` + pageSQL, []string{"(pool_id=? AND username_key>?)"}},
		{"users in group", `SELECT ` + userColsU + ` FROM group_members m CROSS JOIN users u
			ON u.pool_id = m.pool_id AND u.username_key = m.username_key
			WHERE m.pool_id = ? AND m.group_name = ? AND m.username_key > ? ORDER BY m.username_key` + pageSQL, []string{"(pool_id=? AND group_name=? AND username_key>?)"}},
		{"groups of user", groupsOfUser, []string{"group_members_user (pool_id=? AND username_key=? AND group_name>?)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+c.query, "p", "k", "x", "y", "z", "w", "v")
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			all := strings.Join(plan, "\n")
			for _, line := range plan {
				if strings.HasPrefix(line, "SCAN ") || strings.Contains(line, "TEMP B-TREE") {
					t.Errorf("plan step %q", line)
				}
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("plan lacks %q:\n%s", w, all)
				}
			}
		})
	}
}
