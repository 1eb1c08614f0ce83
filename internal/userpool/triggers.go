package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"time"

	"userpool/internal/store"
)

// User-pool Lambda triggers: the functions a pool's LambdaConfig names,
// invoked the way Cognito invokes them.
//
//   - The pool's LambdaConfig (CreateUserPool/UpdateUserPool or the
//     configuration file; stored in the pool settings' Extra) names a
//     function per trigger. The domain calls it through TriggerInvoker, a
//     seam the server wires to its function runtimes (Node workers, the
//     Lambda Invoke API, webhooks); without an invoker configured
//     triggers are not run.
//   - Every event is Cognito's JSON: version, triggerSource, region,
//     userPoolId, userName, callerContext{awsSdkVersion, clientId},
//     request, response. Only the returned event's response is read.
//   - Each call has Cognito's 5 s limit; a timeout is retried, 3 attempts
//     in all, as Cognito does; then the API answers UnexpectedLambdaException
//     "<Trigger> invocation failed due to error Socket timeout while
//     invoking Lambda function.". A function that threw answers
//     UserLambdaValidationException "<Trigger> failed with error
//     <message>."; any other runtime failure UnexpectedLambdaException
//     "<Trigger> invocation failed due to error <code>."; output that is
//     not the event JSON (or has the wrong types) InvalidLambdaResponseException
//     "Unrecognizable lambda output".
//   - ClientMetadata, ValidationData and the caller's SDK version reach the
//     events through the request context (WithTriggerRequest), which the
//     faces set.

// Error kinds of trigger failures (all 400 on the wire).
const (
	KindUserLambdaValidation  Kind = "UserLambdaValidationException"
	KindUnexpectedLambda      Kind = "UnexpectedLambdaException"
	KindInvalidLambdaResponse Kind = "InvalidLambdaResponseException"
)

// TriggerInvoker runs a function by the name (or Lambda ARN) LambdaConfig
// gives, with the event JSON, and returns the function's result JSON.
//
// Errors: one whose chain holds an error with a FunctionErrorMessage()
// string method is "the function threw" (its message goes into
// UserLambdaValidationException); one with Timeout() bool returning true,
// or context.DeadlineExceeded, is a timeout; one with an ErrorCode() string
// method names the Lambda error code of any other failure
// ("ResourceNotFoundException" for an unknown function).
type TriggerInvoker interface {
	Invoke(ctx context.Context, fn string, event []byte) ([]byte, error)
}

// TriggerOptions configures trigger invocation (Options.Triggers).
type TriggerOptions struct {
	// Invoker runs the functions; nil: LambdaConfig is stored, never run.
	Invoker TriggerInvoker
	// Timeout of one attempt (zero: Cognito's 5 s).
	Timeout time.Duration
	// Attempts on timeout (zero: Cognito's 3).
	Attempts int
	// CodeKey, 32 bytes, seals the codes sent to CustomEmailSender and
	// CustomSMSSender (AES-256-GCM, see triggers_messages.go); nil sends
	// them in plaintext.
	CodeKey []byte
}

// DefaultTriggerTimeout is Cognito's (not configurable there) limit per call.
const DefaultTriggerTimeout = 5 * time.Second

// IsFunctionError reports whether err is a function's own error (it threw)
// and its message.
func IsFunctionError(err error) (string, bool) {
	var fe interface{ FunctionErrorMessage() string }
	if errors.As(err, &fe) {
		return fe.FunctionErrorMessage(), true
	}
	return "", false
}

// IsTimeout reports whether err is a function that did not answer in time.
func IsTimeout(err error) bool {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// TriggerRequest is what a call carries into the trigger events.
type TriggerRequest struct {
	// ClientMetadata of the operation (clientMetadata in the events).
	ClientMetadata map[string]string
	// ValidationData of SignUp/AdminCreateUser, or AuthParameters-borne
	// validation data of a sign-in (validationData).
	ValidationData map[string]string
	// AWSSDKVersion is callerContext.awsSdkVersion (from the User-Agent);
	// "" gives "aws-sdk-unknown-unknown".
	AWSSDKVersion string
}

type triggerRequestKey struct{}

// WithTriggerRequest returns ctx carrying r for the triggers the call runs.
func WithTriggerRequest(ctx context.Context, r TriggerRequest) context.Context {
	return context.WithValue(ctx, triggerRequestKey{}, r)
}

func triggerRequestOf(ctx context.Context) TriggerRequest {
	r, _ := ctx.Value(triggerRequestKey{}).(TriggerRequest)
	return r
}

// clientNotApplicable is callerContext.clientId of calls made without an
// app client (AdminCreateUser, AdminConfirmSignUp).
const clientNotApplicable = "CLIENT_ID_NOT_APPLICABLE"

// Trigger names: the LambdaConfig members, also the prefix of the error
// messages.
const (
	trigPreSignUp          = "PreSignUp"
	trigPostConfirmation   = "PostConfirmation"
	trigPreAuthentication  = "PreAuthentication"
	trigPostAuthentication = "PostAuthentication"
	trigDefineAuth         = "DefineAuthChallenge"
	trigCreateAuth         = "CreateAuthChallenge"
	trigVerifyAuth         = "VerifyAuthChallengeResponse"
	trigPreTokenGeneration = "PreTokenGeneration"
	trigUserMigration      = "UserMigration"
	trigCustomMessage      = "CustomMessage"
	trigCustomEmailSender  = "CustomEmailSender"
	trigCustomSMSSender    = "CustomSMSSender"
)

// versionedLambda is PreTokenGenerationConfig / CustomEmailSender /
// CustomSMSSender.
type versionedLambda struct {
	LambdaArn     string `json:"LambdaArn"`
	LambdaVersion string `json:"LambdaVersion"`
}

// lambdaConfig is a pool's LambdaConfig.
type lambdaConfig struct {
	PreSignUp                   string           `json:"PreSignUp"`
	PostConfirmation            string           `json:"PostConfirmation"`
	PreAuthentication           string           `json:"PreAuthentication"`
	PostAuthentication          string           `json:"PostAuthentication"`
	DefineAuthChallenge         string           `json:"DefineAuthChallenge"`
	CreateAuthChallenge         string           `json:"CreateAuthChallenge"`
	VerifyAuthChallengeResponse string           `json:"VerifyAuthChallengeResponse"`
	PreTokenGeneration          string           `json:"PreTokenGeneration"`
	PreTokenGenerationConfig    *versionedLambda `json:"PreTokenGenerationConfig"`
	UserMigration               string           `json:"UserMigration"`
	CustomMessage               string           `json:"CustomMessage"`
	CustomEmailSender           *versionedLambda `json:"CustomEmailSender"`
	CustomSMSSender             *versionedLambda `json:"CustomSMSSender"`
	KMSKeyID                    string           `json:"KMSKeyID"`
}

// triggersOf returns the pool's LambdaConfig when an invoker is wired
// (nil otherwise: no trigger runs).
func (s *Service) triggersOf(p *Pool) *lambdaConfig {
	if s.trig.Invoker == nil || p == nil {
		return nil
	}
	raw, ok := p.Settings.Extra["LambdaConfig"]
	if !ok {
		return nil
	}
	var lc lambdaConfig
	if json.Unmarshal(raw, &lc) != nil {
		return nil
	}
	return &lc
}

// function returns the function configured for trigger name ("" for none).
func (lc *lambdaConfig) function(name string) string {
	if lc == nil {
		return ""
	}
	switch name {
	case trigPreSignUp:
		return lc.PreSignUp
	case trigPostConfirmation:
		return lc.PostConfirmation
	case trigPreAuthentication:
		return lc.PreAuthentication
	case trigPostAuthentication:
		return lc.PostAuthentication
	case trigDefineAuth:
		return lc.DefineAuthChallenge
	case trigCreateAuth:
		return lc.CreateAuthChallenge
	case trigVerifyAuth:
		return lc.VerifyAuthChallengeResponse
	case trigPreTokenGeneration:
		fn, _ := lc.preTokenGeneration()
		return fn
	case trigUserMigration:
		return lc.UserMigration
	case trigCustomMessage:
		return lc.CustomMessage
	case trigCustomEmailSender:
		if lc.CustomEmailSender != nil {
			return lc.CustomEmailSender.LambdaArn
		}
	case trigCustomSMSSender:
		if lc.CustomSMSSender != nil {
			return lc.CustomSMSSender.LambdaArn
		}
	}
	return ""
}

// preTokenGeneration is the function and event version of the
// PreTokenGeneration trigger: PreTokenGenerationConfig wins; the legacy
// PreTokenGeneration ARN is V1_0.
func (lc *lambdaConfig) preTokenGeneration() (fn, version string) {
	if c := lc.PreTokenGenerationConfig; c != nil && c.LambdaArn != "" {
		v := c.LambdaVersion
		if v == "" {
			v = "V1_0"
		}
		return c.LambdaArn, v
	}
	if lc.PreTokenGeneration != "" {
		return lc.PreTokenGeneration, "V1_0"
	}
	return "", ""
}

// callerContext is the event's callerContext.
type callerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// triggerEvent is the envelope every trigger receives, members in the
// order of Cognito's documented examples.
type triggerEvent struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext callerContext `json:"callerContext"`
	Request       any           `json:"request"`
	Response      any           `json:"response"`
}

// newEvent builds the envelope for pool p, app client clientID ("" for an
// admin call) and username.
func (s *Service) newEvent(ctx context.Context, p *Pool, clientID, source, username string, req, resp any) *triggerEvent {
	sdk := triggerRequestOf(ctx).AWSSDKVersion
	if sdk == "" {
		sdk = "aws-sdk-unknown-unknown"
	}
	if clientID == "" {
		clientID = clientNotApplicable
	}
	return &triggerEvent{
		Version:       "1",
		TriggerSource: source,
		Region:        s.region,
		UserPoolID:    p.ID,
		UserName:      username,
		CallerContext: callerContext{AWSSDKVersion: sdk, ClientID: clientID},
		Request:       req,
		Response:      resp,
	}
}

func errLambdaOutput() *Error {
	return Errorf(KindInvalidLambdaResponse, "Unrecognizable lambda output")
}

// invokeTrigger runs function fn of trigger name with ev and decodes the
// returned event's response into out (nil: the response is not read).
func (s *Service) invokeTrigger(ctx context.Context, name, fn string, ev *triggerEvent, out any) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return Internal(err)
	}
	timeout := s.trig.Timeout
	if timeout <= 0 {
		timeout = DefaultTriggerTimeout
	}
	attempts := s.trig.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	var res []byte
	for i := 0; ; i++ {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		res, err = s.trig.Invoker.Invoke(cctx, fn, body)
		cancel()
		if err == nil {
			break
		}
		if msg, ok := IsFunctionError(err); ok {
			return &Error{Kind: KindUserLambdaValidation, Message: name + " failed with error " + msg + ".", Err: err}
		}
		if ctx.Err() != nil { // the caller gave up: not the function's fault
			return Internal(ctx.Err())
		}
		if IsTimeout(err) {
			if i+1 < attempts {
				continue
			}
			s.log.Warn("trigger timed out", "trigger", name, "function", fn, "pool", ev.UserPoolID, "attempts", attempts)
			return &Error{Kind: KindUnexpectedLambda, Message: name + " invocation failed due to error Socket timeout while invoking Lambda function.", Err: err}
		}
		code := "ServiceException"
		var ce interface{ ErrorCode() string }
		if errors.As(err, &ce) && ce.ErrorCode() != "" {
			code = ce.ErrorCode()
		}
		s.log.Warn("trigger invocation failed", "trigger", name, "function", fn, "pool", ev.UserPoolID, "err", err)
		return &Error{Kind: KindUnexpectedLambda, Message: name + " invocation failed due to error " + code + ".", Err: err}
	}
	var env struct {
		Response json.RawMessage `json:"response"`
	}
	res = bytes.TrimSpace(res)
	if len(res) == 0 || res[0] != '{' || json.Unmarshal(res, &env) != nil {
		return errLambdaOutput()
	}
	if out == nil || len(env.Response) == 0 || string(env.Response) == "null" {
		return nil
	}
	if json.Unmarshal(env.Response, out) != nil {
		return errLambdaOutput()
	}
	return nil
}

// eventAttributes is the userAttributes of an event for user u: its
// attributes with sub and cognito:user_status (and the alias flags Cognito
// adds), all strings.
func eventAttributes(p *Pool, u store.User) map[string]string {
	out := make(map[string]string, len(u.Attributes)+3)
	maps.Copy(out, u.Attributes)
	if u.Sub != "" {
		out["sub"] = u.Sub
	}
	if u.Status != "" {
		out["cognito:user_status"] = u.Status
	}
	for kind := range u.Aliases {
		switch kind {
		case "email":
			out["cognito:email_alias"] = u.Attributes["email"]
		case "phone_number":
			out["cognito:phone_number_alias"] = u.Attributes["phone_number"]
		}
	}
	return out
}

// simpleRequest is the request of the triggers that carry only the user's
// attributes and the client metadata (PostConfirmation, PostAuthentication
// adds newDeviceUsed).
type simpleRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// postConfirmation runs PostConfirmation (source ConfirmSignUp or
// ConfirmForgotPassword) for user u, re-read so the event shows the
// confirmed state.
func (s *Service) postConfirmation(ctx context.Context, p *Pool, clientID, source, usernameKey string) error {
	lc := s.triggersOf(p)
	fn := lc.function(trigPostConfirmation)
	if fn == "" {
		return nil
	}
	u, err := s.store.GetUser(ctx, p.ID, usernameKey)
	if err != nil {
		return storeError(err)
	}
	ev := s.newEvent(ctx, p, clientID, source, u.Username, simpleRequest{
		UserAttributes: eventAttributes(p, u),
		ClientMetadata: triggerRequestOf(ctx).ClientMetadata,
	}, struct{}{})
	return s.invokeTrigger(ctx, trigPostConfirmation, fn, ev, nil)
}
