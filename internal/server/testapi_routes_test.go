package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The test API gets every path under its prefixes, the import upload keeps
// its PUT, and the well-known documents stay where they are.
func TestTestAPIRoutes(t *testing.T) {
	t.Parallel()
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, name) })
	}
	h := Handler(Options{
		TestAPI:         named("testapi"),
		TestAPIPrefixes: []string{"/_userpool/", "/moto-api/"},
		ImportUpload:    named("import"),
		WellKnown:       named("wellknown"),
	})
	for _, c := range []struct{ method, path, want string }{
		{"POST", "/_userpool/clock", "testapi"},
		{"GET", "/_userpool/pools/us-east-1_x/messages?username=a", "testapi"},
		{"POST", "/moto-api/reset", "testapi"},
		{"PUT", "/_userpool/import-jobs/job1", "import"},
		{"GET", "/us-east-1_x/.well-known/jwks.json", "wellknown"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if got := w.Body.String(); got != c.want {
			t.Errorf("%s %s went to %q, want %q", c.method, c.path, got, c.want)
		}
	}
}
