// Package config loads userpool's YAML configuration file (unknown fields are
// rejected), applies defaults and environment overrides, and validates it,
// reporting every problem with its path at once.
package config
