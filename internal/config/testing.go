package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
)

// TestingAPI switches the test API on (docs/testing.md).
type TestingAPI struct {
	// Enabled serves the test API (/_userpool/pools/..., /moto-api/reset):
	// the messages a user was sent, tokens without a password, status moves
	// and resets. Every call still needs a SigV4 signature of a principal
	// holding cognito-idp:* on "*" (the root principal). Off by default;
	// --dev-accept-any-credentials turns it on as well. It keeps codes and
	// temporary passwords in memory: for test servers only.
	Enabled bool `yaml:"enabled"`
}

// Seed is fixture users, created or brought to the state given at every
// start (`seed:` in the configuration) or by `userpool seed FILE` (a file
// with this section's fields at its top level). Users are never deleted.
type Seed struct {
	// Users to create or update, idempotently.
	Users []SeedUser `yaml:"users"`
}

// SeedUser is one fixture user.
type SeedUser struct {
	// Pool is the pool's id or its name (a declared pool's name).
	Pool string `yaml:"pool"`
	// Username: the username, or the email or phone number of a pool with
	// username_attributes.
	Username string `yaml:"username"`
	// Password, checked against the pool's password policy; without one a
	// new user has no usable password.
	Password string `yaml:"password"`
	// Temporary makes the password temporary (FORCE_CHANGE_PASSWORD: the
	// first sign-in must set a new one).
	Temporary bool `yaml:"temporary"`
	// Attributes by name (email, email_verified, custom:tenant, ...).
	Attributes map[string]string `yaml:"attributes"`
	// Status: UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD or
	// RESET_REQUIRED (default: CONFIRMED with a permanent password,
	// FORCE_CHANGE_PASSWORD with a temporary one).
	Status string `yaml:"status"`
	// Enabled: false disables the user (default true).
	Enabled *bool `yaml:"enabled"`
	// Groups the user is added to (they must exist; other memberships are
	// kept).
	Groups []string `yaml:"groups"`
}

// seedStatuses are the statuses a seeded user may be given.
var seedStatuses = []string{"UNCONFIRMED", "CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED"}

// validateSeed checks the seed section.
func (c *Config) validateSeed(p *Problems) {
	c.Seed.validate("seed.", p)
}

func (s *Seed) validate(prefix string, p *Problems) {
	for i, u := range s.Users {
		path := fmt.Sprintf("%susers[%d]", prefix, i)
		if u.Pool == "" {
			*p = append(*p, path+".pool: required (a pool id or name)")
		}
		if u.Username == "" {
			*p = append(*p, path+".username: required")
		}
		if u.Status != "" && !slices.Contains(seedStatuses, u.Status) {
			*p = append(*p, fmt.Sprintf("%s.status: %q is not one of UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED", path, u.Status))
		}
		if u.Temporary && u.Password == "" {
			*p = append(*p, path+".temporary: needs a password")
		}
	}
}

// LoadSeed reads a seed file: the fields of the configuration's seed
// section at the top level. Problems are reported as Load reports them,
// each with file:line:column; then the users are validated.
func LoadSeed(path string) (Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return Seed{}, err
	}
	defer f.Close()
	return ParseSeed(path, f)
}

// ParseSeed decodes a seed file read from name (see LoadSeed).
func ParseSeed(name string, r io.Reader) (Seed, error) {
	var s Seed
	b, err := io.ReadAll(r)
	if err != nil {
		return s, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return s, nil
	}
	if err := decodeYAML(name, b, &s); err != nil {
		return s, err
	}
	var p Problems
	s.validate("", &p)
	if len(p) > 0 {
		return s, p
	}
	return s, nil
}
