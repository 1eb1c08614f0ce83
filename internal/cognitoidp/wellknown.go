package cognitoidp

import (
	"errors"
	"net/http"
	"strconv"

	"userpool/internal/userpool"
)

// wellKnownMaxAge is how long clients and proxies may cache the documents.
// It is shorter than the token issuer's key-retirement margin, so a rotated
// key is fetched long before tokens signed with it can appear.
const wellKnownMaxAge = 300

// WellKnownHandler serves a pool's public key documents at
// GET /{poolId}/.well-known/{doc}: doc "jwks.json" (the JWKS) and
// "openid-configuration" (discovery, its endpoint URLs under publicBaseURL
// when it is set). An unknown pool or document is 404 with a JSON body;
// other methods than GET/HEAD are 405. Responses allow any origin (the
// documents are public) and are cacheable for 5 minutes.
func WellKnownHandler(svc *userpool.Service, publicBaseURL string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			writeDoc(w, r, http.StatusMethodNotAllowed, []byte(`{"message":"Method not allowed"}`), false)
			return
		}
		poolID, doc := r.PathValue("poolId"), r.PathValue("doc")
		if doc != "jwks.json" && doc != "openid-configuration" {
			writeDoc(w, r, http.StatusNotFound, []byte(`{"message":"Not found"}`), false)
			return
		}
		if _, err := svc.GetPool(r.Context(), poolID); err != nil {
			if userpool.KindOf(err) == userpool.KindResourceNotFound {
				writeDoc(w, r, http.StatusNotFound, []byte(`{"message":"User pool not found"}`), false)
				return
			}
			writeDoc(w, r, http.StatusInternalServerError, []byte(`{"message":"Internal server error"}`), false)
			return
		}
		body, err := svc.WellKnownDocument(r.Context(), poolID, doc, publicBaseURL)
		if err != nil {
			if errors.Is(err, userpool.ErrNoTokenIssuer) {
				writeDoc(w, r, http.StatusNotFound, []byte(`{"message":"Not found"}`), false)
				return
			}
			writeDoc(w, r, http.StatusInternalServerError, []byte(`{"message":"Internal server error"}`), false)
			return
		}
		writeDoc(w, r, http.StatusOK, body, true)
	})
}

func writeDoc(w http.ResponseWriter, r *http.Request, status int, body []byte, cache bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if cache {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(wellKnownMaxAge))
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
