package token

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"time"
)

// certificateValidity is how long a signing certificate is valid from its
// key's creation.
const certificateValidity = 10 * 365 * 24 * time.Hour

// SigningCertificate returns a self-signed X.509 certificate (DER) over the
// public half of the pool's current ID-token signing key
// (GetSigningCertificate), creating the keys when missing. Everything in it
// derives from the key (serial from the kid, validity from its creation
// time) and RSA PKCS #1 v1.5 signatures are deterministic, so the same key
// always yields the same certificate.
func (is *Issuer) SigningCertificate(ctx context.Context, poolID string) ([]byte, error) {
	idKey, _, err := is.signingKeys(ctx, poolID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(poolID + "/" + idKey.kid))
	serial := new(big.Int).SetBytes(sum[:16])
	name := pkix.Name{CommonName: is.opts.IssuerURL(poolID)}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		Issuer:                name,
		NotBefore:             idKey.createdAt.UTC(),
		NotAfter:              idKey.createdAt.UTC().Add(certificateValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	return x509.CreateCertificate(nil, tmpl, tmpl, &idKey.priv.PublicKey, idKey.priv)
}
