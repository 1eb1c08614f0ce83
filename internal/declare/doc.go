// Package declare applies the pools, groups, app clients and principals
// declared in userpool's configuration file to the store, at every start.
//
// It is idempotent: what is declared is created, or updated when it differs;
// nothing undeclared is deleted; a second run with the same file writes
// nothing. Pools are matched by their fixed id when the file gives one, else
// by name; groups by name; app clients by fixed id, else by name within the
// pool; principals by name, their grants replaced by the declared ones (their
// access keys are kept).
//
// Members Cognito cannot change after creation (username_attributes,
// alias_attributes, case_sensitive, a client's secret) are compared, and a
// difference is reported as a problem rather than silently ignored.
package declare
