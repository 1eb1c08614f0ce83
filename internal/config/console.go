package config

import (
	"fmt"
	"net"
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
}
