package token

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"userpool/internal/store"
)

// Key uses. A pool has one signing key per use at a time, like Cognito, so
// ID and access tokens carry different kids.
const (
	UseID     = "id"
	UseAccess = "access"
)

// DefaultScope is the scope of access tokens issued by the API sign-in flows.
const DefaultScope = "aws.cognito.signin.user.admin"

// Defaults applied by NewIssuer.
const (
	DefaultKeyBits          = 2048
	DefaultCacheTTL         = 30 * time.Second
	DefaultMaxTokenValidity = 24 * time.Hour
	DefaultValidity         = time.Hour
)

// Verification errors. Every error Verify returns for a bad token wraps exactly
// one of them; any other error (a failing store) is an internal error.
var (
	// ErrExpired: a token that is otherwise valid but past its exp.
	ErrExpired = errors.New("token: expired")
	// ErrInvalid: anything else wrong with the token (malformed, wrong
	// algorithm, unknown kid, bad signature, wrong issuer/pool/use, ...).
	ErrInvalid = errors.New("token: invalid")
)

// KeyStore is the signing-key subset of store.TokenStore.
type KeyStore interface {
	CreateSigningKey(ctx context.Context, k store.SigningKey) error
	// CreateFirstSigningKey creates k unless the pool has a key of k.Use
	// signing at k.CreatedAt, in one transaction (exactly one of racing
	// creators wins).
	CreateFirstSigningKey(ctx context.Context, k store.SigningKey) (bool, error)
	// ListSigningKeys returns the pool's keys, newest first.
	ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error)
	UpdateSigningKey(ctx context.Context, poolID, kid string, fn func(*store.SigningKey) error) (store.SigningKey, error)
	DeleteSigningKey(ctx context.Context, poolID, kid string) error
}

var _ KeyStore = store.TokenStore(nil)

// Options configures an Issuer. The zero value is usable.
type Options struct {
	// Now is the clock (default time.Now). Times are used at second precision.
	Now func() time.Time
	// Rand is the randomness for kids and jtis (default crypto/rand.Reader).
	// RSA key generation always uses the system's secure source (Go 1.26
	// ignores a caller-supplied reader there).
	Rand io.Reader
	// KeyBits is the RSA modulus size (default 2048; crypto/rsa refuses < 1024).
	KeyBits int
	// IssuerURL maps a pool id to its "iss" claim. Default: Cognito's
	// "https://cognito-idp.<region>.amazonaws.com/<poolID>" where <region> is
	// the part of the pool id before "_".
	IssuerURL func(poolID string) string
	// UpdatedIssuerURL, when set, is the "iss" of the pools that
	// SetPoolIssuerType reports UPDATED (IssuerConfiguration), normally
	// UpdatedCognitoIssuerURL; IssuerURL stays that of the others. nil:
	// every pool's issuer is IssuerURL (the setting is then only stored).
	UpdatedIssuerURL func(poolID string) string
	// Seal and Open encrypt and decrypt private keys at rest. Both nil: keys
	// are stored as plain PKCS#8 DER. Set both or neither.
	Seal func([]byte) ([]byte, error)
	Open func([]byte) ([]byte, error)
	// CacheTTL bounds how long parsed keys of a pool are reused before the
	// store is read again (default 30s). It is how late another instance's
	// new keys and rotations are noticed (an unknown kid forces an earlier
	// reload, at most once a second per pool).
	CacheTTL time.Duration
	// MaxTokenValidity is the longest ID/access token lifetime in use
	// (default 24h, Cognito's maximum). A rotated-out key stays in the JWKS
	// for MaxTokenValidity + CacheTTL + Leeway after it stops signing.
	MaxTokenValidity time.Duration
	// Leeway tolerates clock skew when checking exp (default 0).
	Leeway time.Duration
}

// Issuer signs and verifies a pool's tokens and serves its key documents.
// It is safe for concurrent use; several Issuers (instances) may share one
// store.
type Issuer struct {
	ks   KeyStore
	opts Options

	randMu sync.Mutex

	mu    sync.Mutex
	cache map[string]*poolKeys

	// stripes serialise loads, EnsureKeys and Rotate per pool within this
	// instance (striped so unknown pool ids cannot grow a lock map).
	stripes [64]sync.Mutex

	verified verifiedCache
	types    issuerTypes  // IssuerConfiguration (issuertype.go)
	parsed   atomic.Int64 // tokens parsed and verified in full (tests)
}

// maxCachedPools bounds the key cache; beyond it stale entries are dropped.
const maxCachedPools = 10000

// NewIssuer returns an Issuer over ks.
func NewIssuer(ks KeyStore, opts Options) (*Issuer, error) {
	if ks == nil {
		return nil, errors.New("token: nil KeyStore")
	}
	if (opts.Seal == nil) != (opts.Open == nil) {
		return nil, errors.New("token: Seal and Open must be set together")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.KeyBits == 0 {
		opts.KeyBits = DefaultKeyBits
	}
	if opts.KeyBits < 1024 {
		return nil, fmt.Errorf("token: KeyBits %d < 1024", opts.KeyBits)
	}
	if opts.IssuerURL == nil {
		opts.IssuerURL = CognitoIssuerURL
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.MaxTokenValidity <= 0 {
		opts.MaxTokenValidity = DefaultMaxTokenValidity
	}
	if opts.Leeway < 0 {
		return nil, errors.New("token: negative Leeway")
	}
	is := &Issuer{ks: ks, opts: opts, cache: map[string]*poolKeys{}}
	is.types.original, is.types.updated = opts.IssuerURL, opts.UpdatedIssuerURL
	is.opts.IssuerURL = is.types.issuerFor
	return is, nil
}

// CognitoIssuerURL is the issuer real Cognito uses:
// https://cognito-idp.<region>.amazonaws.com/<poolID>, the region being the
// pool id's prefix before "_".
func CognitoIssuerURL(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// BaseIssuerURL returns an IssuerURL function giving "<base>/<poolID>", so
// that iss + "/.well-known/jwks.json" resolves to this server.
func BaseIssuerURL(base string) func(string) string {
	base = strings.TrimRight(base, "/")
	return func(poolID string) string { return base + "/" + poolID }
}

// IssuerURL is the "iss" of the pool's tokens.
func (is *Issuer) IssuerURL(poolID string) string { return is.opts.IssuerURL(poolID) }

func (is *Issuer) now() time.Time { return is.opts.Now().UTC() }

func (is *Issuer) readRand(b []byte) error {
	is.randMu.Lock()
	defer is.randMu.Unlock()
	_, err := io.ReadFull(is.opts.Rand, b)
	return err
}

// lockedRand serialises reads of the configured reader (test readers are
// usually not safe for concurrent use).
type lockedRand struct{ is *Issuer }

func (r lockedRand) Read(b []byte) (int, error) {
	if err := r.is.readRand(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (is *Issuer) stripe(poolID string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(poolID))
	return &is.stripes[h.Sum32()%uint32(len(is.stripes))]
}
