package adminqueries

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"userpool/internal/userpool"
)

func TestJSParseInt(t *testing.T) {
	t.Parallel()
	// Expected values are what JavaScript's parseInt(s) returns.
	cases := []struct {
		in   string
		want int64
		ok   bool // false: NaN
	}{
		{"10", 10, true}, {"10abc", 10, true}, {"  7", 7, true}, {"\t\n 8", 8, true}, {"\u00a09", 9, true},
		{"+5", 5, true}, {"-5", -5, true}, {"-0", 0, true}, {"0x1A", 26, true}, {"0X10", 16, true}, {"0xg", 0, false},
		{"2.9", 2, true}, {"1e3", 1, true}, {"abc", 0, false}, {"", 0, false}, {" ", 0, false}, {"+", 0, false},
		{"-", 0, false}, {"Infinity", 0, false}, {"0", 0, true}, {"007", 7, true},
		{"99999999999999999999999", math.MaxInt64, true}, {"-99999999999999999999999", -math.MaxInt64, true},
	}
	for _, c := range cases {
		got, ok := jsParseInt(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("jsParseInt(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		p    params
		want int
		err  string
	}{
		{params{}, 25, ""},
		{params{"limit": ""}, 25, ""}, // "" is falsy in `req.query.limit ? … : 25`
		{params{"limit": "0"}, 0, ""},
		{params{"limit": "abc"}, 0, ""},
		{params{"limit": " "}, 0, ""}, // truthy, parseInt → NaN → omitted
		{params{"limit": "10abc"}, 10, ""},
		{params{"limit": "60"}, 60, ""},
		{params{"limit": "61"}, 0, "Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{params{"limit": "-3"}, 0, "Value '-3' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{params{"limit": "1e9"}, 1, ""},
	}
	for _, c := range cases {
		got, err := parseLimit(c.p)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || userpool.KindOf(err) != userpool.KindInvalidParameter {
				t.Errorf("parseLimit(%v) err = %v, want %q", c.p, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseLimit(%v) = %d, %v; want %d", c.p, got, err, c.want)
		}
	}
}

func TestFalsy(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, "", false, json.Number("0"), json.Number("-0"), json.Number("0.0")} {
		if !falsy(v) {
			t.Errorf("falsy(%#v) = false", v)
		}
	}
	for _, v := range []any{"0", "false", true, json.Number("1"), []any{}, map[string]any{}} {
		if falsy(v) {
			t.Errorf("falsy(%#v) = true", v)
		}
	}
}

func TestPoolConfigValidate(t *testing.T) {
	t.Parallel()
	ok := PoolConfig{Enabled: true, Groups: []string{"Admins"}, DisabledRoutes: []string{"createUser", "/SIGNUSEROUT", "filter"}, AllowedOrigins: []string{"*"}, Compat: CompatTemplate}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	bad := PoolConfig{Groups: []string{""}, DisabledRoutes: []string{"dropTables"}, AllowedOrigins: []string{""}, Compat: "loose"}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{`compat mode "loose"`, `unknown route "dropTables"`, "empty group name", "empty allowed origin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestStatusFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind          userpool.Kind
		strict, templ int
	}{
		{userpool.KindUserNotFound, 404, 500},
		{userpool.KindResourceNotFound, 404, 500},
		{userpool.KindInvalidParameter, 400, 500},
		{userpool.KindUsernameExists, 400, 500},
		{userpool.KindNotAuthorized, 400, 500},
		{userpool.KindTooManyRequests, 429, 500},
		{userpool.KindInternal, 500, 500},
	}
	for _, c := range cases {
		if s := statusFor(c.kind, CompatStrict); s != c.strict {
			t.Errorf("strict %s = %d, want %d", c.kind, s, c.strict)
		}
		if s := statusFor(c.kind, CompatTemplate); s != c.templ {
			t.Errorf("template %s = %d, want %d", c.kind, s, c.templ)
		}
	}
}
