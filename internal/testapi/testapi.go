package testapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"userpool/internal/audit"
	"userpool/internal/iam"
	"userpool/internal/reqctx"
	"userpool/internal/sigv4"
	"userpool/internal/userpool"
)

// ActionPrefix precedes the operation in the audit log's action
// ("testapi:MintTokens").
const ActionPrefix = "testapi:"

// Options configures New.
type Options struct {
	// Enabled turns the API on (--dev-accept-any-credentials or
	// testing_api.enabled); off, every route answers 403.
	Enabled bool
	// Dev accepts any well-formed SigV4 signature as the root grant
	// (--dev-accept-any-credentials), as the Cognito face does.
	Dev bool
	// Keys resolves access keys and their principals' grants (required
	// when Enabled and not Dev).
	Keys *iam.Keyring
	// Now is the clock of the signature's date check (default time.Now).
	Now func() time.Time
	// AccountID appears in the principal ARN of a denial (default the
	// domain's).
	AccountID string
	// Messages is the recording the messages route reads (nil: that route
	// answers 404 NotRecording).
	Messages *userpool.RecordingSender
	// Clock is the development clock (nil outside development mode: the
	// clock route answers 403).
	Clock *Clock
	// Auditor records every call; *audit.Recorder is one.
	Auditor Auditor
	Logger  *slog.Logger
}

// Auditor records audit events; *audit.Recorder is one.
type Auditor interface {
	Record(ctx context.Context, e userpool.AuditEvent)
}

// Handler serves the test API.
type Handler struct {
	svc      *userpool.Service
	opts     Options
	verifier *sigv4.Verifier
	log      *slog.Logger
	mux      *http.ServeMux
}

// call is one request being served: its body, its authenticated actor, and
// the target the operation names for the audit log.
type call struct {
	r      *http.Request
	body   []byte
	actor  string
	target string
}

// route is one entry of the handler table.
type route struct {
	pattern string
	op      string
	serve   func(h *Handler, c *call) (status int, out any, err error)
}

// routes is the whole API, one line per endpoint.
var routes = []route{
	{"GET /_userpool/pools/{poolId}/messages", "ListMessages", (*Handler).messages},
	{"POST /_userpool/pools/{poolId}/users/{username}/tokens", "MintTokens", (*Handler).tokens},
	{"POST /_userpool/pools/{poolId}/users/{username}/status", "SetUserStatus", (*Handler).status},
	{"POST /_userpool/pools/{poolId}/reset", "ResetPool", (*Handler).resetPool},
	{"GET /_userpool/clock", "GetClock", (*Handler).clock},
	{"POST /_userpool/clock", "AdvanceClock", (*Handler).clock},
	{"/moto-api/reset", "MotoReset", (*Handler).motoReset},
}

// Prefixes are the path prefixes the server mounts the handler at.
var Prefixes = []string{"/_userpool/", "/moto-api/"}

// maxBody bounds a request body.
const maxBody = 64 << 10

// New returns the test API over the domain.
func New(svc *userpool.Service, opts Options) *Handler {
	h := &Handler{svc: svc, opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opts.AccountID == "" {
		h.opts.AccountID = svc.AccountID()
	}
	if opts.Enabled && !opts.Dev {
		if opts.Keys == nil {
			panic("testapi: New needs Keys when enabled outside development mode")
		}
		h.verifier = &sigv4.Verifier{Lookup: opts.Keys.Lookup, Now: opts.Now}
	}
	for _, rt := range routes {
		h.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, rt) })
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.opts.Enabled {
		reqctx.SetOperation(r.Context(), ActionPrefix+"Off")
		h.record(r, userpool.AuditEvent{ActorType: audit.ActorAccessKey, Actor: audit.ClaimedKeyID(r.Header.Get("Authorization")),
			Action: ActionPrefix + "Off", Outcome: audit.OutcomeDenied, Detail: "the test API is off"})
		writeJSON(w, http.StatusForbidden, wireError{Type: string(userpool.KindAccessDenied),
			Message: "The test API is off: start the server with --dev-accept-any-credentials or set testing_api: {enabled: true}."})
		return
	}
	h.mux.ServeHTTP(w, r)
}

type wireError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Handler) record(r *http.Request, e userpool.AuditEvent) {
	if h.opts.Auditor == nil {
		return
	}
	e.RequestID = reqctx.RequestID(r.Context())
	if e.PoolID == "" {
		e.PoolID = r.PathValue("poolId")
	}
	h.opts.Auditor.Record(r.Context(), e)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, rt route) {
	ctx := r.Context()
	reqctx.SetOperation(ctx, ActionPrefix+rt.op)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, wireError{Type: string(userpool.KindInvalidParameter), Message: "The request body is too large."})
		return
	}
	c := &call{r: r, body: body}
	actor, err := h.authenticate(ctx, r, body, rt.op)
	if err != nil {
		h.deny(w, r, rt.op, actor, err)
		return
	}
	c.actor = actor
	reqctx.SetCaller(ctx, reqctx.Caller{Principal: actor})
	status, out, err := rt.serve(h, c)
	e := userpool.AuditEvent{ActorType: audit.ActorPrincipal, Actor: actor, Action: ActionPrefix + rt.op, Target: c.target}
	e.Outcome, e.Detail = audit.Outcome(err)
	if err == nil && status >= 400 {
		e.Outcome = audit.ErrorOutcome("Refused")
	}
	h.record(r, e)
	if err != nil {
		status, werr := h.toWire(err)
		reqctx.SetErrorType(ctx, werr.Type)
		writeJSON(w, status, werr)
		return
	}
	writeJSON(w, status, out)
}

// deny answers an authentication or authorisation failure: 403 with the
// failure's type and message, recorded as a denial.
func (h *Handler) deny(w http.ResponseWriter, r *http.Request, op, actor string, err error) {
	werr := wireError{Type: string(userpool.KindAccessDenied), Message: "Access denied."}
	var se *sigv4.Error
	var de *iam.DeniedError
	switch {
	case errors.As(err, &se):
		werr = wireError{Type: se.Code, Message: se.Message}
	case errors.As(err, &de):
		werr.Message = de.Message
	default:
		h.log.Error("test API: authentication failed", "err", err)
		werr = wireError{Type: string(userpool.KindInternal), Message: "Internal server error."}
		reqctx.SetErrorType(r.Context(), werr.Type)
		writeJSON(w, http.StatusInternalServerError, werr)
		return
	}
	e := userpool.AuditEvent{ActorType: audit.ActorPrincipal, Actor: actor, Action: ActionPrefix + op}
	if actor == "" {
		e.ActorType, e.Actor = audit.ActorAccessKey, audit.ClaimedKeyID(r.Header.Get("Authorization"))
	}
	e.Outcome, e.Detail = audit.Outcome(err)
	h.record(r, e)
	reqctx.SetErrorType(r.Context(), werr.Type)
	writeJSON(w, http.StatusForbidden, werr)
}

// authenticate returns the calling principal when the request is signed by
// a key whose principal holds the root grant (cognito-idp:* on "*"); in
// development mode any well-formed signature ("dev:<access key id>").
// actor is set (with an error) when the key is valid but lacks the grant.
func (h *Handler) authenticate(ctx context.Context, r *http.Request, body []byte, op string) (actor string, err error) {
	if h.opts.Dev {
		a := r.Header.Get("Authorization")
		if strings.TrimSpace(a) == "" && op == "MotoReset" {
			// moto's clients reset unsigned; development mode takes any
			// caller as root anyway, so moto suites run unmodified.
			return "dev:unsigned", nil
		}
		if strings.TrimSpace(a) == "" {
			return "", &sigv4.Error{Code: sigv4.CodeMissingAuthenticationToken, Message: "Missing Authentication Token"}
		}
		az, err := sigv4.ParseAuthorization(a)
		if err != nil {
			return "", err
		}
		return "dev:" + az.AccessKeyID, nil
	}
	res, err := h.verifier.Verify(ctx, r, body)
	if err != nil {
		return "", err
	}
	cred, err := h.opts.Keys.Resolve(ctx, res.AccessKeyID)
	if err != nil {
		return "", err
	}
	name := cred.Principal.Name
	if !rootGrant(cred) {
		arn := iam.PrincipalARN(h.opts.AccountID, name)
		return name, &iam.DeniedError{PrincipalARN: arn, Action: ActionPrefix + op, Resource: "*",
			Message: "User: " + arn + " is not authorized to perform: " + ActionPrefix + op +
				" because the test API requires the grant cognito-idp:* on \"*\""}
	}
	return name, nil
}

// rootGrant reports whether the credential's principal may do everything:
// a grant of cognito-idp:* on "*".
func rootGrant(cred *iam.Credential) bool {
	for _, g := range cred.Principal.Grants {
		if g.Pool != "*" {
			continue
		}
		for _, a := range g.Actions {
			if strings.EqualFold(a, iam.ActionAll) {
				return true
			}
		}
	}
	return false
}

// toWire maps a domain error to its status and body; anything unexpected is
// a 500 without detail (the detail goes to the log).
func (h *Handler) toWire(err error) (int, wireError) {
	de := userpool.AsError(err)
	switch de.Kind {
	case userpool.KindInternal:
		h.log.Error("test API: internal error", "err", err)
		return http.StatusInternalServerError, wireError{Type: string(de.Kind), Message: "Internal server error."}
	case userpool.KindResourceNotFound, userpool.KindUserNotFound:
		return http.StatusNotFound, wireError{Type: string(de.Kind), Message: de.Message}
	}
	return http.StatusBadRequest, wireError{Type: string(de.Kind), Message: de.Message}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// decodeOptional decodes a JSON object body into v; an empty body leaves v.
func (c *call) decodeOptional(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := c.decodeStrict(v); err != nil {
		return userpool.Errorf(userpool.KindInvalidParameter, "The request body is not the expected JSON object: %v", err)
	}
	return nil
}

// ---------------------------------------------------------------- endpoints

type messageOut struct {
	PoolID      string    `json:"poolId"`
	Username    string    `json:"username"`
	Medium      string    `json:"medium"`
	Destination string    `json:"destination"`
	Purpose     string    `json:"purpose"`
	Code        string    `json:"code"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	SentAt      time.Time `json:"sentAt"`
}

// messages lists what was sent to a user (username, alias or sub), oldest
// first. A user deleted since is looked up by the name as given.
func (h *Handler) messages(c *call) (int, any, error) {
	pool, username := c.r.PathValue("poolId"), c.r.URL.Query().Get("username")
	c.target = username
	if username == "" {
		return 0, nil, userpool.Errorf(userpool.KindInvalidParameter, "The query parameter username is required.")
	}
	if h.opts.Messages == nil {
		return http.StatusNotFound, wireError{Type: "NotRecording", Message: "Messages are not recorded."}, nil
	}
	name := username
	u, err := h.svc.AdminGetUser(c.r.Context(), pool, username)
	switch {
	case err == nil:
		name = u.Username
	case userpool.KindOf(err) == userpool.KindUserNotFound:
	default:
		return 0, nil, err
	}
	out := []messageOut{}
	for _, m := range h.opts.Messages.Messages(pool, name) {
		out = append(out, messageOut{PoolID: m.PoolID, Username: m.Username, Medium: m.Medium, Destination: m.Destination,
			Purpose: m.Purpose, Code: m.Code, Subject: m.Subject, Body: m.Body, SentAt: m.SentAt})
	}
	return http.StatusOK, map[string]any{"messages": out}, nil
}

// tokens mints tokens for a user through an app client, as Cognito's
// AuthenticationResult.
func (h *Handler) tokens(c *call) (int, any, error) {
	var in struct {
		ClientID string `json:"clientId"`
	}
	c.target = c.r.PathValue("username")
	if err := c.decodeOptional(&in); err != nil {
		return 0, nil, err
	}
	if in.ClientID == "" {
		return 0, nil, userpool.Errorf(userpool.KindInvalidParameter, `Expected {"clientId": "<app client id>"}.`)
	}
	res, err := h.svc.MintTokens(c.r.Context(), c.r.PathValue("poolId"), in.ClientID, c.target)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": res.AccessToken, "IdToken": res.IDToken, "RefreshToken": res.RefreshToken,
		"ExpiresIn": res.ExpiresIn, "TokenType": res.TokenType,
	}}, nil
}

// status moves a user to a status.
func (h *Handler) status(c *call) (int, any, error) {
	var in struct {
		Status string `json:"status"`
	}
	c.target = c.r.PathValue("username")
	if err := c.decodeOptional(&in); err != nil {
		return 0, nil, err
	}
	u, err := h.svc.SetUserStatus(c.r.Context(), c.r.PathValue("poolId"), c.target, in.Status)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"username": u.Username, "status": u.Status, "enabled": u.Enabled}, nil
}

// resetPool deletes a pool's users, groups and clients (the pool stays).
func (h *Handler) resetPool(c *call) (int, any, error) {
	var in struct {
		KeepGroups  bool `json:"keepGroups"`
		KeepClients bool `json:"keepClients"`
	}
	if err := c.decodeOptional(&in); err != nil {
		return 0, nil, err
	}
	pool := c.r.PathValue("poolId")
	rep, err := h.svc.ResetPool(c.r.Context(), pool, userpool.ResetOptions{KeepGroups: in.KeepGroups, KeepClients: in.KeepClients})
	if h.opts.Messages != nil && err == nil {
		h.opts.Messages.ForgetPool(pool)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rep, nil
}

// motoReset is moto's POST /moto-api/reset: everything is deleted (every
// pool; principals and their keys stay) and the answer is moto's
// {"status": "ok"}. Another method gets moto's 400.
func (h *Handler) motoReset(c *call) (int, any, error) {
	if c.r.Method != http.MethodPost {
		return http.StatusBadRequest, map[string]string{"Error": "Need to POST to reset Moto"}, nil
	}
	rep, err := h.svc.ResetAll(c.r.Context())
	if err != nil {
		return 0, nil, err
	}
	if h.opts.Messages != nil {
		h.opts.Messages.ForgetPool("")
	}
	h.log.Info("test API: reset every pool (moto-api/reset)", "pools", rep.Pools, "caller", c.actor)
	return http.StatusOK, map[string]string{"status": "ok"}, nil
}
