package main

import (
	"net/http"

	"userpool/internal/userpool"
)

// wellKnown serves /{poolId}/.well-known/{jwks.json,openid-configuration}
// once the sign-in engineer's handler lands (nil: not routed).
func wellKnown(svc *userpool.Service, publicURL string) http.Handler {
	return nil
}
