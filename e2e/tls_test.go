package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/tlscert"
)

// userpool serve --tls-self-signed serves HTTPS with a certificate it makes
// in the data directory: an SDK client trusting that certificate completes
// a call, one trusting only the system roots fails verification, the public
// URL (issuer) is https, and a restart reuses the certificate.
func TestServeTLSSelfSigned(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	p := startServer(t, data, "--tls-self-signed")
	certFile := filepath.Join(data, tlscert.CertFileName)
	if !regexp.MustCompile(`msg="created a self-signed TLS certificate[^"]*" cert_file=` + regexp.QuoteMeta(certFile)).MatchString(p.Logs()) {
		t.Errorf("the certificate's path is not logged:\n%s", p.Logs())
	}
	st, err := os.Stat(filepath.Join(data, tlscert.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key mode = %v, want 0600", st.Mode().Perm())
	}
	url := "https://" + strings.TrimPrefix(p.URL, "http://")
	pool, err := tlscert.Pool(certFile)
	if err != nil {
		t.Fatal(err)
	}
	client := func(roots *x509.CertPool) *cip.Client {
		return cip.New(cip.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(url),
			Credentials:  credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretKey, ""),
			HTTPClient:   &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}},
		})
	}
	ctx := context.Background()
	created, err := client(pool).CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("tls")})
	if err != nil {
		t.Fatalf("trusting client: %v", err)
	}
	_, err = client(x509.NewCertPool()).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("client not trusting the certificate: err = %v, want x509.UnknownAuthorityError", err)
	}
	// Plain HTTP on the TLS port is refused (Go answers 400 to a
	// plaintext request on a TLS listener).
	if resp, err := http.Get(p.URL + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP on the TLS port: status %d, want 400", resp.StatusCode)
		}
	}
	// The issuer in discovery is the https public URL.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(url + "/" + aws.ToString(created.UserPool.Id) + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.Issuer, "https://") {
		t.Errorf("issuer = %q, want https", doc.Issuer)
	}

	first, _ := os.ReadFile(certFile)
	p.Stop()
	p2 := startServer(t, data, "--tls-self-signed")
	again, _ := os.ReadFile(certFile)
	if string(first) != string(again) {
		t.Error("restart replaced the self-signed certificate")
	}
	if !strings.Contains(p2.Logs(), `msg="reusing a self-signed TLS certificate`) {
		t.Errorf("restart did not log reuse:\n%s", p2.Logs())
	}
}
