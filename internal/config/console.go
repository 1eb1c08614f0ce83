package config

import (
	"fmt"
	"net"
	"time"
)

// Console configures the embedded admin console served at /console/
// (docs/console.md).
type Console struct {
	// Enabled serves the console. Unset: on when server.listen is a
	// loopback address (127.0.0.1, ::1, localhost), off otherwise.
	Enabled *bool `yaml:"enabled"`
	// AdminGroups are the groups whose members may sign in to a pool's
	// console through its hosted login, for pools without Admin Queries
	// groups (a pool's admin_queries.groups take precedence). Empty: only
	// pools with Admin Queries groups have pool administrators.
	AdminGroups []string `yaml:"admin_groups"`
	// SignIn limits the console's sign-in forms (docs/console.md).
	SignIn ConsoleSignIn `yaml:"sign_in"`
}

// ConsoleSignIn limits the console's sign-in forms; zero fields take the
// defaults.
type ConsoleSignIn struct {
	// Source limits sign-in attempts per client address, both forms
	// together (default 0.5/s, burst 10); rps -1 switches it off.
	Source RateLimit `yaml:"source"`
	// MaxFailures failed operator sign-ins with one access key id within
	// failure_window lock that id for lockout (default 5); -1 switches the
	// lockout off.
	MaxFailures int `yaml:"max_failures"`
	// FailureWindow is the window of max_failures (default 15m).
	FailureWindow time.Duration `yaml:"failure_window"`
	// Lockout is how long a locked access key id is refused (default 15m).
	Lockout time.Duration `yaml:"lockout"`
}

// ConsoleOn reports whether the console is served: console.enabled when
// set, else whether server.listen is a loopback address.
func (c *Config) ConsoleOn() bool {
	if c.Console.Enabled != nil {
		return *c.Console.Enabled
	}
	return LoopbackListen(c.Server.Listen)
}

// LoopbackListen reports whether a host:port listen address binds only a
// loopback interface ("" or a wildcard host binds them all).
func LoopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateConsole checks the console section.
func (c *Config) validateConsole(p *Problems) {
	for i, g := range c.Console.AdminGroups {
		if g == "" {
			*p = append(*p, fmt.Sprintf("console.admin_groups[%d]: empty group name", i))
		}
	}
	si := c.Console.SignIn
	checkRate(p, "console.sign_in.source", si.Source)
	if si.MaxFailures < -1 {
		*p = append(*p, "console.sign_in.max_failures: must be positive, or -1 for no lockout")
	}
	if si.FailureWindow < 0 {
		*p = append(*p, "console.sign_in.failure_window: must not be negative")
	}
	if si.Lockout < 0 {
		*p = append(*p, "console.sign_in.lockout: must not be negative")
	}
}
