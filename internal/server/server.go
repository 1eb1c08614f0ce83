package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"userpool/internal/awsjson"
	"userpool/internal/reqctx"
)

// Options are the parts the server routes to. Nil parts are not routed.
type Options struct {
	Cognito http.Handler
	// Identity serves POST / requests whose X-Amz-Target is
	// AWSCognitoIdentityService.* (internal/identity); IdentityRoutes are
	// its other routes (pattern -> handler, e.g. its JWKS).
	Identity       http.Handler
	IdentityRoutes map[string]http.Handler
	// WellKnown serves GET /{poolId}/.well-known/{jwks.json,openid-configuration}.
	WellKnown http.Handler
	// AdminQueries serves /adminqueries/{poolId}/...
	AdminQueries http.Handler
	// ImportUpload serves the pre-signed CSV uploads of user import jobs
	// (PUT /_userpool/import-jobs/{jobId}).
	ImportUpload http.Handler
	// OAuth serves the hosted login and OAuth 2.0 endpoints of pool domains
	// (internal/oauth): each of OAuthRoutes ("/oauth2/token", "/login", ...)
	// under the path prefix "/{domain}" and at the root, where the face
	// resolves the domain from the Host header.
	OAuth       http.Handler
	OAuthRoutes []string
	// TestAPI serves the test API (internal/testapi) under each of
	// TestAPIPrefixes ("/_userpool/", "/moto-api/"); it answers 403 itself
	// while the API is off.
	TestAPI         http.Handler
	TestAPIPrefixes []string
	// GraphQL serves the declared GraphQL APIs (internal/graphql) at
	// /graphql and /graphql/<api>.
	GraphQL http.Handler
	// Console serves the embedded admin console (internal/console) at
	// /console/; nil when it is off.
	Console http.Handler
	// Health is the liveness check of /healthz (e.g. a store ping); nil
	// means always healthy.
	Health func(ctx context.Context) error
	// Readiness are the checks of /readyz (store writable, signing keys
	// loadable, ...), run in order; none means always ready.
	Readiness []ReadinessCheck
	// Metrics, if set, is served at GET /metrics. Leave it nil when the
	// metrics have a listener of their own (server.metrics_listen).
	Metrics http.Handler
	// Observe, if set, is told of every request after it is answered
	// (metrics.Metrics.ObserveRequest through a small adapter).
	Observe func(RequestInfo)
	// SourceLimit, if set, is the early per-source check of unsigned
	// Cognito calls (early.go): a refused call is answered before its body
	// is read. Nil: the Cognito face's own, if it offers one
	// (EarlySourceLimiter).
	SourceLimit func(remoteAddr, operation string) bool
	// RefusalHold holds the early refusals back before answering them
	// (early.go); zero answers them at once.
	RefusalHold RefusalHold
	// AccessLog sets the access log's level and sampling.
	AccessLog AccessLog
	Logger    *slog.Logger
}

// RequestInfo is what Observe is told of a request.
type RequestInfo struct {
	Operation    string
	ErrorType    string
	ErrorMessage string // x-amzn-ErrorMessage, if answered
	Status       int
	Duration     time.Duration
}

// Handler builds the root handler.
func Handler(opts Options) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if opts.Health != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := opts.Health(ctx); err != nil {
				log.Error("health check failed", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"status":"unavailable"}`))
				return
			}
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", readyz(opts.Readiness, log))
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}
	if opts.Cognito != nil {
		root := face(opts.Cognito, awsJSONInternalError, cors(opts.Cognito))
		if opts.Identity != nil {
			root = byTargetPrefix(identityTargetPrefix, face(opts.Identity, awsJSONInternalError, cors(opts.Identity)), root)
		}
		mux.Handle("POST /{$}", root)
		mux.HandleFunc("OPTIONS /{$}", preflight)
	}
	if opts.WellKnown != nil || opts.OAuth != nil {
		// A sub-mux under "/": the wildcard patterns would otherwise be
		// ambiguous with the /adminqueries/ subtree for ServeMux.
		wk := http.NewServeMux()
		if opts.WellKnown != nil {
			wk.Handle("GET /{poolId}/.well-known/{doc}", face(opts.WellKnown, plainInternalError, cors(opts.WellKnown)))
		}
		if opts.OAuth != nil {
			for _, route := range opts.OAuthRoutes {
				wk.Handle("/{domain}"+route, face(opts.OAuth, plainInternalError, opts.OAuth))
				mux.Handle(route, face(opts.OAuth, plainInternalError, opts.OAuth))
			}
		}
		mux.Handle("/", wk)
	}
	for pattern, h := range opts.IdentityRoutes {
		mux.Handle(pattern, face(h, plainInternalError, h))
	}
	if opts.AdminQueries != nil {
		mux.Handle("/adminqueries/", face(opts.AdminQueries, plainInternalError, opts.AdminQueries))
	}
	if opts.TestAPI != nil {
		for _, prefix := range opts.TestAPIPrefixes {
			mux.Handle(prefix, face(opts.TestAPI, plainInternalError, opts.TestAPI))
		}
	}
	if opts.GraphQL != nil {
		mux.Handle("/graphql", face(opts.GraphQL, plainInternalError, opts.GraphQL))
		mux.Handle("/graphql/", face(opts.GraphQL, plainInternalError, opts.GraphQL))
	}
	if opts.ImportUpload != nil {
		mux.Handle("PUT /_userpool/import-jobs/{jobId}", face(opts.ImportUpload, plainInternalError, opts.ImportUpload))
	}
	if opts.Console != nil {
		mux.Handle("/console/", face(opts.Console, plainInternalError, opts.Console))
		mux.Handle("/console", face(opts.Console, plainInternalError, opts.Console))
	}
	h := withRequest(log, opts.AccessLog, opts.Observe, mux)
	early := opts.SourceLimit
	if e, ok := opts.Cognito.(EarlySourceLimiter); ok && early == nil {
		early = e.EarlySourceLimit()
	}
	if early != nil {
		h = earlyLimit(early, newHolder(opts.RefusalHold), h)
	}
	return h
}

// Cognito CORS, as observed on the real service: any origin, and the
// headers the SDKs read exposed.
func cors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Expose-Headers", "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date")
		h.ServeHTTP(w, r)
	})
}

func preflight(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "content-type, x-amz-target, x-amz-user-agent, cache-control, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request")
	hd.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusOK)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// PanicAnswerer is implemented by a face whose answer to a request that
// panicked is not the server's default for its route: the face writes a
// 500 in its own protocol's shape (headers and body). The server's
// recovery, the only one, calls it when nothing has been written yet.
// Faces implement it without importing this package.
type PanicAnswerer interface {
	AnswerPanic(w http.ResponseWriter, r *http.Request)
}

// panicAnswer writes a request's 500 after a panic.
type panicAnswer func(w http.ResponseWriter, r *http.Request)

// awsJSONInternalError is the AWS JSON 1.1 answer (the Cognito face's
// InternalErrorException).
func awsJSONInternalError(w http.ResponseWriter, r *http.Request) {
	e := &awsjson.Error{Type: "InternalErrorException", Message: "Internal server error.", Status: http.StatusInternalServerError}
	reqctx.SetErrorType(r.Context(), e.Type)
	awsjson.WriteError(w, reqctx.RequestID(r.Context()), e)
}

// plainInternalError is the answer of routes without a protocol of their own.
func plainInternalError(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": "Internal server error"})
}

// answerKey holds, in a request's context, the slot where the face that
// serves the request puts its panic answer for withRequest's recovery.
type answerKey struct{}

type answerSlot struct{ answer panicAnswer }

// face mounts h (as served by next, h wrapped in route middleware): the
// request's panic answer becomes h's own (see PanicAnswerer) or def.
func face(h http.Handler, def panicAnswer, next http.Handler) http.Handler {
	answer := def
	if pa, ok := h.(PanicAnswerer); ok {
		answer = pa.AnswerPanic
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slot, ok := r.Context().Value(answerKey{}).(*answerSlot); ok {
			slot.answer = answer
		}
		next.ServeHTTP(w, r)
	})
}

// withRequest assigns a request id, recovers panics (the one recovery of
// the process: faces have none), tells observe of the request and writes
// its access-log line (as access says: errors always). It never logs bodies, headers or query strings, which may carry
// passwords, tokens or signatures.
func withRequest(log *slog.Logger, access AccessLog, observe func(RequestInfo), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := uuid.NewString()
		slot := &answerSlot{answer: plainInternalError}
		ctx := reqctx.WithRequest(r.Context(), id)
		ctx = context.WithValue(ctx, answerKey{}, slot)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic serving request", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					slot.answer(sw, r)
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			if observe != nil {
				observe(RequestInfo{
					Operation:    reqctx.Operation(ctx),
					ErrorType:    reqctx.ErrorType(ctx),
					ErrorMessage: sw.Header().Get("x-amzn-ErrorMessage"),
					Status:       status,
					Duration:     elapsed,
				})
			}
			level, ok := access.line(status, reqctx.ErrorType(ctx))
			if !ok {
				return
			}
			attrs := []any{
				"request_id", id,
				"method", r.Method,
				"path", r.URL.Path,
				"status", status,
				"duration_ms", float64(elapsed.Microseconds()) / 1000,
			}
			if op := reqctx.Operation(ctx); op != "" {
				attrs = append(attrs, "operation", op)
			}
			if et := reqctx.ErrorType(ctx); et != "" {
				attrs = append(attrs, "error_type", et)
			}
			if c := reqctx.CallerOf(ctx); c.Principal != "" {
				attrs = append(attrs, "principal", c.Principal)
			} else if c.User != "" {
				attrs = append(attrs, "user_sub", c.User)
			}
			log.Log(ctx, level, "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// identityTargetPrefix is the X-Amz-Target prefix of cognito-identity.
const identityTargetPrefix = "AWSCognitoIdentityService."

// byTargetPrefix sends POST / requests whose X-Amz-Target has prefix to
// match and every other one to rest.
func byTargetPrefix(prefix string, match, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), prefix) {
			match.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
