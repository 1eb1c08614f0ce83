// Package e2e holds whole-server tests: they build the real userpool binary,
// run it as a separate process on a loopback port and drive it with real
// clients (the AWS SDK for Go v2, the AWS CLI, plain HTTP).
package e2e
