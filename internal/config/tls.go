package config

import "fmt"

// TLS makes userpool serve HTTPS. Either a certificate and key (PEM files,
// e.g. from a CA or mkcert) or SelfSigned; with neither, plain HTTP.
type TLS struct {
	// CertFile and KeyFile are PEM files: the certificate (chain) and its
	// private key.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// SelfSigned makes (once, then reuses) an ECDSA certificate for the
	// listen host, 127.0.0.1 and localhost in the data directory
	// (tls-self-signed.crt, and tls-self-signed.key with mode 0600), for
	// local use: tell the browser or OS to trust that certificate.
	SelfSigned bool `yaml:"self_signed"`
}

// Enabled reports whether HTTPS is configured.
func (t TLS) Enabled() bool { return t.SelfSigned || t.CertFile != "" || t.KeyFile != "" }

func (c *Config) validateTLS(p *Problems) {
	t := c.Server.TLS
	switch {
	case t.SelfSigned && (t.CertFile != "" || t.KeyFile != ""):
		*p = append(*p, "server.tls: self_signed and cert_file/key_file exclude each other")
	case (t.CertFile == "") != (t.KeyFile == ""):
		*p = append(*p, fmt.Sprintf("server.tls: cert_file (%q) and key_file (%q) are given together", t.CertFile, t.KeyFile))
	}
}
