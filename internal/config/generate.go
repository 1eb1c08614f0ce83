package config

// docs/configuration.md is rendered from the structs of this package by
// TestConfigurationReference (reference_test.go), which fails when the
// file is out of date.
//go:generate go test -run TestConfigurationReference -update-docs .
