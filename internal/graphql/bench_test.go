package graphql_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGraphQLAddUserToGroup: an authorized GraphQL call of the
// built-in addUserToGroup (token check, document from the cache, the
// group rule, the domain call, the answer), in process. Compare with
// cognitoidp's BenchmarkHotAdminAddUserToGroup (the same action over the
// Cognito JSON API).
func BenchmarkGraphQLAddUserToGroup(b *testing.B) {
	e := newEnv(b)
	tok := e.user(e.pool, e.client, "alice", "ADMINS").AccessToken
	e.user(e.pool, e.client, "carol")
	body := []byte(`{"query":"mutation($userId: String!, $groupName: String!) {\n  addUserToGroup(userId: $userId, groupName: $groupName)\n}\n","variables":{"userId":"carol","groupName":"ADMINS"}}`)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Authorization", tok)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkTokenVerification is the token check every call rests on.
func BenchmarkTokenVerification(b *testing.B) {
	e := newEnv(b)
	tok := e.user(e.pool, e.client, "alice", "ADMINS").AccessToken
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.AuthenticateUserToken(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
