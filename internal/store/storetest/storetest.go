package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"userpool/internal/store"
)

// Run runs the whole conformance suite. newStore is called once per subtest
// and must return a ready store (it registers its own cleanup with t).
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	areas := []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T) store.Store)
	}{
		{"Ping", testPing},
		{"Pools", testPools},
		{"Clients", testClients},
		{"Users", testUsers},
		{"Aliases", testAliases},
		{"ListUsersFilters", testListUsersFilters},
		{"Groups", testGroups},
		{"Memberships", testMemberships},
		{"Devices", testDevices},
		{"SigningKeys", testSigningKeys},
		{"RefreshTokens", testRefreshTokens},
		{"Codes", testCodes},
		{"Sessions", testSessions},
		{"Principals", testPrincipals},
		{"AccessKeys", testAccessKeys},
		{"Audit", testAudit},
		{"AuditBatch", testAuditBatch},
		{"AuditRetention", testAuditRetention},
		{"Cascades", testCascades},
		{"Paging", testPaging},
		{"Concurrency", testConcurrency},
		{"Export", testExport},
		{"Resources", testResources},
		{"ImportJobs", testImportJobs},
		{"ImportJobClaim", testImportJobClaim},
		{"ImportJobLease", testImportJobLease},
		{"CreateUsers", testCreateUsers},
		{"IdentityPools", testIdentityPools},
		{"WebAuthn", testWebAuthn},
	}
	for _, a := range areas {
		t.Run(a.name, func(t *testing.T) { a.fn(t, newStore) })
	}
}

// ---------------------------------------------------------------- fixtures

// base is a fixed instant at whole milliseconds, so any backend with at
// least millisecond precision round-trips it exactly.
var base = time.Date(2026, 3, 4, 5, 6, 7, 891_000_000, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func randString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idChars[rand.IntN(len(idChars))]
	}
	return string(b)
}

// uniq returns prefix followed by random characters: ids unique across tests
// sharing one database.
func uniq(prefix string) string { return prefix + randString(12) }

func newPoolID() string { return "us-east-1_" + randString(16) }

func ctxT(t *testing.T) context.Context { return t.Context() }

// mkPool creates a pool with a fresh id and returns the id.
func mkPool(t *testing.T, s store.Store) string {
	t.Helper()
	id := newPoolID()
	must(t, s.CreatePool(ctxT(t), store.Pool{ID: id, Name: "pool-" + id, Settings: []byte(`{"k":1}`), CreatedAt: base, UpdatedAt: base}))
	return id
}

func userFixture(poolID, username string) store.User {
	key := strings.ToLower(username)
	return store.User{
		PoolID:      poolID,
		Username:    username,
		UsernameKey: key,
		Sub:         uniq("sub-"),
		Status:      "CONFIRMED",
		Enabled:     true,
		Attributes:  map[string]string{"email_verified": "true"},
		CreatedAt:   base,
		UpdatedAt:   base,
	}
}

// mkUser creates a user whose key is the lower-cased username.
func mkUser(t *testing.T, s store.Store, poolID, username string) store.User {
	t.Helper()
	u := userFixture(poolID, username)
	must(t, s.CreateUser(ctxT(t), u))
	return u
}

func mkGroup(t *testing.T, s store.Store, poolID, name string) store.Group {
	t.Helper()
	g := store.Group{PoolID: poolID, Name: name, Description: "d " + name, CreatedAt: base, UpdatedAt: base}
	must(t, s.CreateGroup(ctxT(t), g, 10000))
	return g
}

// ---------------------------------------------------------------- assertions

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func wantEqual(t *testing.T, want, got any, what string) {
	t.Helper()
	if d := diff(want, got); d != "" {
		t.Fatalf("%s: mismatch (want vs got):\n%s", what, d)
	}
}

func wantStrings(t *testing.T, want, got []string, what string) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// timeTolerance is the precision every backend must keep.
const timeTolerance = time.Millisecond

var timeType = reflect.TypeFor[time.Time]()

// diff compares two values of the same type field by field: times within
// timeTolerance (and got must be UTC), nil and empty maps/slices equal.
func diff(want, got any) string {
	var b strings.Builder
	diffValue(&b, "", reflect.ValueOf(want), reflect.ValueOf(got))
	return b.String()
}

func diffValue(b *strings.Builder, path string, w, g reflect.Value) {
	if w.Type() != g.Type() {
		fmt.Fprintf(b, "%s: type %s vs %s\n", path, w.Type(), g.Type())
		return
	}
	if w.Type() == timeType {
		wt, gt := w.Interface().(time.Time), g.Interface().(time.Time)
		switch {
		case wt.IsZero() != gt.IsZero():
			fmt.Fprintf(b, "%s: %v vs %v (zero mismatch)\n", path, wt, gt)
		case gt.IsZero():
		case gt.Location() != time.UTC:
			fmt.Fprintf(b, "%s: got %v, not UTC\n", path, gt)
		case wt.Sub(gt).Abs() >= timeTolerance:
			fmt.Fprintf(b, "%s: %v vs %v\n", path, wt, gt)
		}
		return
	}
	switch w.Kind() {
	case reflect.Struct:
		for i := range w.NumField() {
			diffValue(b, path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i))
		}
	case reflect.Pointer:
		switch {
		case w.IsNil() && g.IsNil():
		case w.IsNil() != g.IsNil():
			fmt.Fprintf(b, "%s: nil mismatch (%v vs %v)\n", path, fmtPtr(w), fmtPtr(g))
		default:
			diffValue(b, path, w.Elem(), g.Elem())
		}
	case reflect.Slice:
		if w.Len() != g.Len() {
			fmt.Fprintf(b, "%s: %v vs %v\n", path, w.Interface(), g.Interface())
			return
		}
		for i := range w.Len() {
			diffValue(b, fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i))
		}
	case reflect.Map:
		if w.Len() != g.Len() {
			fmt.Fprintf(b, "%s: %v vs %v\n", path, w.Interface(), g.Interface())
			return
		}
		for _, k := range w.MapKeys() {
			gv := g.MapIndex(k)
			if !gv.IsValid() {
				fmt.Fprintf(b, "%s[%v]: missing\n", path, k)
				continue
			}
			diffValue(b, fmt.Sprintf("%s[%v]", path, k), w.MapIndex(k), gv)
		}
	default:
		if !reflect.DeepEqual(w.Interface(), g.Interface()) {
			fmt.Fprintf(b, "%s: %#v vs %#v\n", path, w.Interface(), g.Interface())
		}
	}
}

func fmtPtr(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	return fmt.Sprint(v.Elem().Interface())
}

// ---------------------------------------------------------------- paging

// listFunc is one List* call bound to its other arguments.
type listFunc[T any] func(store.Page) ([]T, string, error)

// Collect pages through a whole list at the default page size, checking the
// paging rules as collect does (for backend tests outside this package).
func Collect[T any](t *testing.T, list func(store.Page) ([]T, string, error)) []T {
	t.Helper()
	return collect(t, 0, list)
}

// collect pages through a list with the given limit and checks the paging
// rules: every page but the last is full, no page exceeds the limit, the
// token is "" exactly on the page holding the last item.
func collect[T any](t *testing.T, limit int, list listFunc[T]) []T {
	t.Helper()
	eff := limit
	if eff <= 0 || eff > store.MaxPageSize {
		eff = store.MaxPageSize
	}
	var all []T
	token := ""
	for page := 0; ; page++ {
		if page > 10000 {
			t.Fatalf("paging does not end")
		}
		items, next, err := list(store.Page{Limit: limit, Token: token})
		if err != nil {
			t.Fatalf("page %d (limit %d): %v", page, limit, err)
		}
		if len(items) > eff {
			t.Fatalf("page %d: %d items, limit %d", page, len(items), eff)
		}
		all = append(all, items...)
		if next == "" {
			if len(items) == 0 && page > 0 {
				t.Fatalf("page %d: empty last page after a token (the previous page should have returned \"\")", page)
			}
			return all
		}
		if len(items) != eff {
			t.Fatalf("page %d: %d items with a next token, want a full page of %d", page, len(items), eff)
		}
		token = next
	}
}

// checkPaging pages through list with several limits and checks the keys
// come back exactly as want (order included), and that bad tokens fail.
func checkPaging[T any](t *testing.T, want []string, key func(T) string, list listFunc[T]) {
	t.Helper()
	for _, limit := range []int{1, 2, 3, 7, 0, 1000} {
		got := collect(t, limit, list)
		keys := make([]string, len(got))
		for i, it := range got {
			keys[i] = key(it)
		}
		wantStrings(t, want, keys, fmt.Sprintf("keys with limit %d", limit))
	}
	checkBadTokens(t, list)
}

var badTokens = []string{"garbage", "not a token!", "AAAA", "eyJ4IjoxfQ", "%%%%", strings.Repeat("z", 300)}

func checkBadTokens[T any](t *testing.T, list listFunc[T]) {
	t.Helper()
	for _, tok := range badTokens {
		_, _, err := list(store.Page{Limit: 5, Token: tok})
		wantErr(t, err, store.ErrInvalidToken, fmt.Sprintf("token %q", tok))
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func ptr[T any](v T) *T { return &v }
