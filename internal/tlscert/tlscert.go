package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names of the self-signed pair inside the directory given to SelfSigned.
const (
	CertFileName = "tls-self-signed.crt"
	KeyFileName  = "tls-self-signed.key"
)

// Validity of a generated certificate, and how long before its end a new
// one is made instead of reusing it.
const (
	validity     = 365 * 24 * time.Hour
	renewBefore  = 30 * 24 * time.Hour
	clockSkewPad = time.Hour
)

// Pair names a certificate and key on disk.
type Pair struct {
	CertFile, KeyFile string
	// Created is true when SelfSigned wrote a new pair (false: reused).
	Created bool
}

// Options of SelfSigned. Now and Rand default to time.Now and crypto/rand.
type Options struct {
	Now  func() time.Time
	Rand io.Reader
}

// DefaultHosts are the names a self-signed certificate always covers, with
// the listen host added by Hosts.
var DefaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// Hosts returns the names a self-signed certificate for a server listening
// on listen (host:port) covers: the listen host when it is a name or a
// specific address, and DefaultHosts. Unspecified addresses (0.0.0.0, ::)
// add nothing: clients cannot dial them.
func Hosts(listen string) []string {
	hosts := slices.Clone(DefaultHosts)
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		host = listen
	}
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return hosts
	}
	if !slices.Contains(hosts, strings.ToLower(host)) {
		hosts = append(hosts, strings.ToLower(host))
	}
	return hosts
}

// SelfSigned returns the self-signed pair in dir for hosts, reusing the one
// there when it covers every host, parses with its key and is valid for
// more than 30 more days; else it writes a new one (ECDSA P-256, a year,
// key file mode 0600, written atomically).
func SelfSigned(dir string, hosts []string, opts Options) (Pair, error) {
	now, rnd := time.Now, io.Reader(rand.Reader)
	if opts.Now != nil {
		now = opts.Now
	}
	if opts.Rand != nil {
		rnd = opts.Rand
	}
	if len(hosts) == 0 {
		return Pair{}, errors.New("tlscert: no host names for the certificate")
	}
	p := Pair{CertFile: filepath.Join(dir, CertFileName), KeyFile: filepath.Join(dir, KeyFileName)}
	if reusable(p, hosts, now()) {
		return p, nil
	}
	certPEM, keyPEM, err := Generate(hosts, now(), rnd)
	if err != nil {
		return Pair{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Pair{}, fmt.Errorf("tlscert: %w", err)
	}
	// Key first: a certificate on disk always has its key beside it.
	if err := writeAtomic(p.KeyFile, keyPEM, 0o600); err != nil {
		return Pair{}, err
	}
	if err := writeAtomic(p.CertFile, certPEM, 0o644); err != nil {
		return Pair{}, err
	}
	p.Created = true
	return p, nil
}

// reusable reports whether the pair on disk serves hosts at now.
func reusable(p Pair, hosts []string, now time.Time) bool {
	kp, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
	if err != nil {
		return false
	}
	c := kp.Leaf
	if c == nil {
		if c, err = x509.ParseCertificate(kp.Certificate[0]); err != nil {
			return false
		}
	}
	if now.Before(c.NotBefore) || now.Add(renewBefore).After(c.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if c.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// Generate makes a self-signed ECDSA P-256 certificate for hosts (DNS names
// or IP addresses) valid from an hour before now for a year, and returns it
// and its PKCS#8 key as PEM. The certificate is its own CA (IsCA, key usage
// cert sign) so that trust stores which only take CA certificates (NSS,
// Go's x509.CertPool used as roots) accept it.
func Generate(hosts []string, now time.Time, rnd io.Reader) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: generating key: %w", err)
	}
	serial, err := rand.Int(rnd, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"userpool (self-signed, local use)"}, CommonName: hosts[0]},
		NotBefore:             now.Add(-clockSkewPad),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rnd, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: creating certificate: %w", err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: encoding key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), nil
}

// writeAtomic writes b to path with mode through a temporary file in the
// same directory and a rename.
func writeAtomic(path string, b []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tlscert-*")
	if err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename: nothing to remove
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("tlscert: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("tlscert: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tlscert: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	return nil
}

// ServerConfig loads a certificate and key (PEM) into a TLS configuration
// for a server: TLS 1.2 at least, HTTP/2 and HTTP/1.1 offered.
func ServerConfig(certFile, keyFile string) (*tls.Config, error) {
	kp, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tlscert: loading %s and %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{kp},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}, nil
}

// Pool returns a certificate pool holding the certificates of a PEM file:
// what a client that trusts that file (and nothing else) verifies against.
func Pool(certFile string) (*x509.CertPool, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("tlscert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("tlscert: no certificate in %s", certFile)
	}
	return pool, nil
}

// SPKIHash returns the base64 SHA-256 of the first certificate's public key
// (SubjectPublicKeyInfo) in a PEM file: the form Chromium's
// --ignore-certificate-errors-spki-list and HPKP-style pins take.
func SPKIHash(certFile string) (string, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return "", fmt.Errorf("tlscert: %w", err)
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return "", fmt.Errorf("tlscert: no certificate in %s", certFile)
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return "", fmt.Errorf("tlscert: %w", err)
		}
		return spki(c), nil
	}
}

func spki(c *x509.Certificate) string {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}
