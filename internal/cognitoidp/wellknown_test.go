package cognitoidp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

func TestWellKnownDocuments(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	get := func(method, path string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	// The JWKS exists before any sign-in and holds the ID and access keys.
	resp, body := get("GET", "/"+pool+"/.well-known/jwks.json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "public, max-age=300" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("jwks: %d %v", resp.StatusCode, resp.Header)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(body, &jwks); err != nil || len(jwks.Keys) != 2 {
		t.Fatalf("jwks body %s: %v", body, err)
	}
	for _, k := range jwks.Keys {
		if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["kid"] == "" || k["n"] == "" {
			t.Fatalf("key %v", k)
		}
	}
	// Tokens issued afterwards are signed by the published keys.
	c := e.client(t, pool, nil)
	e.user(t, pool, "alice")
	res := e.mustPasswordAuth(t, c, "alice")
	e.claims(t, pool, *res.AccessToken, "access")
	_, body2 := get("GET", "/"+pool+"/.well-known/jwks.json")
	if string(body2) != string(body) {
		t.Fatal("JWKS changed after the first sign-in")
	}

	resp, body = get("GET", "/"+pool+"/.well-known/openid-configuration")
	var disc map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(body, &disc) != nil {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}
	if disc["issuer"] != "https://cognito-idp.us-east-1.amazonaws.com/"+pool || disc["jwks_uri"] != "https://idp.example/"+pool+"/.well-known/jwks.json" {
		t.Fatalf("discovery = %v", disc)
	}

	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/us-east-1_Nope123/.well-known/jwks.json", 404},
		{"GET", "/us-east-1_Nope123/.well-known/openid-configuration", 404},
		{"GET", "/" + pool + "/.well-known/other.json", 404},
		{"HEAD", "/" + pool + "/.well-known/jwks.json", 200},
	} {
		resp, body := get(tc.method, tc.path)
		if resp.StatusCode != tc.status {
			t.Fatalf("%s %s = %d %s", tc.method, tc.path, resp.StatusCode, body)
		}
		if tc.status == 404 {
			var m map[string]string
			if json.Unmarshal(body, &m) != nil || m["message"] == "" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("404 body %q headers %v", body, resp.Header)
			}
		}
	}
}
