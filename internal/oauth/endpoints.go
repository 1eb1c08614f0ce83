package oauth

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// oauthStatus is the HTTP status of an OAuth error code at the token and
// revocation endpoints: 400 for every code, as Cognito's token-endpoint page
// shows (invalid_client included); revocation's invalid_client is 401
// (Cognito's revocation page).
func oauthStatus(code string, revoke bool) int {
	switch code {
	case userpool.OAuthServerError:
		return http.StatusInternalServerError
	case userpool.OAuthInvalidClient:
		if revoke {
			return http.StatusUnauthorized
		}
	}
	return http.StatusBadRequest
}

// oauthFail answers a JSON OAuth error ({"error":"<code>"}; the body
// Cognito sends); anything that is not an *OAuthError is server_error with
// no detail.
func (h *Handler) oauthFail(rq *request, err error, revoke bool) {
	var oe *userpool.OAuthError
	if !errors.As(err, &oe) {
		h.log.Error("oauth: endpoint", "err", err)
		oe = &userpool.OAuthError{Code: userpool.OAuthServerError}
	}
	reqctx.SetErrorType(rq.ctx, oe.Code)
	writeJSON(rq.w, oauthStatus(oe.Code, revoke), map[string]string{"error": oe.Code})
}

// formPost checks a POST with an application/x-www-form-urlencoded body and
// parses it; false when it answered.
func (h *Handler) formPost(rq *request, revoke bool) bool {
	if rq.r.Method != http.MethodPost {
		rq.w.Header().Set("Allow", "POST")
		reqctx.SetErrorType(rq.ctx, userpool.OAuthInvalidRequest)
		writeJSON(rq.w, http.StatusMethodNotAllowed, map[string]string{"error": userpool.OAuthInvalidRequest})
		return false
	}
	mt, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" || rq.parseForm() != nil {
		h.oauthFail(rq, &userpool.OAuthError{Code: userpool.OAuthInvalidRequest}, revoke)
		return false
	}
	return true
}

// clientCredentials reads client_id and client_secret from HTTP Basic
// (form-encoded per RFC 6749 §2.3.1) or the form; basic tells which.
func clientCredentials(r *http.Request) (id, secret string, basic bool, ok bool) {
	if u, p, has := r.BasicAuth(); has {
		var err1, err2 error
		id, err1 = url.QueryUnescape(u)
		secret, err2 = url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			return "", "", true, false
		}
		if f := r.PostForm.Get("client_id"); f != "" && f != id {
			return "", "", true, false
		}
		return id, secret, true, true
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), false, true
}

// token is POST /oauth2/token.
func (h *Handler) token(rq *request) {
	if !h.formPost(rq, false) {
		return
	}
	f := rq.r.PostForm
	id, secret, basic, ok := clientCredentials(rq.r)
	if !ok {
		h.oauthFail(rq, &userpool.OAuthError{Code: userpool.OAuthInvalidClient}, false)
		return
	}
	res, err := h.svc.Token(rq.ctx, rq.pool.ID, userpool.TokenRequest{
		GrantType:    f.Get("grant_type"),
		ClientID:     id,
		ClientSecret: secret,
		BasicAuth:    basic,
		Code:         f.Get("code"),
		RedirectURI:  f.Get("redirect_uri"),
		CodeVerifier: f.Get("code_verifier"),
		RefreshToken: f.Get("refresh_token"),
		Scope:        f.Get("scope"),
	})
	if err != nil {
		h.oauthFail(rq, err, false)
		return
	}
	// Members in the order Cognito's page shows them; absent ones omitted.
	var b strings.Builder
	b.WriteString("{")
	add := func(k, v string, quote bool) {
		if b.Len() > 1 {
			b.WriteString(",")
		}
		b.WriteString(strconv.Quote(k) + ":")
		if quote {
			b.WriteString(strconv.Quote(v))
		} else {
			b.WriteString(v)
		}
	}
	if res.IDToken != "" {
		add("id_token", res.IDToken, true)
	}
	add("access_token", res.AccessToken, true)
	if res.RefreshToken != "" {
		add("refresh_token", res.RefreshToken, true)
	}
	add("expires_in", strconv.FormatInt(res.ExpiresIn, 10), false)
	add("token_type", res.TokenType, true)
	b.WriteString("}")
	rq.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = rq.w.Write([]byte(b.String()))
}

// userInfo is GET|POST /oauth2/userInfo with "Authorization: Bearer".
// Errors have no body, only WWW-Authenticate (Cognito's page).
func (h *Handler) userInfo(rq *request) {
	if rq.r.Method != http.MethodGet && rq.r.Method != http.MethodPost {
		rq.w.Header().Set("Allow", "GET, POST")
		rq.w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	raw := ""
	if a := rq.r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		raw = strings.TrimSpace(a[7:])
	}
	claims, err := h.svc.UserInfo(rq.ctx, rq.pool.ID, raw)
	if err != nil {
		code := userpool.OAuthErrorCode(err)
		reqctx.SetErrorType(rq.ctx, code)
		switch code {
		case userpool.OAuthInvalidRequest:
			rq.w.Header().Set("WWW-Authenticate", `error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`)
			rq.w.WriteHeader(http.StatusBadRequest)
		case userpool.OAuthInvalidToken:
			rq.w.Header().Set("WWW-Authenticate", `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`)
			rq.w.WriteHeader(http.StatusUnauthorized)
		default:
			h.log.Error("oauth: userInfo", "err", err)
			rq.w.WriteHeader(http.StatusInternalServerError)
		}
		return
	}
	writeJSON(rq.w, http.StatusOK, claims)
}

// revoke is POST /oauth2/revoke: 200 with an empty body on success (also
// for an unknown token).
func (h *Handler) revoke(rq *request) {
	if !h.formPost(rq, true) {
		return
	}
	id, secret, _, ok := clientCredentials(rq.r)
	if !ok {
		h.oauthFail(rq, &userpool.OAuthError{Code: userpool.OAuthInvalidClient}, true)
		return
	}
	if err := h.svc.Revoke(rq.ctx, rq.pool.ID, id, secret, rq.r.PostForm.Get("token")); err != nil {
		h.oauthFail(rq, err, true)
		return
	}
	rq.w.WriteHeader(http.StatusOK)
}

// logout is GET /logout: client_id + logout_uri (one of the client's
// LogoutURLs) clears the login session and redirects there; client_id +
// redirect_uri + response_type clears it and shows the sign-in page again
// (through /oauth2/authorize's checks). Anything else is the error page.
func (h *Handler) logout(rq *request) {
	if rq.r.Method != http.MethodGet && rq.r.Method != http.MethodHead {
		rq.w.Header().Set("Allow", "GET")
		h.showError(rq, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	q := rq.r.URL.Query()
	clientID, logoutURI := q.Get("client_id"), q.Get("logout_uri")
	end := func() {
		if err := h.svc.EndLoginSession(rq.ctx, rq.pool.ID, rq.cookie(sessionCookie)); err != nil {
			h.log.Error("oauth: logout", "err", err)
		}
		rq.setCookie(h, sessionCookie, "", 0)
	}
	switch {
	case clientID != "" && logoutURI != "":
		if err := h.svc.CheckLogoutURI(rq.ctx, rq.pool.ID, clientID, logoutURI); err != nil {
			code := userpool.OAuthErrorCode(err)
			if code == "" {
				h.log.Error("oauth: logout", "err", err)
				code = userpool.OAuthServerError
			}
			h.showError(rq, http.StatusBadRequest, code, "")
			return
		}
		end()
		http.Redirect(rq.w, rq.r, logoutURI, http.StatusFound)
	case clientID != "" && q.Get("redirect_uri") != "" && q.Get("response_type") != "":
		a, aq := h.checkAuthorization(rq)
		if a == nil {
			return
		}
		end()
		http.Redirect(rq.w, rq.r, rq.base+"/login?"+aq.Encode(), http.StatusFound)
	default:
		h.showError(rq, http.StatusBadRequest, userpool.OAuthInvalidRequest, "")
	}
}
