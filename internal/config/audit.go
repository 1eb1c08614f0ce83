package config

import "time"

// Audit settings.
type Audit struct {
	// Retention is how long audit events are kept (default 90d; 0d keeps them
	// for ever). Older events are deleted in the background, a batch at a
	// time, at start-up and every hour.
	Retention Validity `yaml:"retention"`
}

// DefaultAuditRetention is audit.retention's default.
var DefaultAuditRetention = Validity{Value: 90, Unit: "days"}

// validateAudit checks the audit section.
func (c *Config) validateAudit(p *Problems) {
	if d := c.Audit.Retention.Duration(); d != 0 && d < time.Hour {
		*p = append(*p, "audit.retention: must be 0d (keep for ever) or at least 1h")
	}
}
