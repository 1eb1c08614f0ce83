package userpool

import (
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/token"
)

// Limits are Cognito's quotas that the domain enforces.
type Limits struct {
	GroupsPerPool int // 10,000
	GroupsPerUser int // 100
}

// DefaultLimits are Cognito's documented quotas.
var DefaultLimits = Limits{GroupsPerPool: 10000, GroupsPerUser: 100}

// Options configures a Service. Zero values take defaults.
type Options struct {
	// Region is the region that prefixes pool ids ("us-east-1").
	Region string
	// AccountID appears in ARNs.
	AccountID string
	Limits    Limits
	Now       func() time.Time
	Rand      io.Reader
	Logger    *slog.Logger
	// PasswordParams are the argon2id parameters for new password hashes (zero: password.DefaultParams).
	PasswordParams password.Params
	// Tokens signs and verifies ID and access tokens (required for sign-in).
	Tokens *token.Issuer
	// Sender delivers confirmation, verification and reset codes (default: LogSender).
	Sender Sender
	// PoolCacheTTL is how long a pool read from the store is reused (zero:
	// DefaultPoolCacheTTL; negative: read the pool on every call). Changes
	// made through this Service are seen at once; changes made by another
	// instance sharing the store, within this TTL.
	PoolCacheTTL time.Duration
	// Imports configures user import jobs (importjobs.go).
	Imports ImportOptions
	// Sealer seals secrets at rest with the master key: the per-pool code
	// key, TOTP secrets and app-client secrets (sealing.go). nil stores them
	// unsealed (tests; a server always sets it).
	Sealer Sealer
	// Triggers runs the functions of the pools' LambdaConfig (triggers.go).
	Triggers TriggerOptions
}

// Service is the domain. It is safe for concurrent use.
type Service struct {
	store  store.Store
	region string
	acct   string
	limits Limits
	now    func() time.Time
	rand   io.Reader
	log    *slog.Logger
	pwp    password.Params
	tokens *token.Issuer
	sender Sender
	pools  poolCache
	// oauthc caches domains and custom scopes for the OAuth endpoints (oauthcache.go).
	oauthc oauthCache
	// ghosts counts attempts and sends of unknown usernames (ghost.go).
	ghosts ghostCounters
	// imports runs user import jobs (importjobs.go).
	imports *importRunner
	// secrets seals secrets at rest and caches code keys (sealing.go).
	secrets secrets
	// trig invokes the pools' Lambda triggers (triggers.go).
	trig TriggerOptions
	// identity is the identity-pool area (identitypools.go).
	identity identityState
}

// New returns a Service over st.
func New(st store.Store, opts Options) *Service {
	s := &Service{
		store:  st,
		region: opts.Region,
		acct:   opts.AccountID,
		limits: opts.Limits,
		now:    opts.Now,
		rand:   opts.Rand,
		log:    opts.Logger,
		pwp:    opts.PasswordParams,
		tokens: opts.Tokens,
		sender: opts.Sender,
		pools:  poolCache{ttl: opts.PoolCacheTTL, clock: time.Now},
	}
	s.imports = newImportRunner(opts.Imports)
	s.secrets.sealer = opts.Sealer
	s.trig = opts.Triggers
	if s.pools.ttl == 0 {
		s.pools.ttl = DefaultPoolCacheTTL
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.acct == "" {
		s.acct = "000000000000"
	}
	if s.limits.GroupsPerPool == 0 {
		s.limits.GroupsPerPool = DefaultLimits.GroupsPerPool
	}
	if s.limits.GroupsPerUser == 0 {
		s.limits.GroupsPerUser = DefaultLimits.GroupsPerUser
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.sender == nil {
		s.sender = LogSender{Logger: s.log}
	}
	return s
}

// Region is the region pool ids are minted in.
func (s *Service) Region() string { return s.region }

// AccountID is the account id used in ARNs.
func (s *Service) AccountID() string { return s.acct }

// nowUTC is the current time in UTC, truncated to milliseconds (the wire precision).
func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
