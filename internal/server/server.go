package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/google/uuid"

	"userpool/internal/awsjson"
	"userpool/internal/cognitoidp"
)

// Options are the parts the server routes to. Nil parts are not routed.
type Options struct {
	Cognito http.Handler
	// WellKnown serves GET /{poolId}/.well-known/{jwks.json,openid-configuration}.
	WellKnown http.Handler
	// AdminQueries serves /adminqueries/{poolId}/...
	AdminQueries http.Handler
	// Health reports readiness (e.g. a store ping); nil means always healthy.
	Health func(ctx context.Context) error
	Logger *slog.Logger
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
	if opts.Cognito != nil {
		mux.Handle("POST /{$}", cors(opts.Cognito))
		mux.HandleFunc("OPTIONS /{$}", preflight)
	}
	if opts.WellKnown != nil {
		// A sub-mux under "/": the wildcard pattern would otherwise be
		// ambiguous with the /adminqueries/ subtree for ServeMux.
		wk := http.NewServeMux()
		wk.Handle("GET /{poolId}/.well-known/{doc}", cors(opts.WellKnown))
		mux.Handle("/", wk)
	}
	if opts.AdminQueries != nil {
		mux.Handle("/adminqueries/", opts.AdminQueries)
	}
	return withRequest(log, mux)
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

// withRequest assigns a request id, recovers panics and writes one access-log
// line per request. It never logs bodies, headers or query strings, which may
// carry passwords, tokens or signatures.
func withRequest(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := uuid.NewString()
		info := &cognitoidp.OperationInfo{}
		ctx := cognitoidp.WithRequestID(r.Context(), id)
		ctx = cognitoidp.WithInfo(ctx, info)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic serving request", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					if r.URL.Path == "/" {
						awsjson.WriteError(sw, id, &awsjson.Error{Type: "InternalErrorException", Message: "Internal server error.", Status: 500})
					} else {
						sw.Header().Set("Content-Type", "application/json")
						sw.WriteHeader(http.StatusInternalServerError)
						_ = json.NewEncoder(sw).Encode(map[string]string{"message": "Internal server error"})
					}
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			attrs := []any{
				"request_id", id,
				"method", r.Method,
				"path", r.URL.Path,
				"status", status,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			}
			if info.Operation != "" {
				attrs = append(attrs, "operation", info.Operation)
			}
			if info.ErrorType != "" {
				attrs = append(attrs, "error_type", info.ErrorType)
			}
			log.Info("request", attrs...)
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}
