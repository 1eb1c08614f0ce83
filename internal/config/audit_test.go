package config

import (
	"strings"
	"testing"
	"time"
)

func TestAuditRetention(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		yaml    string
		want    time.Duration
		problem string
	}{
		{yaml: "", want: 90 * 24 * time.Hour},
		{yaml: "audit:\n  retention: 30d\n", want: 30 * 24 * time.Hour},
		{yaml: "audit:\n  retention: 0d\n", want: 0},
		{yaml: "audit:\n  retention: 12h\n", want: 12 * time.Hour},
		{yaml: "audit:\n  retention: 5m\n", problem: "audit.retention: must be 0d (keep for ever) or at least 1h"},
	} {
		cfg, err := Parse(strings.NewReader(tc.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		err = cfg.Validate()
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: %v, want problem %q", tc.yaml, err, tc.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
		}
		if got := cfg.Audit.Retention.Duration(); got != tc.want {
			t.Errorf("%q: retention %v, want %v", tc.yaml, got, tc.want)
		}
	}
	if _, err := Parse(strings.NewReader("audit:\n  retention: ninety\n")); err == nil {
		t.Error("retention: ninety accepted")
	}
}
