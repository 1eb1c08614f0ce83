package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"userpool/internal/config"
)

func TestTLSFlagsAndPublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		file      config.TLS
		args      []string
		publicURL string
		want      string // public URL after serverTLS; "" = an error
	}{
		{"plain", config.TLS{}, nil, "", "http://127.0.0.1:9229"},
		{"self-signed flag", config.TLS{}, []string{"--tls-self-signed"}, "", "https://127.0.0.1:9229"},
		{"self-signed in the file", config.TLS{SelfSigned: true}, nil, "", "https://127.0.0.1:9229"},
		{"flag replaces the file's files", config.TLS{CertFile: "/nonexistent.crt", KeyFile: "/nonexistent.key"}, []string{"--tls-self-signed"}, "", "https://127.0.0.1:9229"},
		{"explicit public_url kept", config.TLS{SelfSigned: true}, nil, "https://auth.example.test", "https://auth.example.test"},
		{"missing files", config.TLS{}, []string{"--tls-cert", "/nonexistent.crt", "--tls-key", "/nonexistent.key"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Defaults()
			cfg.Server.Data = t.TempDir()
			cfg.Server.PublicURL = tc.publicURL
			cfg.Server.TLS = tc.file
			cfg.Password.InsecureFastHashing = true
			fs := newFlagSet("serve", io.Discard)
			tf := registerTLSFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if err := tf.apply(&cfg); err != nil {
				t.Fatal(err)
			}
			tlsConf, public, err := serverTLS(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), endpointURL(cfg, "127.0.0.1:9229"))
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), "nonexistent") {
					t.Errorf("err = %v, want one naming the files", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if public != tc.want {
				t.Errorf("public URL = %q, want %q", public, tc.want)
			}
			if (tlsConf != nil) != strings.HasPrefix(tc.want, "https") {
				t.Errorf("TLS config = %v for %s", tlsConf != nil, tc.want)
			}
		})
	}
	cfg := config.Defaults()
	fs := newFlagSet("serve", io.Discard)
	tf := registerTLSFlags(fs)
	_ = fs.Parse([]string{"--tls-cert", "/c.pem"})
	if err := tf.apply(&cfg); err == nil {
		t.Error("--tls-cert without --tls-key accepted")
	}
}
