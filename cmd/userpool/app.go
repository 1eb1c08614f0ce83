package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"userpool/internal/adminqueries"
	"userpool/internal/audit"
	"userpool/internal/cognitoidp"
	"userpool/internal/config"
	"userpool/internal/function"
	"userpool/internal/graphql"
	"userpool/internal/iam"
	"userpool/internal/identity"
	"userpool/internal/importupload"
	"userpool/internal/metrics"
	"userpool/internal/oauth"
	"userpool/internal/password"
	"userpool/internal/sender"
	"userpool/internal/server"
	"userpool/internal/store"
	"userpool/internal/store/storemetrics"
	"userpool/internal/testapi"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// signingKeyAD binds sealed token signing keys to their purpose.
var signingKeyAD = []byte("userpool/token/signing-key/v1")

// importKeyAD binds sealed import-job upload keys to their purpose.
var importKeyAD = []byte("userpool/import-job/upload-key/v1")

// app is the wired server: every part built from the configuration.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	store   store.Store
	sealer  *iam.Sealer
	tokens  *token.Issuer
	keys    *iam.Keyring
	svc     *userpool.Service
	cognito *cognitoidp.Handler
	handler http.Handler
	aq      *aqPools
	gql     *graphql.Handler // the declared apis:, installed by setAPIs
	audit   *audit.Recorder
	metrics *metrics.Metrics
	// functions are the declared functions (set by serve after the
	// declared configuration is applied): the Invoker triggers call.
	functions *function.Registry
	// lateFns is what the domain's triggers and the GraphQL handler call
	// (nil when no function is declared: LambdaConfig is then stored,
	// never run); setFunctions points it at the registry.
	lateFns *function.Late
}

// setFunctions installs the declared functions (built after the declared
// configuration is applied) for the triggers and the GraphQL handlers.
func (a *app) setFunctions(reg *function.Registry) {
	a.functions = reg
	if a.lateFns != nil {
		a.lateFns.Set(reg)
	}
}

// aqPools holds each pool's Admin Queries configuration by pool id; it is
// filled once the declared configuration has been applied (ids known).
type aqPools struct {
	mu    sync.RWMutex
	pools map[string]adminqueries.PoolConfig
}

func (a *aqPools) get(poolID string) (adminqueries.PoolConfig, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	c, ok := a.pools[poolID]
	return c, ok
}

// set installs the Admin Queries configuration of the declared pools.
func (a *aqPools) set(cfg config.Config, poolIDs map[string]string) {
	m := map[string]adminqueries.PoolConfig{}
	for _, p := range cfg.Pools {
		aq := p.AdminQueries
		id := poolIDs[p.Name]
		if aq == nil || id == "" {
			continue
		}
		m[id] = aq.PoolConfig()
	}
	a.mu.Lock()
	a.pools = m
	a.mu.Unlock()
}

// setAPIs installs the declared GraphQL APIs, their pools resolved.
func (a *app) setAPIs(cfg config.Config, poolIDs map[string]string) error {
	apis := make([]graphql.API, 0, len(cfg.APIs))
	for i := range cfg.APIs {
		apis = append(apis, cfg.APIs[i].GraphQL(cfg.APIs[i].PoolRef(poolIDs)))
	}
	return a.gql.SetAPIs(apis)
}

// appOptions are the parts only known at run time.
type appOptions struct {
	// publicURL is the base URL clients reach the server at (issuer "base").
	publicURL string
	// devAuth accepts any well-formed signature (--dev-accept-any-credentials).
	devAuth bool
	// now is the clock of signature date checks (tests; default time.Now).
	now func() time.Time
	// triggers wires the function invoker even when the configuration
	// declares no function (tests that build functions themselves).
	triggers bool
}

func passwordParams(cfg config.Config) password.Params {
	if cfg.Password.InsecureFastHashing {
		return password.InsecureTestParams
	}
	p := password.DefaultParams
	p.Memory, p.Time, p.Threads = cfg.Password.MemoryKiB, cfg.Password.Iterations, cfg.Password.Parallelism
	return p
}

// newIssuer is the token issuer over st, its signing keys sealed with the
// master key.
// updatedIssuerURL is nil unless tokens carry AWS's issuer form, in which a
// pool's IssuerConfiguration UPDATED selects the issuer-cognito-idp form.
func newIssuer(st store.Store, sealer *iam.Sealer, issuerURL, updatedIssuerURL func(string) string, now func() time.Time) (*token.Issuer, error) {
	return token.NewIssuer(st, token.Options{
		Now:              now,
		IssuerURL:        issuerURL,
		UpdatedIssuerURL: updatedIssuerURL,
		Seal:             func(b []byte) ([]byte, error) { return sealer.Seal(b, signingKeyAD) },
		Open:             openSigningKey(sealer),
	})
}

// openSigningKey opens the token signing keys sealer sealed.
func openSigningKey(sealer *iam.Sealer) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) { return sealer.Open(b, signingKeyAD) }
}

// newApp wires the server over an open store and a master-key sealer.
func newApp(cfg config.Config, log *slog.Logger, st store.Store, sealer *iam.Sealer, opts appOptions) (*app, error) {
	m := metrics.New(nil)
	st = storemetrics.Wrap(st, m) // store latency (ops.go)
	issuerURL, updatedIssuerURL := token.CognitoIssuerURL, token.UpdatedCognitoIssuerURL
	if cfg.Tokens.Issuer != config.IssuerAWS {
		issuerURL, updatedIssuerURL = token.BaseIssuerURL(opts.publicURL), nil
	}
	var clock *testapi.Clock // development mode: a clock e2e tests can move (POST /_userpool/clock)
	if opts.devAuth {
		clock = testapi.NewClock()
	}
	testAPIOn := opts.devAuth || cfg.TestingAPI.Enabled
	tokens, err := newIssuer(st, sealer, issuerURL, updatedIssuerURL, clock.NowFunc())
	if err != nil {
		return nil, fmt.Errorf("token issuer: %w", err)
	}
	var send userpool.Sender // nil: codes go to the log
	if c := cfg.SMTP; c != nil {
		smtp, err := sender.New(sender.Config{
			Host: c.Host, Port: c.Port, From: c.From, Username: c.Username, PasswordEnv: c.PasswordEnv,
			RequireTLS: c.RequireTLS, ImplicitTLS: c.ImplicitTLS, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		send = smtp
	}
	if c := cfg.SMS; c != nil { // text messages through the webhook; e-mail as above
		sms, err := sender.NewSMSWebhook(sender.SMSWebhookConfig{URL: c.WebhookURL, SecretEnv: c.SecretEnv, Timeout: c.Timeout, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("sms: %w", err)
		}
		email := send
		if email == nil {
			email = userpool.LogSender{Logger: log}
		}
		send = userpool.ByMedium{Email: email, SMS: sms}
	}
	var recorded *userpool.RecordingSender // the test API's record of what users were sent
	if testAPIOn {
		next := send
		if next == nil {
			next = userpool.LogSender{Logger: log}
		}
		recorded = userpool.NewRecordingSender(next, userpool.RecordingOptions{Now: clock.NowFunc(), Render: sender.Render})
		send = recorded
	}
	// Triggers (LambdaConfig) run the declared functions, set once serve
	// has built them (app.setFunctions). No function declared: no invoker,
	// LambdaConfig stored and echoed only.
	var lateFns *function.Late
	var triggers userpool.TriggerOptions
	if len(cfg.Functions) > 0 || opts.triggers {
		lateFns = &function.Late{}
		triggers.Invoker = lateFns
	}
	svc := userpool.New(st, userpool.Options{
		Region:         cfg.Server.Region,
		AccountID:      cfg.Server.AccountID,
		Logger:         log,
		PasswordParams: passwordParams(cfg),
		Tokens:         tokens,
		Sender:         send,
		PoolCacheTTL:   cfg.Server.PoolCacheTTL,
		Sealer:         sealer, // code keys, TOTP secrets (userpool/sealing.go)
		Imports: userpool.ImportOptions{
			BaseURL: opts.publicURL,
			Seal:    func(b []byte) ([]byte, error) { return sealer.Seal(b, importKeyAD) },
			Open:    func(b []byte) ([]byte, error) { return sealer.Open(b, importKeyAD) },
		},
		Triggers: triggers,
		Now:      clock.NowFunc(),
	})
	tokens.SetPoolIssuerType(svc.PoolIssuerType) // IssuerConfiguration per pool
	keys := iam.NewKeyring(st, sealer, 0, nil)
	var authn cognitoidp.Authenticator
	if opts.devAuth {
		authn = &cognitoidp.DevAuth{Logger: log}
	} else {
		authn = cognitoidp.NewSigV4Auth(cognitoidp.SigV4AuthOptions{Keyring: keys, Service: svc, Now: opts.now})
	}
	rec := audit.New(svc, log, nil)
	m.GaugeFunc("audit_queue_depth", "Audit events waiting for their group commit.", func() float64 { return float64(rec.QueueDepth()) })
	// Identity pools: temporary credentials sealed for the keyring, which
	// forgets revoked ones at once (global sign-out, user deletion).
	svc.SetIdentityOptions(userpool.IdentityOptions{
		CredentialsDuration:  cfg.Tokens.IdentityCredentialsValidity, // zero: 1 hour
		SealSessionSecret:    sealer.SealSessionSecret,
		NewSessionCredential: func() (string, string, string) { return iam.NewSessionCredential(nil) },
		TokenHash:            iam.SessionTokenHash,
		RevokedCredentials: func(ids []string) {
			for _, id := range ids {
				keys.Invalidate(id)
			}
		},
	})
	var identityAuthn identity.Authenticator = identity.NewSigV4Auth(keys, svc.AccountID(), opts.now)
	if opts.devAuth {
		identityAuthn = identity.AllowAll{}
	}
	ident := identity.New(svc, identity.Options{Authenticator: identityAuthn, Auditor: rec, Logger: log, MaxBody: cfg.Server.MaxBodyBytes})
	cog := cognitoidp.New(svc, cognitoidp.Options{
		Authenticator: authn,
		Auditor:       rec,
		Limiter:       newLimiter(cfg.Limits, m),
		Logger:        log,
		MaxBody:       cfg.Server.MaxBodyBytes,
	})
	for name := range cog.Operations() {
		m.AddOperations(name)
	}
	aq := &aqPools{}
	// Functions: the declared functions' registry, through lateFns.
	gqlOpts := graphql.Options{Logger: log, MaxBody: cfg.Server.MaxBodyBytes}
	if lateFns != nil {
		gqlOpts.Functions = lateFns
	}
	gql := graphql.New(svc, gqlOpts)
	h := server.Handler(server.Options{
		GraphQL:        gql,
		Cognito:        cog,
		Identity:       ident,
		IdentityRoutes: map[string]http.Handler{identity.JWKSPath: ident.JWKS()},
		WellKnown:      wellKnown(svc, opts.publicURL),
		AdminQueries: adminqueries.New(svc, adminqueries.Options{
			Pools:   aq.get,
			Logger:  log,
			MaxBody: cfg.Server.MaxBodyBytes,
			Auditor: rec,
		}),
		ImportUpload: importupload.New(svc, log),
		Console:      newConsole(cfg, log, svc, st, keys, tokens, rec, aq, opts.publicURL),
		TestAPI: testapi.New(svc, testapi.Options{
			Enabled: testAPIOn, Dev: opts.devAuth, Keys: keys, Now: opts.now,
			Messages: recorded, Clock: clock, Auditor: rec, Logger: log,
		}),
		TestAPIPrefixes: testapi.Prefixes,
		OAuth:           oauth.New(oauth.Options{Service: svc, PublicURL: opts.publicURL, Logger: log}),
		OAuthRoutes:     oauth.Routes,
		Health:          st.Ping,
		Readiness:       append(readinessChecks(st, sealer), server.ReadinessCheck{Name: "audit-log", Check: rec.Healthy}),
		Metrics:         metricsRoute(cfg, m),
		Observe:         observe(m),
		AccessLog:       accessLog(cfg.Log.Access),
		RefusalHold:     refusalHold(cfg.Limits, m),
		Logger:          log,
	})
	return &app{cfg: cfg, log: log, store: st, sealer: sealer, tokens: tokens, keys: keys, svc: svc, cognito: cog, handler: h, aq: aq, gql: gql, audit: rec, metrics: m, lateFns: lateFns}, nil
}
