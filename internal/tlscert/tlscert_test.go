package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"
)

func TestHosts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		listen string
		want   []string
	}{
		{"127.0.0.1:9229", DefaultHosts},
		{"0.0.0.0:9229", DefaultHosts},
		{"[::]:9229", DefaultHosts},
		{":9229", DefaultHosts},
		{"192.168.1.5:443", append(slices.Clone(DefaultHosts), "192.168.1.5")},
		{"Auth.Example.test:8443", append(slices.Clone(DefaultHosts), "auth.example.test")},
	} {
		if got := Hosts(tc.listen); !slices.Equal(got, tc.want) {
			t.Errorf("Hosts(%q) = %v, want %v", tc.listen, got, tc.want)
		}
	}
}

// serveWith starts an HTTPS test server with the pair and returns its URL.
func serveWith(t *testing.T, p Pair) *httptest.Server {
	t.Helper()
	cfg, err := ServerConfig(p.CertFile, p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello over "+r.Proto)
	}))
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// A client trusting the generated certificate completes a call (HTTP/2
// negotiated); a client trusting only the system roots fails verification.
func TestSelfSignedTrustedAndUntrusted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := SelfSigned(dir, Hosts("127.0.0.1:0"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Created {
		t.Error("first SelfSigned did not report Created")
	}
	srv := serveWith(t, p)

	pool, err := Pool(p.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	trusting := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: true,
	}}
	resp, err := trusting.Get(srv.URL)
	if err != nil {
		t.Fatalf("client trusting the certificate: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello over HTTP/2.0" {
		t.Errorf("body = %q, want hello over HTTP/2.0", body)
	}

	untrusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	_, err = untrusting.Get(srv.URL)
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("client not trusting the certificate: err = %v, want x509.UnknownAuthorityError", err)
	}
}

func TestSelfSignedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	p, err := SelfSigned(dir, DefaultHosts, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", st.Mode().Perm())
	}
	c := leaf(t, p)
	if c.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key algorithm = %v, want ECDSA", c.PublicKeyAlgorithm)
	}
	for _, h := range DefaultHosts {
		if err := c.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not cover %s: %v", h, err)
		}
	}
	if c.VerifyHostname("example.com") == nil {
		t.Error("certificate covers example.com")
	}
	first, _ := os.ReadFile(p.CertFile)

	for _, tc := range []struct {
		name    string
		hosts   []string
		at      time.Time
		created bool
	}{
		{"same hosts a month later: reused", DefaultHosts, now.Add(30 * 24 * time.Hour), false},
		{"a subset of the hosts: reused", []string{"localhost"}, now, false},
		{"a new host: regenerated", append(slices.Clone(DefaultHosts), "10.0.0.7"), now, true},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(dir+"/"+CertFileName, first, 0o644); err != nil {
			t.Fatal(err)
		}
		key, _ := os.ReadFile(p.KeyFile)
		if err := os.WriteFile(dir+"/"+KeyFileName, key, 0o600); err != nil {
			t.Fatal(err)
		}
		at := tc.at
		q, err := SelfSigned(dir, tc.hosts, Options{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if q.Created != tc.created {
			t.Errorf("%s: Created = %v, want %v", tc.name, q.Created, tc.created)
		}
		again, _ := os.ReadFile(q.CertFile)
		if same := string(again) == string(first); same == tc.created {
			t.Errorf("%s: certificate unchanged = %v", tc.name, same)
		}
	}

	// Within 30 days of its end the certificate is replaced.
	late := leaf(t, p).NotAfter.Add(-29 * 24 * time.Hour)
	q, err := SelfSigned(dir, DefaultHosts, Options{Now: func() time.Time { return late }})
	if err != nil {
		t.Fatal(err)
	}
	if !q.Created || !leaf(t, q).NotAfter.After(late.Add(300*24*time.Hour)) {
		t.Errorf("near expiry: Created = %v, NotAfter = %v", q.Created, leaf(t, q).NotAfter)
	}

	// A key that does not match the certificate is not reused.
	if err := os.WriteFile(p.KeyFile, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	q, err = SelfSigned(dir, DefaultHosts, Options{Now: clock})
	if err != nil || !q.Created {
		t.Errorf("broken key: Created = %v, err = %v", q.Created, err)
	}
}

func TestSPKIHash(t *testing.T) {
	t.Parallel()
	p, err := SelfSigned(t.TempDir(), DefaultHosts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := SPKIHash(p.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := spki(leaf(t, p)); h != want || len(h) != 44 {
		t.Errorf("SPKIHash = %q, want %q (44 base64 characters)", h, want)
	}
	if _, err := SPKIHash(p.KeyFile); err == nil {
		t.Error("SPKIHash of a key file: no error")
	}
}

func leaf(t *testing.T, p Pair) *x509.Certificate {
	t.Helper()
	kp, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(kp.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return c
}
