package console_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"userpool/internal/console"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// The audit page lists newest first, a page of PageSize, with its pager
// above the table (so paging does not move it).
var (
	auditRowRe  = regexp.MustCompile(`<tr><td>[^<]*</td><td>principal: ops-bot</td><td>ops:step</td><td>[^<]*</td><td>(t-\d+)</td>`)
	olderLinkRe = regexp.MustCompile(`href="([^"]*)">Older events</a>`)
)

func TestAuditNewestFirst(t *testing.T) {
	e := newEnv(t)
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []userpool.AuditEvent
	for i := range console.PageSize + 1 {
		evs = append(evs, userpool.AuditEvent{Time: start.Add(time.Duration(i) * time.Minute), ActorType: "principal", Actor: "ops-bot",
			Action: "ops:step", PoolID: e.pool.ID, Target: fmt.Sprintf("t-%02d", i), Outcome: "allowed"})
	}
	if err := e.svc.AppendAudit(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn(id, secret)
	targets := func(body string) []string {
		var out []string
		for _, m := range auditRowRe.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	pagerFirst := func(body string) bool {
		p, tbl := strings.Index(body, `id="audit-pager"`), strings.Index(body, `<table class="audit">`)
		return p >= 0 && tbl >= 0 && p < tbl
	}
	code, body := b.get("/console/audit?actor=ops-bot")
	got := targets(body)
	if code != 200 || len(got) != console.PageSize || got[0] != "t-60" || got[len(got)-1] != "t-01" {
		t.Fatalf("first page: %d, %d rows %v", code, len(got), got)
	}
	if !pagerFirst(body) || !strings.Contains(body, `aria-disabled="true">Newest events`) {
		t.Errorf("first page's pager (above the table, Newest disabled):\n%s", body)
	}
	m := olderLinkRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to older events:\n%s", body)
	}
	code, body = b.get("/console/audit" + html.UnescapeString(m[1]))
	if got := targets(body); code != 200 || len(got) != 1 || got[0] != "t-00" {
		t.Fatalf("second page: %d %v\n%s", code, got, body)
	}
	if !pagerFirst(body) || !strings.Contains(body, `aria-disabled="true">Older events`) || !strings.Contains(body, `">Newest events</a>`) {
		t.Errorf("last page's pager:\n%s", body)
	}
}

// fakeKeys is a pool's signing keys in memory.
type fakeKeys struct{ n int }

func (f *fakeKeys) ListSigningKeys(context.Context, string) ([]console.SigningKey, error) {
	var out []console.SigningKey
	for i := range f.n {
		out = append(out, console.SigningKey{KID: fmt.Sprintf("kid-%d", i), Use: "sig"})
	}
	return out, nil
}

func (f *fakeKeys) RotateSigningKeys(context.Context, string) error { f.n++; return nil }

// Rotating keys is audited as console:rotateKeys (not console:console:…).
func TestRotateKeysAudited(t *testing.T) {
	keys := &fakeKeys{n: 1}
	e := newEnvB(t, func(o *console.Options) { o.SigningKeys = keys })
	id, secret := e.principal("root", store.Grant{Pool: "*", Actions: []string{"cognito-idp:*"}})
	b := e.browser()
	csrf := b.signIn(id, secret)
	if code, body, _ := b.post("/console/pools/"+e.pool.ID+"/keys/rotate", map[string][]string{"_csrf": {csrf}}); code != 303 {
		t.Fatalf("rotate: %d %s", code, body)
	}
	if _, body := b.get("/console/pools/" + e.pool.ID + "/keys?done=rotate"); !strings.Contains(body, "kid-1") || !strings.Contains(body, "Signing keys rotated.") {
		t.Errorf("keys page after rotating:\n%s", body)
	}
	evs := e.auditEvents("console:rotateKeys")
	if len(evs) != 1 || evs[0].Actor != "root" || evs[0].Outcome != "allowed" || evs[0].PoolID != e.pool.ID {
		t.Errorf("audit: %+v", evs)
	}
}
