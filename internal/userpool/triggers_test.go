package userpool

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var updateTriggerGolden = flag.Bool("update-triggers", false, "rewrite testdata/triggers/*.json")

// fakeInvoker is a test double of the function runtimes behind the
// TriggerInvoker seam: it records every event and answers with a scripted
// reply per function (by default the event unchanged, as a function that
// does nothing returns it).
type fakeInvoker struct {
	mu     sync.Mutex
	calls  []fakeCall
	script map[string]func(ev map[string]any) ([]byte, error)
}

type fakeCall struct {
	fn    string
	event []byte
}

func (f *fakeInvoker) Invoke(ctx context.Context, fn string, event []byte) ([]byte, error) {
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{fn, bytes.Clone(event)})
	h := f.script[fn]
	f.mu.Unlock()
	if h == nil {
		return event, nil
	}
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	return h(ev)
}

// on scripts fn to set response members.
func (f *fakeInvoker) on(fn string, h func(ev map[string]any) ([]byte, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.script == nil {
		f.script = map[string]func(map[string]any) ([]byte, error){}
	}
	f.script[fn] = h
}

// respond returns a handler that sets the event's response to resp.
func respond(resp map[string]any) func(ev map[string]any) ([]byte, error) {
	return func(ev map[string]any) ([]byte, error) {
		ev["response"] = resp
		return json.Marshal(ev)
	}
}

// events returns the recorded events whose triggerSource is source.
func (f *fakeInvoker) events(source string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]byte
	for _, c := range f.calls {
		var ev struct {
			TriggerSource string `json:"triggerSource"`
		}
		_ = json.Unmarshal(c.event, &ev)
		if ev.TriggerSource == source {
			out = append(out, c.event)
		}
	}
	return out
}

func (f *fakeInvoker) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// fnError is what a runtime returns when the function threw.
type fnError struct{ msg string }

func (e fnError) Error() string                { return "function error: " + e.msg }
func (e fnError) FunctionErrorMessage() string { return e.msg }

// codeError is a runtime failure with a Lambda error code.
type codeError struct{ code string }

func (e codeError) Error() string     { return e.code }
func (e codeError) ErrorCode() string { return e.code }

// timeoutError is a runtime timeout.
type timeoutError struct{}

func (timeoutError) Error() string { return "timed out" }
func (timeoutError) Timeout() bool { return true }

type trigEnv struct {
	*lcEnv
	fn *fakeInvoker
}

func newTrigEnv(t *testing.T) *trigEnv {
	t.Helper()
	e := &trigEnv{lcEnv: newLCEnv(t), fn: &fakeInvoker{}}
	e.svc.trig = TriggerOptions{Invoker: e.fn}
	return e
}

// triggerPool creates a pool whose LambdaConfig is lc.
func (e *trigEnv) triggerPool(t *testing.T, id string, lc string, ps PoolSettings) *Pool {
	t.Helper()
	ps.CaseSensitive = true
	if ps.Extra == nil {
		ps.Extra = map[string]json.RawMessage{}
	}
	ps.Extra["LambdaConfig"] = json.RawMessage(lc)
	return e.pool(t, id, ps)
}

// golden compares event (normalised: the values in repl become their
// names) with testdata/triggers/<name>.json.
func golden(t *testing.T, name string, event []byte, repl map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, event, "", "  "); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got := buf.String()
	for v, n := range repl {
		if v != "" {
			got = strings.ReplaceAll(got, v, n)
		}
	}
	got += "\n"
	path := filepath.Join("testdata", "triggers", name+".json")
	if *updateTriggerGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run with -update-triggers)", name, err)
	}
	if string(want) != got {
		t.Errorf("%s event differs from %s:\n%s", name, path, got)
	}
}

func one(t *testing.T, evs [][]byte, source string) []byte {
	t.Helper()
	if len(evs) != 1 {
		t.Fatalf("%s: %d events, want 1", source, len(evs))
	}
	return evs[0]
}

func wantErr(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if KindOf(err) != kind || AsError(err).Message != msg {
		t.Fatalf("err = %v, want %s %q", err, kind, msg)
	}
}

func TestTriggerPreSignUpAutoConfirmAndPostConfirmation(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigsign1", `{"PreSignUp":"pre","PostConfirmation":"post"}`, PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	e.fn.on("pre", respond(map[string]any{"autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false}))
	ctx := WithTriggerRequest(context.Background(), TriggerRequest{
		ClientMetadata: map[string]string{"source": "web"},
		ValidationData: map[string]string{"captcha": "ok"},
		AWSSDKVersion:  "aws-sdk-js-3.0.0",
	})
	res, err := e.svc.SignUp(ctx, SignUpInput{ClientID: c.ID, Username: "alice", Password: lcPassword, Attributes: []Attribute{{Name: "email", Value: "alice@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.UserConfirmed || res.Delivery != nil || e.sender.count() != 0 {
		t.Fatalf("auto-confirmed sign-up: %+v, %d messages", res, e.sender.count())
	}
	u := e.user(t, p.ID, "alice")
	if u.Status != StatusConfirmed || u.Attributes["email_verified"] != "true" || u.Aliases["email"] == "" && len(p.Settings.AliasAttributes) > 0 {
		t.Fatalf("user %+v", u)
	}
	repl := map[string]string{u.Sub: "<sub>", c.ID: "<clientId>"}
	golden(t, "PreSignUp_SignUp", one(t, e.fn.events(srcPreSignUpSignUp), "pre"), repl)
	golden(t, "PostConfirmation_ConfirmSignUp", one(t, e.fn.events(srcPostConfirmSignUp), "post"), repl)

	// Without autoConfirmUser: a code, and ConfirmSignUp runs PostConfirmation.
	e.fn.on("pre", nil)
	e.signUp(t, c, "bob", lcPassword, Attribute{Name: "email", Value: "bob@example.com"})
	if got := e.user(t, p.ID, "bob"); got.Status != StatusUnconfirmed || got.Attributes["email_verified"] != "" {
		t.Fatalf("bob %+v", got)
	}
	code := e.sender.last(t, "bob@example.com").Code
	if err := e.svc.ConfirmSignUp(context.Background(), ConfirmSignUpInput{ClientID: c.ID, Username: "bob", Code: code}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fn.events(srcPostConfirmSignUp)); n != 2 {
		t.Fatalf("PostConfirmation ran %d times, want 2", n)
	}
}

func TestTriggerPreSignUpFailureCreatesNothing(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigsign2", `{"PreSignUp":"arn:aws:lambda:us-east-1:000000000000:function:pre"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{})
	e.fn.on("arn:aws:lambda:us-east-1:000000000000:function:pre", func(map[string]any) ([]byte, error) {
		return nil, fnError{"Registration from this domain is not allowed."}
	})
	_, err := e.svc.SignUp(context.Background(), SignUpInput{ClientID: c.ID, Username: "mallory", Password: lcPassword})
	wantErr(t, err, KindUserLambdaValidation, "PreSignUp failed with error Registration from this domain is not allowed..")
	if _, err := e.st.GetUser(context.Background(), p.ID, "mallory"); err == nil {
		t.Fatal("a failed PreSignUp left a user")
	}
	_, err = e.svc.AdminCreateUser(context.Background(), CreateUserInput{PoolID: p.ID, Username: "mallory", MessageAction: "SUPPRESS"})
	wantErr(t, err, KindUserLambdaValidation, "PreSignUp failed with error Registration from this domain is not allowed..")
	if _, err := e.st.GetUser(context.Background(), p.ID, "mallory"); err == nil {
		t.Fatal("a failed PreSignUp_AdminCreateUser left a user")
	}
	golden(t, "PreSignUp_AdminCreateUser", e.fn.events(srcPreSignUpAdminCreateUser)[0], nil)
}

func TestTriggerPostConfirmationFailureKeepsUserConfirmed(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigpost1", `{"PostConfirmation":"post"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{})
	e.signUp(t, c, "carol", lcPassword)
	e.fn.on("post", func(map[string]any) ([]byte, error) { return nil, fnError{"db down"} })
	err := e.svc.AdminConfirmSignUp(context.Background(), p.ID, "carol")
	wantErr(t, err, KindUserLambdaValidation, "PostConfirmation failed with error db down.")
	if u := e.user(t, p.ID, "carol"); u.Status != StatusConfirmed {
		t.Fatalf("status %s: the confirmation is kept", u.Status)
	}
	ev := one(t, e.fn.events(srcPostConfirmSignUp), "post")
	if !bytes.Contains(ev, []byte(`"clientId":"CLIENT_ID_NOT_APPLICABLE"`)) {
		t.Fatalf("admin confirmation event %s", ev)
	}
}

func TestTriggerErrorMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		reply    func(map[string]any) ([]byte, error)
		attempts int
		kind     Kind
		msg      string
	}{
		{"threw", func(map[string]any) ([]byte, error) { return nil, fnError{"nope"} }, 1, KindUserLambdaValidation, "PreAuthentication failed with error nope."},
		{"timeout", func(map[string]any) ([]byte, error) { return nil, fmt.Errorf("worker: %w", timeoutError{}) }, 3, KindUnexpectedLambda, "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function."},
		{"deadline", func(map[string]any) ([]byte, error) { return nil, context.DeadlineExceeded }, 3, KindUnexpectedLambda, "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function."},
		{"not found", func(map[string]any) ([]byte, error) { return nil, codeError{"ResourceNotFoundException"} }, 1, KindUnexpectedLambda, "PreAuthentication invocation failed due to error ResourceNotFoundException."},
		{"crashed", func(map[string]any) ([]byte, error) { return nil, errors.New("worker exited") }, 1, KindUnexpectedLambda, "PreAuthentication invocation failed due to error ServiceException."},
		{"not json", func(map[string]any) ([]byte, error) { return []byte("ok"), nil }, 1, KindInvalidLambdaResponse, "Unrecognizable lambda output"},
		{"undefined", func(map[string]any) ([]byte, error) { return []byte("null"), nil }, 1, KindInvalidLambdaResponse, "Unrecognizable lambda output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTrigEnv(t)
			p := e.triggerPool(t, "us-east-1_trigerr01", `{"PreAuthentication":"pa"}`, PoolSettings{})
			c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
			e.confirmedUser(t, p.ID, "dave")
			e.fn.on("pa", tc.reply)
			_, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword, AuthParameters: map[string]string{"USERNAME": "dave", "PASSWORD": lcPassword}})
			wantErr(t, err, tc.kind, tc.msg)
			if n := e.fn.count(); n != tc.attempts {
				t.Fatalf("%d attempts, want %d", n, tc.attempts)
			}
			if u := e.user(t, p.ID, "dave"); u.FailedLogins != 0 {
				t.Fatalf("a refused PreAuthentication counted a failed sign-in: %d", u.FailedLogins)
			}
		})
	}

	// Wrong types in the response are InvalidLambdaResponseException.
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigerr02", `{"PreSignUp":"pre"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{})
	e.fn.on("pre", respond(map[string]any{"autoConfirmUser": "yes"}))
	_, err := e.svc.SignUp(context.Background(), SignUpInput{ClientID: c.ID, Username: "erin", Password: lcPassword})
	wantErr(t, err, KindInvalidLambdaResponse, "Unrecognizable lambda output")
	if _, err := e.st.GetUser(context.Background(), p.ID, "erin"); err == nil {
		t.Fatal("a malformed PreSignUp answer left a user")
	}
}

// jwtClaims decodes a token's payload (the signature is checked elsewhere).
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTriggerAuthenticationAndPreTokenGenerationV2(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigtok01", `{"PreAuthentication":"pa","PostAuthentication":"post","PreTokenGenerationConfig":{"LambdaArn":"ptg","LambdaVersion":"V2_0"}}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	u := e.confirmedUser(t, p.ID, "frank", Attribute{Name: "email", Value: "frank@example.com"}, Attribute{Name: "name", Value: "Frank"})
	ctx := context.Background()
	if _, err := e.svc.CreateGroup(ctx, GroupInput{PoolID: p.ID, Name: "readers"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AdminAddUserToGroup(ctx, p.ID, "frank", "readers"); err != nil {
		t.Fatal(err)
	}
	e.fn.on("ptg", respond(map[string]any{"claimsAndScopeOverrideDetails": map[string]any{
		"idTokenGeneration": map[string]any{
			"claimsToAddOrOverride": map[string]any{"tenant": "acme", "level": 3, "name": "F.", "sub": "forged"},
			"claimsToSuppress":      []string{"email"},
		},
		"accessTokenGeneration": map[string]any{
			"claimsToAddOrOverride": map[string]any{"tenant": "acme"},
			"scopesToAdd":           []string{"orders/read"},
			"scopesToSuppress":      []string{"aws.cognito.signin.user.admin"},
		},
		"groupOverrideDetails": map[string]any{"groupsToOverride": []string{"admins", "readers"}},
	}}))
	md := WithTriggerRequest(ctx, TriggerRequest{ClientMetadata: map[string]string{"k": "v"}})
	out, err := e.svc.InitiateAuth(md, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword, AuthParameters: map[string]string{"USERNAME": "frank", "PASSWORD": lcPassword}})
	if err != nil {
		t.Fatal(err)
	}
	id := jwtClaims(t, out.Result.IDToken)
	if id["tenant"] != "acme" || id["level"] != float64(3) || id["name"] != "F." || id["sub"] != u.Sub || id["email"] != nil {
		t.Fatalf("ID token claims %v", id)
	}
	if g, _ := json.Marshal(id["cognito:groups"]); string(g) != `["admins","readers"]` {
		t.Fatalf("ID token groups %s", g)
	}
	at := jwtClaims(t, out.Result.AccessToken)
	if at["tenant"] != "acme" || at["scope"] != "orders/read" {
		t.Fatalf("access token claims %v", at)
	}
	if g, _ := json.Marshal(at["cognito:groups"]); string(g) != `["admins","readers"]` {
		t.Fatalf("access token groups %s", g)
	}
	repl := map[string]string{u.Sub: "<sub>", c.ID: "<clientId>"}
	golden(t, "PreAuthentication_Authentication", one(t, e.fn.events(srcPreAuthentication), "pa"), repl)
	golden(t, "PostAuthentication_Authentication", one(t, e.fn.events(srcPostAuthentication), "post"), repl)
	golden(t, "TokenGeneration_Authentication_V2", one(t, e.fn.events(srcTokenAuthentication), "ptg"), repl)

	// A failing PostAuthentication issues nothing.
	e.fn.on("post", func(map[string]any) ([]byte, error) { return nil, fnError{"blocked"} })
	_, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword, AuthParameters: map[string]string{"USERNAME": "frank", "PASSWORD": lcPassword}})
	wantErr(t, err, KindUserLambdaValidation, "PostAuthentication failed with error blocked.")

	// Refresh runs TokenGeneration_RefreshTokens.
	e.fn.on("post", nil)
	if _, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": out.Result.RefreshToken}}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fn.events(srcTokenRefresh)); n != 1 {
		t.Fatalf("%d refresh events", n)
	}
}

func TestTriggerPreTokenGenerationV1(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigtok02", `{"PreTokenGeneration":"ptg1"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	u := e.confirmedUser(t, p.ID, "gina")
	e.fn.on("ptg1", respond(map[string]any{"claimsOverrideDetails": map[string]any{
		"claimsToAddOrOverride": map[string]any{"role": "editor"},
		"groupOverrideDetails":  map[string]any{"groupsToOverride": []string{"g1"}, "iamRolesToOverride": []string{"arn:aws:iam::000000000000:role/r"}, "preferredRole": "arn:aws:iam::000000000000:role/r"},
	}}))
	out, err := e.svc.InitiateAuth(context.Background(), InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword, AuthParameters: map[string]string{"USERNAME": "gina", "PASSWORD": lcPassword}})
	if err != nil {
		t.Fatal(err)
	}
	id := jwtClaims(t, out.Result.IDToken)
	if id["role"] != "editor" || id["cognito:preferred_role"] != "arn:aws:iam::000000000000:role/r" {
		t.Fatalf("ID token %v", id)
	}
	if at := jwtClaims(t, out.Result.AccessToken); at["role"] != nil {
		t.Fatalf("V1 changed the access token: %v", at)
	}
	golden(t, "TokenGeneration_Authentication_V1", one(t, e.fn.events(srcTokenAuthentication), "ptg1"), map[string]string{u.Sub: "<sub>", c.ID: "<clientId>"})
}

func TestTriggerCustomAuthFlow(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigcus01", `{"DefineAuthChallenge":"define","CreateAuthChallenge":"create","VerifyAuthChallengeResponse":"verify"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	u := e.confirmedUser(t, p.ID, "hank")
	e.fn.on("define", defineByHistory)
	e.fn.on("create", respond(map[string]any{
		"publicChallengeParameters":  map[string]any{"question": "2+2"},
		"privateChallengeParameters": map[string]any{"answer": "4"},
		"challengeMetadata":          "MATH",
	}))
	e.fn.on("verify", verifyAnswer)
	ctx := context.Background()
	out, err := e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowCustomAuth, AuthParameters: map[string]string{"USERNAME": "hank"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ChallengeCustom || out.ChallengeParameters["question"] != "2+2" || out.ChallengeParameters["USERNAME"] != "hank" || out.ChallengeParameters["answer"] != "" || out.Session == "" {
		t.Fatalf("challenge %+v", out)
	}
	// A wrong answer: Define sees the failed entry and asks again.
	out, err = e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeCustom, Session: out.Session, Responses: map[string]string{"USERNAME": "hank", "ANSWER": "5"}})
	if err != nil || out.ChallengeName != ChallengeCustom {
		t.Fatalf("after a wrong answer: %+v, %v", out, err)
	}
	out, err = e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeCustom, Session: out.Session, Responses: map[string]string{"USERNAME": "hank", "ANSWER": "4"}})
	if err != nil || out.Result == nil || out.Result.IDToken == "" {
		t.Fatalf("after the right answer: %+v, %v", out, err)
	}
	repl := map[string]string{u.Sub: "<sub>", c.ID: "<clientId>"}
	defines := e.fn.events(srcDefineAuth)
	if len(defines) != 3 {
		t.Fatalf("%d define events", len(defines))
	}
	golden(t, "DefineAuthChallenge_Authentication", defines[2], repl)
	golden(t, "CreateAuthChallenge_Authentication", e.fn.events(srcCreateAuth)[1], repl)
	golden(t, "VerifyAuthChallengeResponse_Authentication", e.fn.events(srcVerifyAuth)[1], repl)

	// Three wrong answers: Define fails the authentication.
	out, err = e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowCustomAuth, AuthParameters: map[string]string{"USERNAME": "hank"}})
	for i := 0; err == nil && out.Result == nil; i++ {
		out, err = e.svc.RespondToAuthChallenge(ctx, RespondInput{ClientID: c.ID, ChallengeName: ChallengeCustom, Session: out.Session, Responses: map[string]string{"USERNAME": "hank", "ANSWER": "x"}})
	}
	wantErr(t, err, KindNotAuthorized, "Incorrect username or password.")
}

// defineByHistory is a DefineAuthChallenge in the style of AWS's example:
// tokens after a right answer, failure after three wrong ones, else a
// CUSTOM_CHALLENGE.
func defineByHistory(ev map[string]any) ([]byte, error) {
	req := ev["request"].(map[string]any)
	session, _ := req["session"].([]any)
	resp := map[string]any{"issueTokens": false, "failAuthentication": false}
	if n := len(session); n > 0 && session[n-1].(map[string]any)["challengeResult"] == true {
		resp["issueTokens"] = true
	} else if n >= 3 {
		resp["failAuthentication"] = true
	} else {
		resp["challengeName"] = "CUSTOM_CHALLENGE"
	}
	ev["response"] = resp
	return json.Marshal(ev)
}

func verifyAnswer(ev map[string]any) ([]byte, error) {
	req := ev["request"].(map[string]any)
	want := req["privateChallengeParameters"].(map[string]any)["answer"]
	ev["response"] = map[string]any{"answerCorrect": req["challengeAnswer"] == want}
	return json.Marshal(ev)
}

func TestTriggerUserMigration(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigmig01", `{"UserMigration":"migrate"}`, PoolSettings{})
	c := e.client(t, p.ID, ClientInput{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	e.fn.on("migrate", func(ev map[string]any) ([]byte, error) {
		req := ev["request"].(map[string]any)
		if pw, _ := req["password"].(string); pw != "" && pw != "legacy-Passw0rd" {
			return nil, fnError{"Bad password"}
		}
		ev["response"] = map[string]any{
			"userAttributes":  map[string]any{"email": ev["userName"].(string) + "@example.com", "email_verified": "true"},
			"finalUserStatus": "CONFIRMED",
			"messageAction":   "SUPPRESS",
		}
		return json.Marshal(ev)
	})
	ctx := context.Background()
	signIn := func(user, pw string) (*AuthOutput, error) {
		return e.svc.InitiateAuth(ctx, InitiateAuthInput{ClientID: c.ID, AuthFlow: FlowUserPassword, AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": pw}})
	}
	_, err := signIn("ivan", "wrong-Passw0rd")
	wantErr(t, err, KindUserLambdaValidation, "UserMigration failed with error Bad password.")
	if _, err := e.st.GetUser(ctx, p.ID, "ivan"); err == nil {
		t.Fatal("a refused migration created the user")
	}
	out, err := signIn("ivan", "legacy-Passw0rd")
	if err != nil || out.Result == nil {
		t.Fatalf("first sign-in: %+v, %v", out, err)
	}
	u := e.user(t, p.ID, "ivan")
	if u.Status != StatusConfirmed || u.Attributes["email"] != "ivan@example.com" || u.Attributes["email_verified"] != "true" {
		t.Fatalf("migrated user %+v", u)
	}
	golden(t, "UserMigration_Authentication", e.fn.events(srcMigrationAuth)[1], map[string]string{c.ID: "<clientId>"})
	// The second sign-in is the pool's own: the trigger is not asked again.
	if _, err := signIn("ivan", "legacy-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fn.events(srcMigrationAuth)); n != 2 {
		t.Fatalf("%d migration events", n)
	}

	// ForgotPassword of an unknown user migrates it, then sends the code.
	e.fn.on("migrate", respond(map[string]any{"userAttributes": map[string]any{"email": "judy@example.com", "email_verified": "true"}, "finalUserStatus": "RESET_REQUIRED"}))
	d, err := e.svc.ForgotPassword(ctx, ForgotPasswordInput{ClientID: c.ID, Username: "judy"})
	if err != nil || d == nil || d.DeliveryMedium != "EMAIL" {
		t.Fatalf("ForgotPassword: %+v, %v", d, err)
	}
	if got := e.user(t, p.ID, "judy"); got.Status != StatusResetRequired {
		t.Fatalf("judy %+v", got)
	}
	golden(t, "UserMigration_ForgotPassword", one(t, e.fn.events(srcMigrationForgot), "migrate"), map[string]string{c.ID: "<clientId>"})
}

func TestTriggerCustomMessage(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	p := e.triggerPool(t, "us-east-1_trigmsg01", `{"CustomMessage":"msg"}`, PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	e.fn.on("msg", func(ev map[string]any) ([]byte, error) {
		req := ev["request"].(map[string]any)
		resp := map[string]any{"emailSubject": "Welcome " + ev["triggerSource"].(string), "emailMessage": "Code: " + req["codeParameter"].(string)}
		if u, ok := req["usernameParameter"].(string); ok {
			resp["emailMessage"] = "User " + u + " password " + req["codeParameter"].(string)
		}
		ev["response"] = resp
		return json.Marshal(ev)
	})
	e.signUp(t, c, "kate", lcPassword, Attribute{Name: "email", Value: "kate@example.com"})
	m := e.sender.last(t, "kate@example.com")
	if m.Subject != "Welcome CustomMessage_SignUp" || m.Body != "Code: {####}" || len(m.Code) != 6 {
		t.Fatalf("message %+v", m)
	}
	u := e.user(t, p.ID, "kate")
	repl := map[string]string{u.Sub: "<sub>", c.ID: "<clientId>"}
	golden(t, "CustomMessage_SignUp", one(t, e.fn.events("CustomMessage_SignUp"), "msg"), repl)

	if _, err := e.svc.ResendConfirmationCode(context.Background(), ResendConfirmationCodeInput{ClientID: c.ID, Username: "kate"}); err != nil {
		t.Fatal(err)
	}
	if m := e.sender.last(t, "kate@example.com"); m.Subject != "Welcome CustomMessage_ResendCode" {
		t.Fatalf("resend %+v", m)
	}
	if _, err := e.svc.AdminCreateUser(context.Background(), CreateUserInput{PoolID: p.ID, Username: "leo", Attributes: []Attribute{{Name: "email", Value: "leo@example.com"}}, DeliveryMediums: []string{"EMAIL"}}); err != nil {
		t.Fatal(err)
	}
	if m := e.sender.last(t, "leo@example.com"); m.Body != "User {username} password {####}" || m.Purpose != "invite" {
		t.Fatalf("invitation %+v", m)
	}
	leo := e.user(t, p.ID, "leo")
	golden(t, "CustomMessage_AdminCreateUser", one(t, e.fn.events("CustomMessage_AdminCreateUser"), "msg"), map[string]string{leo.Sub: "<sub>"})

	// A failing CustomMessage is the API's answer.
	e.fn.on("msg", func(map[string]any) ([]byte, error) { return nil, fnError{"template missing"} })
	_, err := e.svc.ResendConfirmationCode(context.Background(), ResendConfirmationCodeInput{ClientID: c.ID, Username: "kate"})
	wantErr(t, err, KindUserLambdaValidation, "CustomMessage failed with error template missing.")
}

func TestTriggerCustomEmailSender(t *testing.T) {
	t.Parallel()
	e := newTrigEnv(t)
	key := bytes.Repeat([]byte{7}, 32)
	e.svc.trig.CodeKey = key
	p := e.triggerPool(t, "us-east-1_trigsnd01", `{"CustomEmailSender":{"LambdaArn":"sender","LambdaVersion":"V1_0"},"KMSKeyID":"arn:aws:kms:us-east-1:000000000000:key/k"}`, PoolSettings{AutoVerifiedAttributes: []string{"email"}})
	c := e.client(t, p.ID, ClientInput{})
	e.signUp(t, c, "mia", lcPassword, Attribute{Name: "email", Value: "mia@example.com"})
	if e.sender.count() != 0 {
		t.Fatal("userpool sent the message itself despite CustomEmailSender")
	}
	ev := one(t, e.fn.events("CustomEmailSender_SignUp"), "sender")
	var got struct {
		Request struct {
			Code string `json:"code"`
		} `json:"request"`
	}
	if err := json.Unmarshal(ev, &got); err != nil {
		t.Fatal(err)
	}
	code, err := OpenTriggerCode(key, p.ID, got.Request.Code)
	if err != nil || len(code) != 6 {
		t.Fatalf("code %q: %v", code, err)
	}
	// The sealed code confirms the user.
	if err := e.svc.ConfirmSignUp(context.Background(), ConfirmSignUpInput{ClientID: c.ID, Username: "mia", Code: code}); err != nil {
		t.Fatal(err)
	}
	u := e.user(t, p.ID, "mia")
	golden(t, "CustomEmailSender_SignUp", ev, map[string]string{u.Sub: "<sub>", c.ID: "<clientId>", got.Request.Code: "<sealed code>", "UNCONFIRMED": "UNCONFIRMED"})
}
