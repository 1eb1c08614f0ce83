package adminqueries_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"userpool/internal/adminqueries"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// The handler has no recovery of its own: the server recovers a panicking
// route and asks the face for its answer (server.PanicAnswerer). The answer
// is the API's internal error, with the pool's CORS headers.
func TestAnswerPanic(t *testing.T) {
	t.Parallel()
	pools := map[string]adminqueries.PoolConfig{
		"us-east-1_strict":   {Enabled: true, AllowedOrigins: []string{"https://admin.example"}},
		"us-east-1_template": {Enabled: true, Compat: adminqueries.CompatTemplate},
	}
	h := adminqueries.New(new(userpool.Service), adminqueries.Options{
		Pools: func(id string) (adminqueries.PoolConfig, bool) { c, ok := pools[id]; return c, ok },
	})
	pa, ok := h.(interface {
		AnswerPanic(http.ResponseWriter, *http.Request)
	})
	if !ok {
		t.Fatal("the Admin Queries handler does not answer panics (server.PanicAnswerer)")
	}
	cases := []struct {
		name, path, origin  string
		allowOrigin, errTyp string
	}{
		{"strict pool", "/adminqueries/us-east-1_strict/listUsers", "https://admin.example", "https://admin.example", "InternalErrorException"},
		{"strict pool, foreign origin", "/adminqueries/us-east-1_strict/listUsers", "https://evil.example", "", "InternalErrorException"},
		{"template pool", "/adminqueries/us-east-1_template/getUser", "", "*", ""},
		{"unknown pool", "/adminqueries/us-east-1_nope/getUser", "", "*", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, c.path, nil)
			if c.origin != "" {
				r.Header.Set("Origin", c.origin)
			}
			r = r.WithContext(reqctx.WithRequest(context.Background(), "rid-7"))
			w := httptest.NewRecorder()
			pa.AnswerPanic(w, r)
			if w.Code != http.StatusInternalServerError || w.Body.String() != `{"message":"Internal server error."}` {
				t.Errorf("answer %d %s", w.Code, w.Body.String())
			}
			hd := w.Header()
			if hd.Get("Content-Type") != "application/json; charset=utf-8" || hd.Get("x-amzn-RequestId") != "rid-7" {
				t.Errorf("headers %v", hd)
			}
			if hd.Get("Access-Control-Allow-Origin") != c.allowOrigin || hd.Get("x-amzn-ErrorType") != c.errTyp {
				t.Errorf("allow-origin %q error type %q, want %q %q", hd.Get("Access-Control-Allow-Origin"), hd.Get("x-amzn-ErrorType"), c.allowOrigin, c.errTyp)
			}
		})
	}
}
