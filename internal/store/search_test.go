package store

import (
	"slices"
	"testing"
)

func TestSearchEntries(t *testing.T) {
	u := &User{Username: "Alice", Sub: "ABC-1", Status: "CONFIRMED", Enabled: false,
		Attributes: map[string]string{"email": "A@Example.COM", "name": "", "custom:x": "no"}}
	got := SearchEntries(u)
	want := []SearchEntry{
		{1, "Alice"}, {2, "abc-1"}, {3, "confirmed"}, {4, "Disabled"}, {5, "a@example.com"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestFilterIndexAndCursor(t *testing.T) {
	f := UserFilter{Attr: "email", Prefix: true, Value: "Bob@"}
	a, v, kind, ok := FilterIndex(f)
	if !ok || a.Code != 5 || v != "bob@" || kind != "users:email:prefix" {
		t.Fatalf("%v %q %q %v", a, v, kind, ok)
	}
	if !CursorFits(f, v, "bob@x.com") || CursorFits(f, v, "carol@x.com") {
		t.Fatal("prefix cursor check")
	}
	eq := UserFilter{Attr: "username", Value: "Bob"}
	_, v, kind, _ = FilterIndex(eq)
	if v != "Bob" || kind != "users:username:eq" || !CursorFits(eq, v, "Bob") || CursorFits(eq, v, "bob") {
		t.Fatal("username is case-sensitive and exact")
	}
	if _, _, _, ok := FilterIndex(UserFilter{Attr: "custom:tier"}); ok {
		t.Fatal("custom attributes are not searchable")
	}
}

func TestSearchDiff(t *testing.T) {
	old := []SearchEntry{{1, "a"}, {5, "x@y"}, {4, "Enabled"}}
	new := []SearchEntry{{1, "a"}, {5, "z@y"}, {4, "Disabled"}}
	gone, fresh := SearchDiff(old, new)
	if !slices.Equal(gone, []SearchEntry{{5, "x@y"}, {4, "Enabled"}}) || !slices.Equal(fresh, []SearchEntry{{5, "z@y"}, {4, "Disabled"}}) {
		t.Fatalf("gone %v fresh %v", gone, fresh)
	}
}
