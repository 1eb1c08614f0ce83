package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The OAuth face's routes sit beside every other face without ServeMux
// conflicts: under /{domain}/ and at the root, while the well-known
// documents, Admin Queries and import uploads keep their own.
func TestOAuthRoutes(t *testing.T) {
	h := Handler(Options{
		Cognito:      tagged("cognito"),
		WellKnown:    tagged("wellknown"),
		AdminQueries: tagged("adminqueries"),
		ImportUpload: tagged("import"),
		OAuth:        tagged("oauth"),
		OAuthRoutes:  []string{"/oauth2/authorize", "/oauth2/token", "/login", "/logout", "/oauth.css"},
	})
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/my-domain/oauth2/authorize", "oauth"},
		{"POST", "/my-domain/oauth2/token", "oauth"},
		{"POST", "/oauth2/token", "oauth"},
		{"GET", "/login", "oauth"},
		{"GET", "/my-domain/logout", "oauth"},
		{"GET", "/us-east-1_abc/.well-known/jwks.json", "wellknown"},
		{"GET", "/adminqueries/listUsers", "adminqueries"},
		{"GET", "/adminqueries/oauth2/token", "adminqueries"},
		{"PUT", "/_userpool/import-jobs/j1", "import"},
		{"POST", "/", "cognito"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if b, _ := io.ReadAll(rec.Body); string(b) != tc.want {
			t.Errorf("%s %s: served by %q, want %q", tc.method, tc.path, b, tc.want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/my-domain/unknown", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown path: %d", rec.Code)
	}
}
