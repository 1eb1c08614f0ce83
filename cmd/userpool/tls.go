package main

import (
	"crypto/tls"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"userpool/internal/config"
	"userpool/internal/tlscert"
)

// tlsFlags are serve's HTTPS flags; given, they replace server.tls.
type tlsFlags struct {
	cert, key  string
	selfSigned bool
}

func registerTLSFlags(fs *flag.FlagSet) *tlsFlags {
	f := &tlsFlags{}
	fs.StringVar(&f.cert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	fs.StringVar(&f.key, "tls-key", "", "private key (PEM) of --tls-cert")
	fs.BoolVar(&f.selfSigned, "tls-self-signed", false, "serve HTTPS with a self-signed certificate made in the data directory (local use)")
	return f
}

// apply puts the flags over the configuration and validates it again.
func (f *tlsFlags) apply(cfg *config.Config) error {
	switch {
	case f.selfSigned:
		cfg.Server.TLS = config.TLS{SelfSigned: true, CertFile: f.cert, KeyFile: f.key}
	case f.cert != "" || f.key != "":
		cfg.Server.TLS = config.TLS{CertFile: f.cert, KeyFile: f.key}
	default:
		return nil
	}
	return cfg.Validate()
}

// serverTLS returns the TLS configuration server.tls asks for (nil: plain
// HTTP) and the public URL with https when it was derived from the listen
// address. A self-signed pair is made or reused in the data directory and
// its path logged, so an operator can tell a browser or the OS to trust it.
func serverTLS(cfg config.Config, log *slog.Logger, public string) (*tls.Config, string, error) {
	t := cfg.Server.TLS
	if !t.Enabled() {
		return nil, public, nil
	}
	certFile, keyFile := t.CertFile, t.KeyFile
	if t.SelfSigned {
		hosts := tlscert.Hosts(cfg.Server.Listen)
		p, err := tlscert.SelfSigned(cfg.Server.Data, hosts, tlscert.Options{})
		if err != nil {
			return nil, "", err
		}
		certFile, keyFile = p.CertFile, p.KeyFile
		verb := "reusing"
		if p.Created {
			verb = "created"
		}
		log.Info(verb+" a self-signed TLS certificate: tell your browser or OS to trust it (it is valid only for these names)",
			"cert_file", p.CertFile, "hosts", strings.Join(hosts, ","))
	}
	tc, err := tlscert.ServerConfig(certFile, keyFile)
	if err != nil {
		return nil, "", err
	}
	if cfg.Server.PublicURL == "" {
		public = "https://" + strings.TrimPrefix(public, "http://")
	}
	log.Info("serving HTTPS", "url", public, "cert_file", certFile)
	return tc, public, nil
}

// serveListener serves srv on ln, over TLS when tc is not nil (HTTP/2 and
// HTTP/1.1 offered).
func serveListener(srv *http.Server, ln net.Listener, tc *tls.Config) error {
	if tc == nil {
		return srv.Serve(ln)
	}
	srv.TLSConfig = tc
	return srv.ServeTLS(ln, "", "")
}
