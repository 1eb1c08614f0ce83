package identity

import (
	"net/http"

	"userpool/internal/userpool"
)

// JWKSPath is where the keys of an identity pool's OpenID tokens
// (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity) are published.
const JWKSPath = "GET /identity/{identityPoolId}/.well-known/jwks.json"

// JWKS serves JWKSPath.
func (h *Handler) JWKS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := h.svc.IdentityJWKS(r.Context(), r.PathValue("identityPoolId"))
		if err != nil {
			status := http.StatusInternalServerError
			if userpool.KindOf(err) == userpool.KindResourceNotFound {
				status = http.StatusNotFound
			} else {
				h.log.Error("identity pool jwks", "err", err)
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(b)
	})
}
