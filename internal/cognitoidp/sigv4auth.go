package cognitoidp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"userpool/internal/awsjson"
	"userpool/internal/iam"
	"userpool/internal/sigv4"
	"userpool/internal/userpool"
)

// SigV4Auth is the production Authenticator: it verifies the request's AWS
// Signature Version 4 against the access keys in the store (through an
// iam.Keyring), then checks the key's principal's grants for the operation
// on the pool the request names.
//
// Authorisation never reveals whether a pool exists: the grants are checked
// against the pool id first; only when they do not allow the call by id is
// the pool looked up to learn its name (grants may name pools by name). A
// pool that does not exist is authorised against its id alone, so a caller
// allowed on it (for example with "*") gets the operation's own
// ResourceNotFoundException and anyone else AccessDeniedException.
//
// Errors it returns carry the wire form (errors.As to *awsjson.Error):
// *sigv4.Error as its own code and message with status 400; *iam.DeniedError
// as AccessDeniedException (400) with AWS's IAM message; store failures as
// an internal error. The iam/sigv4 cause stays reachable through Unwrap, for
// the audit log.
type SigV4Auth struct {
	verifier *sigv4.Verifier
	keys     *iam.Keyring
	pools    func(ctx context.Context, poolID string) (name string, err error)
	account  string
	region   string
	clock    func() time.Time
}

func (a *SigV4Auth) now() time.Time {
	if a.clock == nil {
		return time.Now()
	}
	return a.clock()
}

// SigV4AuthOptions configures NewSigV4Auth.
type SigV4AuthOptions struct {
	// Keyring resolves access keys (required).
	Keyring *iam.Keyring
	// Service is the domain; pool names are looked up through it (required).
	Service *userpool.Service
	// Now is the clock for the signature's date check (default time.Now).
	Now func() time.Time
	// Regions, when set, restricts the credential-scope regions accepted.
	Regions []string
}

// NewSigV4Auth returns a SigV4Auth.
func NewSigV4Auth(opts SigV4AuthOptions) *SigV4Auth {
	if opts.Keyring == nil || opts.Service == nil {
		panic("cognitoidp: NewSigV4Auth needs a Keyring and a Service")
	}
	svc := opts.Service
	return &SigV4Auth{
		verifier: &sigv4.Verifier{Lookup: opts.Keyring.Lookup, Now: opts.Now, Regions: opts.Regions},
		keys:     opts.Keyring,
		pools: func(ctx context.Context, poolID string) (string, error) {
			p, err := svc.GetPool(ctx, poolID)
			if err != nil {
				return "", err
			}
			return p.Name, nil
		},
		account: svc.AccountID(),
		region:  svc.Region(),
		clock:   opts.Now,
	}
}

// AuthError is an authentication or authorisation failure: Wire is what the
// client sees, Err the cause (*sigv4.Error, *iam.DeniedError or an internal
// failure).
type AuthError struct {
	Wire *awsjson.Error
	Err  error
}

func (e *AuthError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// As lets errors.As find the wire error (the handler answers with it).
func (e *AuthError) As(target any) bool {
	if p, ok := target.(**awsjson.Error); ok {
		*p = e.Wire
		return true
	}
	return false
}

// authFailure converts a verification or authorisation error into the error
// the handler answers with.
func authFailure(err error) error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &AuthError{Wire: &awsjson.Error{Type: se.Code, Message: se.Message, Status: se.HTTPStatus()}, Err: err}
	}
	var de *iam.DeniedError
	if errors.As(err, &de) {
		return &AuthError{Wire: &awsjson.Error{Type: string(userpool.KindAccessDenied), Message: de.Message, Status: http.StatusBadRequest}, Err: err}
	}
	return userpool.Internal(err)
}

// Authenticate implements Authenticator.
func (a *SigV4Auth) Authenticate(ctx context.Context, req *Request) (Caller, error) {
	res, err := a.verifier.Verify(ctx, req.HTTP, req.Body)
	if err != nil {
		return Caller{}, authFailure(err)
	}
	cred, err := a.keys.Resolve(ctx, res.AccessKeyID)
	if err != nil {
		// Verify resolved the same key a moment ago; only a store failure
		// (or a key deleted in between) can get here.
		return Caller{}, authFailure(err)
	}
	caller := Caller{Principal: cred.Principal.Name, Region: res.Region, Session: cred.Session}
	// Temporary credentials (identity pools): the session token must be the
	// one issued, and the credential unexpired.
	if err := cred.CheckSessionToken(req.HTTP.Header.Get("X-Amz-Security-Token"), a.now()); err != nil {
		return caller, authFailure(err)
	}
	ref := iam.PoolRef{ID: req.PoolID}
	if req.PoolID == "" || iam.AccountScoped(req.Operation) {
		ref = iam.PoolRef{}
	}
	// The resource named in a denial is in the pool's region (its id's
	// prefix), else in the region the call was signed for.
	region := res.Region
	if r := userpool.RegionOf(ref.ID); r != "" {
		region = r
	}
	if region == "" {
		region = a.region
	}
	err = cred.Authorize(a.account, region, req.Operation, ref)
	if err == nil || ref.ID == "" {
		if err != nil {
			return caller, authFailure(err)
		}
		return caller, nil
	}
	// Not allowed by id: grants by pool name need the pool's name.
	name, lerr := a.pools(ctx, ref.ID)
	switch {
	case lerr == nil:
		ref.Name = name
		err = cred.Authorize(a.account, region, req.Operation, ref)
	case userpool.KindOf(lerr) == userpool.KindResourceNotFound:
		// Keep the denial by id: existence is not revealed.
	default:
		return caller, userpool.Internal(lerr)
	}
	if err != nil {
		return caller, authFailure(err)
	}
	return caller, nil
}

// DevAuth is the explicit development switch (--dev-accept-any-credentials):
// it accepts any well-formed SigV4 Authorization header without checking the
// signature or the key, and allows every operation. The caller is named
// "dev:<access key id>". A request without a signature is still refused with
// MissingAuthenticationTokenException, as AWS does.
//
// Every use is logged at WARN, at most once a minute.
type DevAuth struct {
	Logger *slog.Logger
	Now    func() time.Time

	mu     sync.Mutex
	warned time.Time
}

// Authenticate implements Authenticator.
func (d *DevAuth) Authenticate(ctx context.Context, req *Request) (Caller, error) {
	h := req.HTTP.Header.Get("Authorization")
	if strings.TrimSpace(h) == "" {
		return Caller{}, authFailure(&sigv4.Error{Code: sigv4.CodeMissingAuthenticationToken, Message: "Missing Authentication Token"})
	}
	az, err := sigv4.ParseAuthorization(h)
	if err != nil {
		return Caller{}, authFailure(err)
	}
	d.warn()
	return Caller{Principal: "dev:" + az.AccessKeyID, Region: az.Region}, nil
}

func (d *DevAuth) warn() {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	t := now()
	d.mu.Lock()
	due := d.warned.IsZero() || t.Sub(d.warned) >= time.Minute
	if due {
		d.warned = t
	}
	d.mu.Unlock()
	if due {
		log := d.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Warn("DEV MODE: accepting any SigV4 credentials; every signed operation is allowed without checking signatures or grants (--dev-accept-any-credentials). Never use this in production.")
	}
}
