package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"userpool/internal/store"
)

// BenchUsers and BenchPool are the size and id of the pool every backend
// seeds for Bench.
const (
	BenchUsers = 100_000
	BenchPool  = "us-east-1_bench"
)

// BenchFixture describes a store seeded for the shared benchmarks (each
// backend seeds it its own fast way): Users users keyed Key(i) in pool Pool,
// each with email user%06d@example.com; group "big" holding the first 1,000
// users; groups g00..g49 with users 0..99 each in 25 of them; empty groups
// add0..add9. DeepToken is a page token of the filter status = "Enabled"
// positioned around the 66,000th user (its encoding is the backend's).
type BenchFixture struct {
	Store     store.Store
	Pool      string
	Users     int
	Key       func(i int) string
	DeepToken string
	// Added counts the memberships BenchAddUserToGroup has made, across runs
	// of one process (they must stay fresh).
	Added *atomic.Int64
}

// Bench runs the hot-operation benchmarks every backend reports.
func Bench(b *testing.B, f BenchFixture) {
	ctx := context.Background()
	s := f.Store
	b.Run("GetUser", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 7919) % f.Users
			if _, err := s.GetUser(ctx, f.Pool, f.Key(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetUserParallel", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seq.Add(1)) * 104729
			for pb.Next() {
				i = (i + 7919) % f.Users
				if _, err := s.GetUser(ctx, f.Pool, f.Key(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	// A new membership every iteration (never the idempotent re-add path):
	// user 1000+n%span to group add<n/span>, leaving the other users alone.
	b.Run("AddUserToGroup", func(b *testing.B) {
		span := f.Users - 1000
		for b.Loop() {
			n := int(f.Added.Add(1) - 1)
			if n >= 10*span {
				b.Fatalf("ran out of fresh memberships")
			}
			if err := s.AddUserToGroup(ctx, f.Pool, f.Key(1000+n%span), fmt.Sprintf("add%d", n/span), 100); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Pages of 60 from the 1,000-member group, walking page after page.
	b.Run("ListUsersInGroupPage", func(b *testing.B) {
		token := ""
		for b.Loop() {
			users, next, err := s.ListUsersInGroup(ctx, f.Pool, "big", store.Page{Limit: 60, Token: token, Summary: true})
			if err != nil || len(users) == 0 {
				b.Fatalf("%d users, %v", len(users), err)
			}
			token = next
		}
	})
	// The first page (60) of an email prefix matching 100 users.
	b.Run("ListUsersPrefixFilter", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 37) % 1000
			flt := &store.UserFilter{Attr: "email", Prefix: true, Value: fmt.Sprintf("USER%04d", i)}
			users, _, err := s.ListUsers(ctx, f.Pool, flt, store.Page{Limit: 60, Summary: true})
			if err != nil || len(users) != 60 {
				b.Fatalf("%d users, %v", len(users), err)
			}
		}
	})
	// A page ~1,000 deep in status = Enabled: keyset paging makes it cost
	// what page 1 costs.
	b.Run("ListUsersFilterDeepPage", func(b *testing.B) {
		flt := &store.UserFilter{Attr: "status", Value: "Enabled"}
		for b.Loop() {
			users, _, err := s.ListUsers(ctx, f.Pool, flt, store.Page{Limit: 60, Token: f.DeepToken, Summary: true})
			if err != nil || len(users) != 60 {
				b.Fatalf("%d users, %v", len(users), err)
			}
		}
	})
	// The 26 groups of one of 100 users.
	b.Run("ListGroupsForUser", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 1) % 100
			groups, _, err := s.ListGroupsForUser(ctx, f.Pool, f.Key(i), store.Page{Limit: 60})
			if err != nil || len(groups) != 26 { // 25 g* groups and "big"
				b.Fatalf("%d groups, %v", len(groups), err)
			}
		}
	})
}
