package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"userpool/internal/store"
)

// BenchmarkUsersPage renders a users page of 60 (console.PageSize) in a
// pool of 100,000 users, server time only (the handler called in
// process): the first page, a prefix-filtered page and a page deep in the
// keyset order. Populated with the store's batch CreateUsers.
func BenchmarkUsersPage(b *testing.B) {
	e := newEnvB(b)
	ctx := context.Background()
	const n = 100_000
	now := time.Now().UTC()
	batch := make([]store.User, 0, 1000)
	for i := range n {
		name := fmt.Sprintf("user%06d", i)
		batch = append(batch, store.User{PoolID: e.pool.ID, Username: name, UsernameKey: name, Sub: uuid.NewString(),
			Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"},
			Aliases: map[string]string{}, CreatedAt: now, UpdatedAt: now})
		if len(batch) == cap(batch) {
			if _, err := e.st.CreateUsers(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	br := e.browser()
	br.signIn(id, secret)
	_, deep := br.get("/console/pools/" + e.pool.ID + "/users?filter=" + "username+%5E%3D+%22user05%22")
	if !strings.Contains(deep, "user050000") {
		b.Fatal("filtered page lacks user050000")
	}
	cookies := br.c.Jar.Cookies(mustURL(e.srv.URL + "/console/"))
	for _, bc := range []struct{ name, query string }{
		{"first", ""},
		{"email-prefix", "?filter=email+%5E%3D+%22user0777%22"},
		{"username-prefix", "?filter=username+%5E%3D+%22user09%22"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/console/pools/"+e.pool.ID+"/users"+bc.query, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			for b.Loop() {
				w := httptest.NewRecorder()
				e.srv.Config.Handler.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body.String())
				}
			}
		})
	}
}
