package main

import (
	"net/http"

	"userpool/internal/cognitoidp"
	"userpool/internal/userpool"
)

// wellKnown serves /{poolId}/.well-known/{jwks.json,openid-configuration}.
func wellKnown(svc *userpool.Service, publicURL string) http.Handler {
	return cognitoidp.WellKnownHandler(svc, publicURL)
}
