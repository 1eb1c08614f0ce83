package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"userpool/internal/store"
)

func importJobFixture(poolID string) store.ImportJob {
	return store.ImportJob{
		PoolID:    poolID,
		ID:        uniq("import-"),
		Name:      "job",
		RoleArn:   "arn:aws:iam::000000000000:role/import",
		Status:    "Created",
		Secret:    []byte{1, 2, 3},
		CreatedAt: base,
	}
}

var errNotCreated = errors.New("job is not in Created")

func testImportJobs(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	j := importJobFixture(pool)
	wantErr(t, s.CreateImportJob(ctx, store.ImportJob{PoolID: newPoolID(), ID: uniq("import-"), Status: "Created"}), store.ErrNotFound, "create in a missing pool")
	must(t, s.CreateImportJob(ctx, j))
	wantErr(t, s.CreateImportJob(ctx, j), store.ErrAlreadyExists, "create twice")

	got, err := s.GetImportJob(ctx, pool, j.ID)
	must(t, err)
	wantEqual(t, j, got, "get")
	got, err = s.GetImportJobByID(ctx, j.ID)
	must(t, err)
	wantEqual(t, j, got, "get by id")
	_, err = s.GetImportJob(ctx, mkPool(t, s), j.ID)
	wantErr(t, err, store.ErrNotFound, "get from another pool")
	_, err = s.GetImportJobByID(ctx, "import-missing")
	wantErr(t, err, store.ErrNotFound, "get missing")

	// CSV: stored only in the required status; HasCSV follows.
	_, err = s.GetImportCSV(ctx, pool, j.ID)
	wantErr(t, err, store.ErrNotFound, "csv before upload")
	body := bytes.Repeat([]byte("cognito:username,email\n"), 1000)
	wantErr(t, s.PutImportCSV(ctx, pool, j.ID, "Pending", body), store.ErrStateChanged, "put in another status")
	wantErr(t, s.PutImportCSV(ctx, pool, "import-missing", "Created", body), store.ErrNotFound, "put for a missing job")
	must(t, s.PutImportCSV(ctx, pool, j.ID, "Created", []byte("first")))
	must(t, s.PutImportCSV(ctx, pool, j.ID, "Created", body))
	csv, err := s.GetImportCSV(ctx, pool, j.ID)
	must(t, err)
	if !bytes.Equal(csv, body) {
		t.Fatalf("csv: got %d bytes, want the %d replaced", len(csv), len(body))
	}
	got, err = s.GetImportJob(ctx, pool, j.ID)
	must(t, err)
	if !got.HasCSV {
		t.Fatal("HasCSV false after PutImportCSV")
	}

	// Update writes every mutable field; HasCSV stays.
	upd, err := s.UpdateImportJob(ctx, pool, j.ID, func(x *store.ImportJob) error {
		x.Status, x.Imported, x.Skipped, x.Failed = "Succeeded", 7, 8, 9
		x.StartedAt, x.CompletedAt, x.CompletionMessage = at(time.Second), at(time.Minute), "done"
		x.HasCSV = false
		return nil
	})
	must(t, err)
	got, err = s.GetImportJob(ctx, pool, j.ID)
	must(t, err)
	wantEqual(t, upd, got, "after update")
	if !got.HasCSV || got.Status != "Succeeded" || got.Imported != 7 || got.CompletionMessage != "done" {
		t.Fatalf("update not kept: %+v", got)
	}
	_, err = s.UpdateImportJob(ctx, pool, "import-missing", func(*store.ImportJob) error { return nil })
	wantErr(t, err, store.ErrNotFound, "update missing")

	// Listing is paged by id, per pool.
	want := []string{}
	p2 := mkPool(t, s)
	for i := range 5 {
		x := importJobFixture(p2)
		x.ID = fmt.Sprintf("import-%02d%s", i, randString(4))
		must(t, s.CreateImportJob(ctx, x))
		want = append(want, x.ID)
	}
	checkPaging(t, want, func(x store.ImportJob) string { return x.ID }, func(p store.Page) ([]store.ImportJob, string, error) {
		return s.ListImportJobs(ctx, p2, p)
	})

	// Jobs and their CSV go with the pool.
	must(t, s.DeletePool(ctx, pool))
	_, err = s.GetImportJobByID(ctx, j.ID)
	wantErr(t, err, store.ErrNotFound, "job after pool delete")
}

// testImportJobClaim: of concurrent status swaps out of "Created", exactly
// one wins (what keeps a job to one runner across instances).
func testImportJobClaim(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)
	j := importJobFixture(pool)
	must(t, s.CreateImportJob(ctx, j))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.UpdateImportJob(ctx, pool, j.ID, func(x *store.ImportJob) error {
				if x.Status != "Created" {
					return errNotCreated
				}
				x.Status = fmt.Sprintf("InProgress-%d", i)
				return nil
			})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, errNotCreated):
			t.Fatalf("claim: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d claims won, want exactly 1", wins)
	}
}

func testCreateUsers(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	pool := mkPool(t, s)

	existing := userFixture(pool, "Existing")
	existing.Aliases = map[string]string{"email": "taken@example.com"}
	must(t, s.CreateUser(ctx, existing))

	mk := func(name, email string) store.User {
		u := userFixture(pool, name)
		u.Status = "RESET_REQUIRED"
		u.Attributes = map[string]string{"email": email, "email_verified": "true", "given_name": "G" + name}
		u.Aliases = map[string]string{"email": email}
		return u
	}
	users := []store.User{
		mk("alice", "alice@example.com"),
		mk("EXISTING", "other@example.com"), // key taken by an existing user
		mk("bob", "taken@example.com"),      // alias taken by an existing user
		mk("carol", "carol@example.com"),
		mk("Carol", "carol2@example.com"), // key taken earlier in the call
		mk("dave", "alice@example.com"),   // alias taken earlier in the call
	}
	users[1].UsernameKey = "existing"
	sameSub := mk("erin", "erin@example.com")
	sameSub.Sub = existing.Sub // sub taken
	users = append(users, sameSub)

	res, err := s.CreateUsers(ctx, users)
	must(t, err)
	want := []error{nil, store.ErrAlreadyExists, store.ErrAliasExists, nil, store.ErrAlreadyExists, store.ErrAliasExists, store.ErrAlreadyExists}
	if len(res) != len(want) {
		t.Fatalf("got %d results, want %d", len(res), len(want))
	}
	for i, w := range want {
		if w == nil && res[i] != nil || w != nil && !errors.Is(res[i], w) {
			t.Fatalf("user %d (%s): got %v, want %v", i, users[i].Username, res[i], w)
		}
	}
	for _, i := range []int{0, 3} {
		got, err := s.GetUser(ctx, pool, users[i].UsernameKey)
		must(t, err)
		wantEqual(t, users[i], got, "created user "+users[i].Username)
		byAlias, err := s.GetUserByAlias(ctx, pool, "email", users[i].Aliases["email"])
		must(t, err)
		if byAlias.UsernameKey != users[i].UsernameKey {
			t.Fatalf("alias of %s finds %s", users[i].Username, byAlias.UsernameKey)
		}
	}
	// Refused users left nothing: no user, no alias, no search row.
	for _, name := range []string{"bob", "dave", "erin"} {
		_, err := s.GetUser(ctx, pool, name)
		wantErr(t, err, store.ErrNotFound, "refused user "+name)
	}
	_, err = s.GetUserByAlias(ctx, pool, "email", "carol2@example.com")
	wantErr(t, err, store.ErrNotFound, "alias of a refused user")
	found, _, err := s.ListUsers(ctx, pool, &store.UserFilter{Attr: "given_name", Value: "gdave"}, store.Page{})
	must(t, err)
	if len(found) != 0 {
		t.Fatalf("search index holds a refused user: %v", found)
	}
	found, _, err = s.ListUsers(ctx, pool, &store.UserFilter{Attr: "given_name", Value: "galice"}, store.Page{})
	must(t, err)
	if len(found) != 1 {
		t.Fatalf("search index: %d users for alice, want 1", len(found))
	}
	n, err := s.CountUsers(ctx, pool)
	must(t, err)
	if n != 3 {
		t.Fatalf("CountUsers = %d, want 3", n)
	}

	// A missing pool fails the call as a whole.
	ghost := mk("ghost", "ghost@example.com")
	ghost.PoolID = newPoolID()
	_, err = s.CreateUsers(ctx, []store.User{ghost})
	wantErr(t, err, store.ErrNotFound, "create users in a missing pool")
	res, err = s.CreateUsers(ctx, nil)
	must(t, err)
	if len(res) != 0 {
		t.Fatalf("empty call: %v", res)
	}
}
