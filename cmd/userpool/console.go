package main

import (
	"context"
	"log/slog"
	"net/http"

	"userpool/internal/audit"
	"userpool/internal/config"
	"userpool/internal/console"
	"userpool/internal/iam"
	"userpool/internal/ratelimit"
	"userpool/internal/store"
	"userpool/internal/token"
	"userpool/internal/userpool"
)

// newConsole is the admin console at /console/ (nil when it is off:
// console.enabled, by default on for loopback listeners).
func newConsole(cfg config.Config, log *slog.Logger, svc *userpool.Service, st store.Store, keys *iam.Keyring,
	tokens *token.Issuer, rec *audit.Recorder, aq *aqPools, publicURL string) http.Handler {
	if !cfg.ConsoleOn() {
		return nil
	}
	return console.New(console.Options{
		Service: svc, Keys: keys, Auditor: rec, Logger: log, PublicURL: publicURL,
		Account: cfg.Server.AccountID, Region: cfg.Server.Region,
		Principals:  consolePrincipals{st},
		SigningKeys: consoleKeys{st: st, tokens: tokens},
		// A pool's admins: its Admin Queries groups, else console.admin_groups.
		AdminGroups: func(poolID string) []string {
			if c, ok := aq.get(poolID); ok && c.Enabled && len(c.Groups) > 0 {
				return c.Groups
			}
			return cfg.Console.AdminGroups
		},
		SignIn: consoleSignIn(cfg.Console.SignIn),
	})
}

// consoleSignIn turns console.sign_in into the console's limits: a field
// left out keeps the console's default.
func consoleSignIn(c config.ConsoleSignIn) console.SignInLimits {
	src := console.DefaultSignInSource
	switch {
	case c.Source.RPS < 0:
		src = ratelimit.Disabled
	case c.Source.RPS > 0:
		src = ratelimit.Rate{PerSecond: c.Source.RPS, Burst: c.Source.Burst}
	case c.Source.Burst > 0:
		src.Burst = c.Source.Burst
	}
	return console.SignInLimits{Source: src, MaxFailures: c.MaxFailures, FailureWindow: c.FailureWindow, Lockout: c.Lockout}
}

// consolePrincipals lists the IAM principals for the console.
type consolePrincipals struct{ st store.IAMStore }

func (c consolePrincipals) ListPrincipals(ctx context.Context) ([]console.Principal, error) {
	ps, err := c.st.ListPrincipals(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]console.Principal, len(ps))
	for i, p := range ps {
		out[i].Name = p.Name
		for _, g := range p.Grants {
			out[i].Grants = append(out[i].Grants, console.Grant{Pool: g.Pool, Actions: g.Actions})
		}
		ks, err := c.st.ListAccessKeys(ctx, p.Name)
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			out[i].AccessKeys = append(out[i].AccessKeys, k.ID)
		}
	}
	return out, nil
}

// consoleKeys lists and rotates a pool's signing keys for the console.
type consoleKeys struct {
	st     store.Store
	tokens *token.Issuer
}

func (c consoleKeys) ListSigningKeys(ctx context.Context, poolID string) ([]console.SigningKey, error) {
	ks, err := c.st.ListSigningKeys(ctx, poolID)
	if err != nil {
		return nil, err
	}
	out := make([]console.SigningKey, len(ks))
	for i, k := range ks {
		out[i] = console.SigningKey{KID: k.KID, Use: k.Use, CreatedAt: k.CreatedAt, NotAfter: k.NotAfter, ExpiresAt: k.ExpiresAt}
	}
	return out, nil
}

func (c consoleKeys) RotateSigningKeys(ctx context.Context, poolID string) error {
	return c.tokens.Rotate(ctx, poolID)
}
