package iam

import (
	"testing"

	"userpool/internal/store"
)

func BenchmarkPolicyAllows(b *testing.B) {
	pol, err := Compile(store.Principal{Name: "fn", Grants: []store.Grant{
		{Pool: "staff", Actions: []string{"manageGroups"}},
		{Pool: "us-east-1_AAAAAAAAA", Actions: []string{"manageUsers", "listUsers", "manageGroupMembership"}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	ref := PoolRef{ID: "us-east-1_AAAAAAAAA", Name: "customers"}
	b.ReportAllocs()
	for b.Loop() {
		if !pol.Allows("AdminAddUserToGroup", ref) {
			b.Fatal("denied")
		}
	}
}
