package config

import (
	"strings"
	"testing"
)

func TestTLS(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		enabled    bool
		problem    string
	}{
		{"none", "", false, ""},
		{"files", "server:\n  tls:\n    cert_file: /c.pem\n    key_file: /k.pem\n", true, ""},
		{"self-signed", "server:\n  tls:\n    self_signed: true\n", true, ""},
		{"cert without key", "server:\n  tls:\n    cert_file: /c.pem\n", true, "server.tls: cert_file"},
		{"key without cert", "server:\n  tls:\n    key_file: /k.pem\n", true, "server.tls: cert_file"},
		{"both kinds", "server:\n  tls:\n    self_signed: true\n    cert_file: /c.pem\n    key_file: /k.pem\n", true, "exclude each other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Server.TLS.Enabled(); got != tc.enabled {
				t.Errorf("Enabled = %v, want %v", got, tc.enabled)
			}
			err = cfg.Validate()
			switch {
			case tc.problem == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
				t.Errorf("Validate = %v, want a problem containing %q", err, tc.problem)
			}
		})
	}
	if _, err := Parse(strings.NewReader("server:\n  tls:\n    certfile: x\n")); err == nil {
		t.Error("unknown field under server.tls accepted")
	}
}
