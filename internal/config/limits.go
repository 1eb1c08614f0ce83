package config

import (
	"fmt"
	"net"
	"time"
)

// Limits are the request-rate limits (internal/ratelimit), per instance.
type Limits struct {
	// Enabled switches throttling on (default true).
	Enabled *bool `yaml:"enabled"`
	// CategoryFactor multiplies Amazon Cognito's default quota of every
	// category (default 10).
	CategoryFactor float64 `yaml:"category_factor"`
	// Categories overrides a category's quota, by Cognito's category name
	// (UserAuthentication, UserCreation, ...).
	Categories map[string]RateLimit `yaml:"categories"`
	// Source limits the unsigned calls of one client address (default 50/s,
	// burst 100); rps -1 switches it off.
	Source RateLimit `yaml:"source"`
	// User limits the sign-in calls naming one user (default 10/s, burst 20);
	// rps -1 switches it off.
	User RateLimit `yaml:"user"`
	// MaxKeys bounds the source and user buckets held (default 100000 each).
	MaxKeys int `yaml:"max_keys"`
	// IdleTimeout drops a source or user bucket unused this long (default 10m).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// RefusalDelay holds back the answer to an unsigned call refused by its
	// source's limit or share this long on average, each hold drawn from half
	// to one and a half times it (default 250ms; 0s answers at once), so that
	// a flooding client that waits for its answers slows down.
	RefusalDelay *time.Duration `yaml:"refusal_delay"`
	// MaxHeldRefusals bounds the refusals held back at once (default 10000);
	// past it a refusal is answered at once.
	MaxHeldRefusals int `yaml:"max_held_refusals"`
}

// Defaults of the held refusals.
const (
	DefaultRefusalDelay    = 250 * time.Millisecond
	DefaultMaxHeldRefusals = 10000
)

// Hold is the resolved refusal delay and bound (defaults applied).
func (l Limits) Hold() (delay time.Duration, maxHeld int) {
	delay, maxHeld = DefaultRefusalDelay, DefaultMaxHeldRefusals
	if l.RefusalDelay != nil {
		delay = *l.RefusalDelay
	}
	if l.MaxHeldRefusals > 0 {
		maxHeld = l.MaxHeldRefusals
	}
	return delay, maxHeld
}

// RateLimit is a token bucket: RPS on average, Burst at once (default 2×RPS).
type RateLimit struct {
	RPS   float64 `yaml:"rps"`
	Burst int     `yaml:"burst"`
}

// LimitsEnabled reports whether throttling is on.
func (l Limits) LimitsEnabled() bool { return l.Enabled == nil || *l.Enabled }

// AccessLog sets which requests get an access-log line.
type AccessLog struct {
	// Level of a successful request's line: debug, info (default) or off.
	// Failed requests are always logged.
	Level string `yaml:"level"`
	// Sample is the fraction of successful requests logged (default 1).
	Sample float64 `yaml:"sample"`
}

// knownCategories are Cognito's quota category names (internal/ratelimit
// owns the table; config only checks spelling, so it need not import it).
var knownCategories = map[string]bool{
	"UserAuthentication": true, "UserCreation": true, "UserFederation": true, "UserAccountRecovery": true,
	"UserRead": true, "UserUpdate": true, "UserToken": true, "UserResourceRead": true,
	"UserResourceUpdate": true, "UserList": true, "UserPoolRead": true, "UserPoolUpdate": true,
	"UserPoolResourceRead": true, "UserPoolResourceUpdate": true, "UserPoolClientRead": true,
	"UserPoolClientUpdate": true, "ClientAuthentication": true, "LimitManagement": true,
}

func (c *Config) validateOps(p *Problems) {
	if l := c.Server.MetricsListen; l != "" {
		if _, _, err := net.SplitHostPort(l); err != nil {
			*p = append(*p, fmt.Sprintf("server.metrics_listen: %q is not host:port", l))
		}
	}
	switch c.Log.Access.Level {
	case "", "debug", "info", "off":
	default:
		*p = append(*p, fmt.Sprintf("log.access.level: %q is not one of debug, info, off", c.Log.Access.Level))
	}
	if s := c.Log.Access.Sample; s < 0 || s > 1 {
		*p = append(*p, fmt.Sprintf("log.access.sample: %v is not between 0 and 1", s))
	}
	l := c.Limits
	if l.CategoryFactor < 0 {
		*p = append(*p, "limits.category_factor: must not be negative")
	}
	for name, r := range l.Categories {
		if !knownCategories[name] {
			*p = append(*p, fmt.Sprintf("limits.categories: %q is not a Cognito quota category (UserAuthentication, UserCreation, ...)", name))
		}
		checkRate(p, "limits.categories."+name, r)
	}
	checkRate(p, "limits.source", l.Source)
	checkRate(p, "limits.user", l.User)
	if l.MaxKeys < 0 {
		*p = append(*p, "limits.max_keys: must not be negative")
	}
	if l.IdleTimeout < 0 {
		*p = append(*p, "limits.idle_timeout: must not be negative")
	}
	if d := l.RefusalDelay; d != nil && (*d < 0 || *d > 10*time.Second) {
		*p = append(*p, "limits.refusal_delay: must be between 0s and 10s")
	}
	if l.MaxHeldRefusals < 0 {
		*p = append(*p, "limits.max_held_refusals: must not be negative")
	}
}

func checkRate(p *Problems, path string, r RateLimit) {
	if r.RPS < 0 && r.RPS != -1 {
		*p = append(*p, path+".rps: must be positive, or -1 for no limit")
	}
	if r.Burst < 0 {
		*p = append(*p, path+".burst: must not be negative")
	}
}
