package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Env is what every operation needs.
type Env struct {
	C         *Client
	Pool      *Pool
	Users     int // users in the pool
	AuthUsers int
	Password  string
	RunID     string
	Ceiling   bool

	srp *SRPClient

	pairMu sync.Mutex
	pairs  map[int][]pair // worker id → memberships added by the add phase

	tokens []string // access tokens for GetUser
	admin  string   // access token of an Admins member
}

type pair struct{ user, group int }

// Op is one named operation of the workload.
type Op struct {
	Name string
	// Signed: a SigV4 admin call.
	Signed bool
	// NoCeiling: the operation needs real answers (walks, challenges).
	NoCeiling bool
	// Prepare runs once before the phase (tokens, SRP keys); an error skips the phase.
	Prepare func(ctx context.Context, e *Env) error
	// Concurrency overrides the run's concurrency (0: use it).
	Concurrency int
	// UserpoolOnly: a route the peers do not have (Admin Queries).
	UserpoolOnly bool
	Fn           func(ctx context.Context, e *Env, w *Worker) error
	Note         string
}

func (e *Env) randUser(w *Worker) string {
	if e.Users <= 0 {
		return userName(0)
	}
	return userName(w.Rand.IntN(e.Users))
}

// Operation bodies are built by hand: the inputs are a handful of ASCII
// strings, so this is exact and keeps the client cheap.
func q(s string) string { return strconv.Quote(s) }

func (e *Env) call(ctx context.Context, op, body string, out any, signed bool) error {
	return e.C.CallRaw(ctx, op, []byte(body), out, signed)
}

// Ops lists every operation in the order they run.
func Ops() []*Op {
	return []*Op{
		{Name: "AdminGetUser", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			return e.call(ctx, "AdminGetUser", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(e.randUser(w))+`}`, nil, true)
		}},
		{Name: "AdminListGroupsForUser", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			return e.call(ctx, "AdminListGroupsForUser", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(e.randUser(w))+`,"Limit":60}`, nil, true)
		}},
		{Name: "AdminAddUserToGroup", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			p := pair{w.Rand.IntN(max(e.Users, 1)), w.Rand.IntN(scratchGroups)}
			err := e.call(ctx, "AdminAddUserToGroup", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(userName(p.user))+`,"GroupName":"scratch-`+strconv.Itoa(p.group)+`"}`, nil, true)
			if err == nil {
				e.pairMu.Lock()
				if len(e.pairs[w.ID]) < 200000 {
					e.pairs[w.ID] = append(e.pairs[w.ID], p)
				}
				e.pairMu.Unlock()
			}
			return err
		}, Note: "random user into one of 10 scratch groups"},
		{Name: "AdminRemoveUserFromGroup", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			e.pairMu.Lock()
			l := e.pairs[w.ID]
			var p pair
			if len(l) > 0 {
				p = l[len(l)-1]
				e.pairs[w.ID] = l[:len(l)-1]
			} else {
				p = pair{w.Rand.IntN(max(e.Users, 1)), w.Rand.IntN(scratchGroups)}
			}
			e.pairMu.Unlock()
			return e.call(ctx, "AdminRemoveUserFromGroup", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(userName(p.user))+`,"GroupName":"scratch-`+strconv.Itoa(p.group)+`"}`, nil, true)
		}, Note: "removes the memberships the add phase made (then random ones)"},
		{Name: "AdminCreateUser", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			u := fmt.Sprintf("new-%s-%d-%d@example.com", e.RunID, w.ID, w.Iter)
			return e.call(ctx, "AdminCreateUser", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(u)+`,"MessageAction":"SUPPRESS","TemporaryPassword":`+q(e.Password)+
				`,"UserAttributes":[{"Name":"email","Value":`+q(u)+`}]}`, nil, true)
		}, Note: "includes hashing the temporary password (server's configured cost) and the SRP verifier"},
		{Name: "AdminCreateUser-generated", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			u := fmt.Sprintf("gen-%s-%d-%d@example.com", e.RunID, w.ID, w.Iter)
			return e.call(ctx, "AdminCreateUser", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(u)+`,"MessageAction":"SUPPRESS"`+
				`,"UserAttributes":[{"Name":"email","Value":`+q(u)+`}]}`, nil, true)
		}, Note: "the server generates the temporary password and suppresses the invitation"},
		{Name: "AdminCreateUser-generated-delivered", Signed: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			u := fmt.Sprintf("inv-%s-%d-%d@example.com", e.RunID, w.ID, w.Iter)
			return e.call(ctx, "AdminCreateUser", `{"UserPoolId":`+q(e.Pool.ID)+`,"Username":`+q(u)+`,"DesiredDeliveryMediums":["EMAIL"]`+
				`,"UserAttributes":[{"Name":"email","Value":`+q(u)+`}]}`, nil, true)
		}, Note: "the server generates the temporary password and delivers the invitation (log sender)"},
		{Name: "ListUsers-prefix", Signed: true, Fn: listUsersPrefix,
			Note: `Filter email ^= "userNNNNN" (100 matches), Limit 60`},
		{Name: "ListUsers-prefix-c1", Signed: true, NoCeiling: true, Fn: listUsersPrefix, Concurrency: 1,
			Note: "the same filter by a single client (unloaded latency)"},
		{Name: "ListUsers-paging", Signed: true, NoCeiling: true, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			// Each worker pages through the whole pool with its own token (keyset
			// paging): the measured latency is per page, at every depth.
			tok, _ := w.State.(string)
			body := `{"UserPoolId":` + q(e.Pool.ID) + `,"Limit":60`
			if tok != "" {
				body += `,"PaginationToken":` + q(tok)
			}
			var out struct{ PaginationToken string }
			err := e.call(ctx, "ListUsers", body+`}`, &out, true)
			if err != nil {
				w.State = ""
				return err
			}
			w.State = out.PaginationToken
			return nil
		}, Note: "one page of 60, continuing each worker's walk through the whole pool"},
		{Name: "ListUsersInGroup-walk", Signed: true, NoCeiling: true, Fn: walkGroup,
			Note: "latency per whole walk of the walk group, 60 per page; sub = per page"},
		{Name: "ListUsersInGroup-walk-c1", Signed: true, NoCeiling: true, Fn: walkGroup, Concurrency: 1,
			Note: "the same walk by a single client (unloaded walk latency)"},
		{Name: "InitiateAuth-USER_PASSWORD_AUTH", Fn: func(ctx context.Context, e *Env, w *Worker) error {
			u := userName(w.Rand.IntN(max(min(e.AuthUsers, e.Users), 1)))
			return e.call(ctx, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":`+q(e.Pool.ClientID)+
				`,"AuthParameters":{"USERNAME":`+q(u)+`,"PASSWORD":`+q(e.Password)+`}}`, nil, false)
		}, Note: "bound by the server's password-hash cost"},
		{Name: "USER_SRP_AUTH", NoCeiling: true,
			Prepare: func(ctx context.Context, e *Env) error {
				var err error
				e.srp, err = NewSRPClient(e.Pool.ID, 64)
				return err
			},
			Fn: func(ctx context.Context, e *Env, w *Worker) error {
				u := userName(w.Rand.IntN(max(min(e.AuthUsers, e.Users), 1)))
				k := int(w.Iter)*7 + w.ID
				var ch struct {
					ChallengeName       string
					ChallengeParameters map[string]string
					Session             string
				}
				t0 := time.Now()
				err := e.call(ctx, "InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":`+q(e.Pool.ClientID)+
					`,"AuthParameters":{"USERNAME":`+q(u)+`,"SRP_A":"`+e.srp.SRPA(k)+`"}}`, &ch, false)
				w.SubReqs++
				if err != nil {
					return err
				}
				w.Sub.Record(time.Since(t0))
				if ch.ChallengeName != "PASSWORD_VERIFIER" {
					return fmt.Errorf("challenge %q", ch.ChallengeName)
				}
				resp, err := e.srp.Verify(k, ch.ChallengeParameters, e.Password, time.Now())
				if err != nil {
					return err
				}
				in := map[string]any{"ChallengeName": "PASSWORD_VERIFIER", "ClientId": e.Pool.ClientID, "ChallengeResponses": resp}
				if ch.Session != "" {
					in["Session"] = ch.Session
				}
				var out struct{ AuthenticationResult *struct{ AccessToken string } }
				t1 := time.Now()
				err = e.C.Call(ctx, "RespondToAuthChallenge", in, &out, false)
				w.SubReqs++
				if err != nil {
					return err
				}
				w.Sub.Record(time.Since(t1))
				if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "" {
					return errors.New("no tokens after PASSWORD_VERIFIER")
				}
				return nil
			}, Note: "InitiateAuth + RespondToAuthChallenge (client maths included); sub = each leg"},
		{Name: "GetUser", Prepare: prepareTokens, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			t := e.tokens[w.Rand.IntN(len(e.tokens))]
			return e.call(ctx, "GetUser", `{"AccessToken":`+q(t)+`}`, nil, false)
		}, Note: "access token of one of 64 signed-in users"},
		{Name: "AdminQueries-listUsers", UserpoolOnly: true, Prepare: prepareAdmin, Fn: func(ctx context.Context, e *Env, w *Worker) error {
			return e.C.Get(ctx, "/adminqueries/"+url.PathEscape(e.Pool.ID)+"/listUsers?limit=60", map[string]string{"Authorization": e.admin}, nil)
		}, Note: "GET listUsers?limit=60 with an Admins member's access token"},
	}
}

// listUsersPrefix lists the first page of a random 100-user email prefix.
func listUsersPrefix(ctx context.Context, e *Env, w *Worker) error {
	// "user00123" matches the 100 users user0012300…user0012399; Limit 60 → one page.
	n := max(e.Users/100, 1)
	prefix := fmt.Sprintf("user%05d", w.Rand.IntN(n))
	f := `email ^= "` + prefix + `"`
	var out struct{ Users []json.RawMessage }
	if err := e.call(ctx, "ListUsers", `{"UserPoolId":`+q(e.Pool.ID)+`,"Limit":60,"Filter":`+q(f)+`}`, &out, true); err != nil {
		return err
	}
	// 60 expected; cognito-local ignores Limit here and answers all 100.
	if !e.Ceiling && e.Users >= 100 && len(out.Users) < 60 {
		return fmt.Errorf("ListUsers filter returned %d users, want 60", len(out.Users))
	}
	return nil
}

// walkGroup pages through the whole walk group, 60 users at a time.
func walkGroup(ctx context.Context, e *Env, w *Worker) error {
	tok := ""
	users := 0
	for page := 0; page < 1000; page++ {
		body := `{"UserPoolId":` + q(e.Pool.ID) + `,"GroupName":` + q(e.Pool.WalkGroup) + `,"Limit":60`
		if tok != "" {
			body += `,"NextToken":` + q(tok)
		}
		var out struct {
			Users     []json.RawMessage
			NextToken string
		}
		t0 := time.Now()
		err := e.call(ctx, "ListUsersInGroup", body+`}`, &out, true)
		w.SubReqs++
		if err != nil {
			return err
		}
		w.Sub.Record(time.Since(t0))
		users += len(out.Users)
		if out.NextToken == "" {
			break
		}
		tok = out.NextToken
	}
	want := min(e.Users, walkSizeOf(e.Pool))
	if users != want {
		return fmt.Errorf("walk returned %d users, want %d", users, want)
	}
	return nil
}

func walkSizeOf(p *Pool) int {
	n, _ := strconv.Atoi(p.WalkGroup[len("walk-"):])
	return n
}

func (e *Env) signIn(ctx context.Context, user string) (string, error) {
	if e.Ceiling {
		return "ceiling-token", nil
	}
	var out struct{ AuthenticationResult *struct{ AccessToken string } }
	err := e.call(ctx, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":`+q(e.Pool.ClientID)+
		`,"AuthParameters":{"USERNAME":`+q(user)+`,"PASSWORD":`+q(e.Password)+`}}`, &out, false)
	if err != nil {
		return "", err
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "" {
		return "", errors.New("sign-in returned a challenge, not tokens")
	}
	return out.AuthenticationResult.AccessToken, nil
}

func prepareTokens(ctx context.Context, e *Env) error {
	if len(e.tokens) > 0 {
		return nil
	}
	n := min(64, max(min(e.AuthUsers, e.Users), 1))
	for i := 0; i < n; i++ {
		t, err := e.signIn(ctx, userName(i))
		if err != nil {
			return fmt.Errorf("signing in %s: %w", userName(i), err)
		}
		e.tokens = append(e.tokens, t)
	}
	return nil
}

func prepareAdmin(ctx context.Context, e *Env) error {
	if e.admin != "" {
		return nil
	}
	t, err := e.signIn(ctx, userName(0))
	if err != nil {
		return err
	}
	e.admin = t
	return nil
}
