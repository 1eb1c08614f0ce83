package oauth

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// checkAuthorization checks the authorization parameters of the request's
// query. On failure it answers (redirect to the client with error= when
// the client and redirect_uri are trusted, else the error page) and returns nil.
func (h *Handler) checkAuthorization(rq *request) (*userpool.Authorization, url.Values) {
	q := authorizeQuery(rq.r.URL.Query())
	a, err := h.svc.Authorize(rq.ctx, rq.pool.ID, authorizeRequest(q))
	if err != nil {
		h.authorizeError(rq, err)
		return nil, nil
	}
	return a, q
}

// authorizeError answers an authorization error: redirected (query, or
// fragment for the implicit grant) only when the domain says where to;
// shown otherwise.
func (h *Handler) authorizeError(rq *request, err error) {
	var oe *userpool.OAuthError
	if !errors.As(err, &oe) {
		h.log.Error("oauth: authorize", "err", err)
		h.showError(rq, http.StatusInternalServerError, userpool.OAuthServerError, "")
		return
	}
	reqctx.SetErrorType(rq.ctx, oe.Code)
	if oe.RedirectURI == "" {
		h.showError(rq, http.StatusBadRequest, oe.Code, oe.Description)
		return
	}
	if oe.Fragment {
		v := url.Values{}
		v.Set("error", oe.Code)
		if oe.Description != "" {
			v.Set("error_description", oe.Description)
		}
		if oe.State != "" {
			v.Set("state", oe.State)
		}
		http.Redirect(rq.w, rq.r, oe.RedirectURI+"#"+v.Encode(), http.StatusFound)
		return
	}
	http.Redirect(rq.w, rq.r, userpool.AppendQuery(oe.RedirectURI, "error", oe.Code, "error_description", oe.Description, "state", oe.State), http.StatusFound)
}

// complete redirects a signed-in browser back to the client.
func (h *Handler) complete(rq *request, a *userpool.Authorization, login *userpool.LoginSession) {
	to, err := h.svc.Complete(rq.ctx, a, login)
	if err != nil {
		h.log.Error("oauth: complete", "err", err)
		http.Redirect(rq.w, rq.r, userpool.AppendQuery(a.RedirectURI, "error", userpool.OAuthServerError, "state", a.State), http.StatusFound)
		return
	}
	http.Redirect(rq.w, rq.r, to, http.StatusFound)
}

// loginSession is the request's live login session, or nil.
func (h *Handler) loginSession(rq *request) *userpool.LoginSession {
	ls, err := h.svc.LoginSession(rq.ctx, rq.pool.ID, rq.cookie(sessionCookie))
	if err != nil {
		h.log.Error("oauth: login session", "err", err)
		return nil
	}
	return ls
}

// authorize is GET /oauth2/authorize: check, then either complete at once
// (a login session, no prompt=login) or send the browser to /login with
// the same parameters.
func (h *Handler) authorize(rq *request) {
	if rq.r.Method != http.MethodGet && rq.r.Method != http.MethodHead {
		rq.w.Header().Set("Allow", "GET")
		h.showError(rq, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	if !a.ForceLogin {
		if ls := h.loginSession(rq); ls != nil {
			h.complete(rq, a, ls)
			return
		}
	}
	if a.Prompt == "none" {
		h.authorizeError(rq, &userpool.OAuthError{Code: userpool.OAuthLoginRequired, RedirectURI: a.RedirectURI, State: a.State, Fragment: a.ResponseType == "token"})
		return
	}
	if a.ForceLogin {
		q.Del("prompt") // the login form then signs in again, once
		rq.setCookie(h, sessionCookie, "", 0)
	}
	http.Redirect(rq.w, rq.r, rq.base+"/login?"+q.Encode(), http.StatusFound)
}

// formPage starts a page of the login forms for an authorization.
func (h *Handler) formPage(rq *request, a *userpool.Authorization, q url.Values, form string) page {
	return page{Form: form, Query: template.URL(q.Encode()), CSRF: rq.csrfToken(h), ClientName: a.ClientName, Lang: q.Get("lang"), auth: a}
}

// inform renders form for username with info (none when empty), 200.
func (h *Handler) inform(rq *request, a *userpool.Authorization, q url.Values, form, username, info string) {
	p := h.formPage(rq, a, q, form)
	p.Username, p.Info = username, info
	h.render(rq, http.StatusOK, p)
}

// refuse renders form again for username with the domain's message for
// err, 400.
func (h *Handler) refuse(rq *request, a *userpool.Authorization, q url.Values, form, username string, err error) {
	p := h.formPage(rq, a, q, form)
	p.Username, p.Error = username, h.domainMessage(rq, err)
	h.render(rq, http.StatusBadRequest, p)
}

// postedForm parses a POST and checks its CSRF token; false when it answered.
func (h *Handler) postedForm(rq *request, a *userpool.Authorization, q url.Values, form string) bool {
	if err := rq.parseForm(); err != nil {
		h.showError(rq, http.StatusBadRequest, "invalid_request", "")
		return false
	}
	if !rq.checkCSRF() {
		reqctx.SetErrorType(rq.ctx, "csrf")
		p := h.formPage(rq, a, q, form)
		p.Error = "Your session has expired. Please try again."
		h.render(rq, http.StatusForbidden, p)
		return false
	}
	return true
}

// domainMessage is the text the page shows for a domain error: Cognito's
// hosted UI shows the API's message; internal errors say nothing more.
func (h *Handler) domainMessage(rq *request, err error) string {
	k := userpool.KindOf(err)
	reqctx.SetErrorType(rq.ctx, string(k))
	var e *userpool.Error
	if k == userpool.KindInternal || !errors.As(err, &e) {
		h.log.Error("oauth: form", "err", err)
		return "An error was encountered with the requested page."
	}
	return e.Message
}

// login is /login: the sign-in form (GET), its answer (POST) and the
// challenge forms that may follow.
func (h *Handler) login(rq *request) {
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	switch rq.r.Method {
	case http.MethodGet, http.MethodHead:
		if !a.ForceLogin {
			if ls := h.loginSession(rq); ls != nil {
				h.complete(rq, a, ls)
				return
			}
		}
		h.render(rq, http.StatusOK, h.formPage(rq, a, q, "signin"))
		return
	case http.MethodPost:
	default:
		rq.w.Header().Set("Allow", "GET, POST")
		h.showError(rq, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	if !h.postedForm(rq, a, q, "signin") {
		return
	}
	f := rq.r.PostForm
	var step *userpool.HostedStep
	var err error
	challenge := f.Get("challenge")
	form := challengeForm(challenge)
	respond := func(answers map[string]string) {
		step, err = h.svc.HostedRespond(rq.ctx, a, challenge, f.Get("session"), f.Get("username"), answers)
	}
	switch challenge {
	case "":
		if factor := f.Get("factor"); factor != "" {
			step, err = h.svc.HostedStartFactor(rq.ctx, a, f.Get("username"), factor)
		} else {
			step, err = h.svc.HostedSignIn(rq.ctx, a, f.Get("username"), f.Get("password"))
		}
	case userpool.ChallengeNewPasswordRequired:
		if f.Get("password") != f.Get("confirm_password") {
			p := h.formPage(rq, a, q, form)
			p.Challenge, p.Session, p.Username = challenge, f.Get("session"), f.Get("username")
			p.Error = "Passwords do not match."
			h.render(rq, http.StatusBadRequest, p)
			return
		}
		respond(map[string]string{"NEW_PASSWORD": f.Get("password")})
	case userpool.ChallengeSoftwareTokenMFA:
		respond(map[string]string{"SOFTWARE_TOKEN_MFA_CODE": f.Get("code")})
	case userpool.ChallengeEmailOTP:
		respond(map[string]string{"EMAIL_OTP_CODE": f.Get("code")})
	case userpool.ChallengeSMSOTP:
		respond(map[string]string{"SMS_OTP_CODE": f.Get("code")})
	case userpool.ChallengeSMSMFA:
		respond(map[string]string{"SMS_MFA_CODE": f.Get("code")})
	case userpool.ChallengeSelectMFA:
		respond(map[string]string{"ANSWER": f.Get("answer")})
	case userpool.ChallengeSelect:
		answers := map[string]string{"ANSWER": f.Get("answer")}
		if f.Get("answer") == userpool.ChallengePassword {
			answers["PASSWORD"] = f.Get("password")
		}
		respond(answers)
	case userpool.ChallengeWebAuthn:
		respond(map[string]string{"CREDENTIAL": f.Get("credential")})
	default:
		h.showError(rq, http.StatusBadRequest, "invalid_request", "")
		return
	}
	if err != nil {
		p := h.formPage(rq, a, q, form)
		p.Error = h.domainMessage(rq, err)
		p.Username = f.Get("username")
		switch form {
		case "newpassword", "mfa", "otp":
			// A code form stays, with its session, while the session lives.
			p.Challenge, p.Session = challenge, f.Get("session")
			p.Destination, p.Medium = f.Get("destination"), f.Get("medium")
			if userpool.KindOf(err) == userpool.KindNotAuthorized {
				// A spent or expired challenge session, or a locked-out user: start over.
				p.Form, p.Challenge, p.Session = "signin", "", ""
			}
		default:
			// The choices and the passkey ceremony are single use: start over.
			p.Form = "signin"
		}
		status := http.StatusBadRequest
		if userpool.KindOf(err) == userpool.KindInternal {
			status = http.StatusInternalServerError
		}
		h.render(rq, status, p)
		return
	}
	if step.Cookie == "" {
		h.render(rq, http.StatusOK, h.stepPage(rq, a, q, step))
		return
	}
	rq.setCookie(h, sessionCookie, step.Cookie, userpool.LoginSessionValidity)
	ls := h.loginSession(rq)
	if ls == nil {
		// The cookie was just stored; read it back through the domain.
		ls, err = h.svc.LoginSession(rq.ctx, rq.pool.ID, step.Cookie)
		if err != nil || ls == nil {
			h.showError(rq, http.StatusInternalServerError, userpool.OAuthServerError, "")
			return
		}
	}
	h.complete(rq, a, ls)
}

// signup is /signup: username, email, password; then the confirmation form.
func (h *Handler) signup(rq *request) {
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	if rq.r.Method != http.MethodPost {
		h.render(rq, http.StatusOK, h.formPage(rq, a, q, "signup"))
		return
	}
	if !h.postedForm(rq, a, q, "signup") {
		return
	}
	f := rq.r.PostForm
	var attrs []userpool.Attribute
	if v := f.Get("email"); v != "" {
		attrs = append(attrs, userpool.Attribute{Name: "email", Value: v})
	}
	if v := f.Get("phone_number"); v != "" {
		attrs = append(attrs, userpool.Attribute{Name: "phone_number", Value: v})
	}
	res, err := h.svc.HostedSignUp(rq.ctx, a, f.Get("username"), f.Get("password"), attrs)
	if err != nil {
		h.refuse(rq, a, q, "signup", f.Get("username"), err)
		return
	}
	if res.UserConfirmed {
		h.inform(rq, a, q, "signin", f.Get("username"), "Your account has been created. Please sign in.")
		return
	}
	h.inform(rq, a, q, "confirm", f.Get("username"), "We have sent a code by email. Enter it below to confirm your account.")
}

// confirmUser is /confirmUser: the sign-up confirmation code.
func (h *Handler) confirmUser(rq *request) {
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	if rq.r.Method != http.MethodPost {
		h.inform(rq, a, q, "confirm", rq.r.URL.Query().Get("username"), "")
		return
	}
	if !h.postedForm(rq, a, q, "confirm") {
		return
	}
	f := rq.r.PostForm
	if err := h.svc.HostedConfirmSignUp(rq.ctx, a, f.Get("username"), f.Get("code")); err != nil {
		h.refuse(rq, a, q, "confirm", f.Get("username"), err)
		return
	}
	h.inform(rq, a, q, "signin", f.Get("username"), "Your account has been confirmed. Please sign in.")
}

// forgotPassword is /forgotPassword: send a reset code.
func (h *Handler) forgotPassword(rq *request) {
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	if rq.r.Method != http.MethodPost {
		h.render(rq, http.StatusOK, h.formPage(rq, a, q, "forgot"))
		return
	}
	if !h.postedForm(rq, a, q, "forgot") {
		return
	}
	f := rq.r.PostForm
	if _, err := h.svc.HostedForgotPassword(rq.ctx, a, f.Get("username")); err != nil {
		h.refuse(rq, a, q, "forgot", f.Get("username"), err)
		return
	}
	h.inform(rq, a, q, "reset", f.Get("username"), "We have sent a password reset code. Enter it below to reset your password.")
}

// confirmForgotPassword is /confirmForgotPassword: code and new password.
func (h *Handler) confirmForgotPassword(rq *request) {
	a, q := h.checkAuthorization(rq)
	if a == nil {
		return
	}
	if rq.r.Method != http.MethodPost {
		h.inform(rq, a, q, "reset", rq.r.URL.Query().Get("username"), "")
		return
	}
	if !h.postedForm(rq, a, q, "reset") {
		return
	}
	f := rq.r.PostForm
	p := h.formPage(rq, a, q, "reset")
	p.Username = f.Get("username")
	if f.Get("password") != f.Get("confirm_password") {
		p.Error = "Passwords do not match."
		h.render(rq, http.StatusBadRequest, p)
		return
	}
	if err := h.svc.HostedConfirmForgotPassword(rq.ctx, a, f.Get("username"), f.Get("code"), f.Get("password")); err != nil {
		p.Error = h.domainMessage(rq, err)
		h.render(rq, http.StatusBadRequest, p)
		return
	}
	p.Form = "signin"
	p.Info = "Your password has been changed. Please sign in."
	h.render(rq, http.StatusOK, p)
}
