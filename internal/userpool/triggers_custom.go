package userpool

import (
	"context"
	"encoding/json"
	"maps"

	"userpool/internal/store"
)

// The CUSTOM_AUTH flow with DefineAuthChallenge, CreateAuthChallenge and
// VerifyAuthChallengeResponse.
//
// InitiateAuth CUSTOM_AUTH (without CHALLENGE_NAME=SRP_A) checks the user
// as every sign-in does, runs PreAuthentication, then asks
// DefineAuthChallenge with an empty session. Its answer decides:
// issueTokens → PostAuthentication and tokens; failAuthentication →
// NotAuthorizedException "Incorrect username or password."; challengeName
// CUSTOM_CHALLENGE → CreateAuthChallenge, whose publicChallengeParameters
// (with USERNAME) are the ChallengeParameters, and whose
// privateChallengeParameters and challengeMetadata are kept in the sealed
// challenge session with the history. RespondToAuthChallenge
// CUSTOM_CHALLENGE (USERNAME and ANSWER) takes that session, asks
// VerifyAuthChallengeResponse, appends {CUSTOM_CHALLENGE, answerCorrect,
// challengeMetadata} to the history and asks DefineAuthChallenge again.
// Any other challengeName from DefineAuthChallenge (SRP_A,
// PASSWORD_VERIFIER — the SRP-first custom flow is served by
// CHALLENGE_NAME=SRP_A without triggers) is InvalidLambdaResponseException.
// An unknown user is refused at InitiateAuth (userNotFound events are not
// sent).

// customEntry is one entry of the session history the triggers receive.
type customEntry struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

type defineRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	Session        []customEntry     `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

type defineResponse struct {
	ChallengeName      string `json:"challengeName"`
	IssueTokens        bool   `json:"issueTokens"`
	FailAuthentication bool   `json:"failAuthentication"`
}

type createRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []customEntry     `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

type createResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          string            `json:"challengeMetadata"`
}

type verifyRequest struct {
	UserAttributes             map[string]string `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata,omitempty"`
}

type verifyResponse struct {
	AnswerCorrect bool `json:"answerCorrect"`
}

// customStart is InitiateAuth CUSTOM_AUTH with a DefineAuthChallenge trigger.
func (s *signIn) customStart(ctx context.Context, params map[string]string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	username := params["USERNAME"]
	if username == "" {
		return nil, errMissingParam("USERNAME")
	}
	if err := checkSecretHash(c, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	u, found, err := s.resolveSignIn(ctx, p, username)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, unknownUser(c)
	}
	if err := signInState(u); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, u); err != nil {
		return nil, err
	}
	return s.customStep(ctx, u, []customEntry{})
}

// customStep asks DefineAuthChallenge what follows history.
func (s *signIn) customStep(ctx context.Context, u store.User, history []customEntry) (*AuthOutput, error) {
	p, c := s.pool, s.client
	lc := s.triggersOf(p)
	attrs := eventAttributes(p, u)
	md := triggerRequestOf(ctx).ClientMetadata
	ev := s.newEvent(ctx, p, c.ID, srcDefineAuth, u.Username, defineRequest{
		UserAttributes: attrs, Session: history, ClientMetadata: md,
	}, json.RawMessage(`{"challengeName":null,"issueTokens":null,"failAuthentication":null}`))
	var d defineResponse
	if err := s.invokeTrigger(ctx, trigDefineAuth, lc.function(trigDefineAuth), ev, &d); err != nil {
		return nil, err
	}
	switch {
	case d.FailAuthentication:
		return nil, errIncorrect()
	case d.IssueTokens:
		return s.finish(ctx, u, challengeState{User: u.Username})
	case d.ChallengeName != ChallengeCustom:
		return nil, errLambdaOutput()
	}
	fn := lc.function(trigCreateAuth)
	if fn == "" {
		return nil, Errorf(KindInvalidUserPoolConfig, "Create Auth Challenge lambda trigger is not configured for the user pool.")
	}
	cev := s.newEvent(ctx, p, c.ID, srcCreateAuth, u.Username, createRequest{
		UserAttributes: attrs, ChallengeName: d.ChallengeName, Session: history, ClientMetadata: md,
	}, json.RawMessage(`{"publicChallengeParameters":null,"privateChallengeParameters":null,"challengeMetadata":null}`))
	var cr createResponse
	if err := s.invokeTrigger(ctx, trigCreateAuth, fn, cev, &cr); err != nil {
		return nil, err
	}
	st := challengeState{User: u.Username, Custom: history, CustomPrivate: cr.PrivateChallengeParameters, CustomMeta: cr.ChallengeMetadata}
	raw, err := s.newChallengeSession(ctx, u.UsernameKey, ChallengeCustom, st)
	if err != nil {
		return nil, err
	}
	params := maps.Clone(cr.PublicChallengeParameters)
	if params == nil {
		params = map[string]string{}
	}
	params["USERNAME"] = u.Username
	return &AuthOutput{ChallengeName: ChallengeCustom, Session: sessionString(raw), ChallengeParameters: params}, nil
}

// answerCustomChallenge is RespondToAuthChallenge CUSTOM_CHALLENGE.
func (s *signIn) answerCustomChallenge(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p, c := s.pool, s.client
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeCustom)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	answer, ok := r["ANSWER"]
	if !ok {
		return nil, errMissingParam("ANSWER")
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	fn := s.triggersOf(p).function(trigVerifyAuth)
	if fn == "" {
		return nil, Errorf(KindInvalidUserPoolConfig, "Verify Auth Challenge Response lambda trigger is not configured for the user pool.")
	}
	st := ls.state
	ev := s.newEvent(ctx, p, c.ID, srcVerifyAuth, u.Username, verifyRequest{
		UserAttributes:             eventAttributes(p, u),
		PrivateChallengeParameters: orEmptyMap(st.CustomPrivate),
		ChallengeAnswer:            answer,
		ClientMetadata:             triggerRequestOf(ctx).ClientMetadata,
	}, json.RawMessage(`{"answerCorrect":null}`))
	var v verifyResponse
	if err := s.invokeTrigger(ctx, trigVerifyAuth, fn, ev, &v); err != nil {
		return nil, err
	}
	history := append(append([]customEntry{}, st.Custom...), customEntry{
		ChallengeName: ChallengeCustom, ChallengeResult: v.AnswerCorrect, ChallengeMetadata: st.CustomMeta,
	})
	return s.customStep(ctx, u, history)
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
