package token

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"testing"
	"time"
)

func TestSigningCertificate(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	now := func() time.Time { return clock }
	is, err := NewIssuer(newMemKeyStore(), Options{KeyBits: 1024, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	const pool = "us-east-1_abcdefghi"
	der, err := is.SigningCertificate(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("not an X.509 certificate: %v", err)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	idKey, _, err := is.signingKeys(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !idKey.priv.PublicKey.Equal(cert.PublicKey.(*rsa.PublicKey)) {
		t.Fatal("the certificate is not over the pool's ID-token key")
	}
	again, err := is.SigningCertificate(ctx, pool)
	if err != nil || !bytes.Equal(der, again) {
		t.Fatalf("a second call gave another certificate (err %v)", err)
	}
	// After a rotation the certificate follows the new ID-token key.
	if err := is.Rotate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	rotated, err := is.SigningCertificate(ctx, pool)
	if err != nil || bytes.Equal(der, rotated) {
		t.Fatalf("the certificate did not follow the rotated key (err %v)", err)
	}
}
