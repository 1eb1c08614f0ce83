package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// Invoker runs a named function with an event JSON and returns its result JSON.
type Invoker interface {
	Invoke(ctx context.Context, name string, event []byte) ([]byte, error)
}

// Runner runs one function: a runtime's handle on a declared function.
type Runner interface {
	Run(ctx context.Context, event []byte) ([]byte, error)
	// Close stops the runner's processes or connections.
	Close() error
}

// FunctionError is an error the function itself threw or returned (Lambda's
// X-Amz-Function-Error): Cognito answers UserLambdaValidationException
// "<Trigger> failed with error <Message>.".
type FunctionError struct {
	// Message is the function's errorMessage.
	Message string
	// Type is its errorType ("Error", "TypeError", ...), when known.
	Type string
}

func (e *FunctionError) Error() string {
	if e.Type != "" {
		return "function error " + e.Type + ": " + e.Message
	}
	return "function error: " + e.Message
}

// FunctionErrorMessage is the function's message: the method by which the
// user-pool triggers (userpool.TriggerInvoker) recognise a function that
// threw.
func (e *FunctionError) FunctionErrorMessage() string { return e.Message }

var (
	// ErrTimeout (wrapped) means the function did not answer in time. It
	// has Timeout() true, as the user-pool triggers classify timeouts.
	ErrTimeout error = timeoutError{}
	// ErrNotFound means no function of that name (or ARN) is declared. Its
	// ErrorCode() is Lambda's "ResourceNotFoundException", the code the
	// user-pool triggers put in UnexpectedLambdaException.
	ErrNotFound error = notFoundError{}
)

type timeoutError struct{}

func (timeoutError) Error() string { return "function timed out" }
func (timeoutError) Timeout() bool { return true }

type notFoundError struct{}

func (notFoundError) Error() string     { return "function not found" }
func (notFoundError) ErrorCode() string { return "ResourceNotFoundException" }

// Late is an Invoker whose target is set after it is handed out: the
// server builds the domain before the declared functions exist and sets
// the Registry once they do. Before Set (or after Set(nil)) every call
// answers ErrNotFound.
type Late struct {
	mu  sync.RWMutex
	inv Invoker
}

// Set makes inv the target of later calls.
func (l *Late) Set(inv Invoker) {
	l.mu.Lock()
	l.inv = inv
	l.mu.Unlock()
}

// Invoke runs name on the target set last.
func (l *Late) Invoke(ctx context.Context, name string, event []byte) ([]byte, error) {
	l.mu.RLock()
	inv := l.inv
	l.mu.RUnlock()
	if inv == nil {
		return nil, fmt.Errorf("%w: %q (the functions are not running yet)", ErrNotFound, name)
	}
	return inv.Invoke(ctx, name, event)
}

// Registry is the set of declared functions by name. It implements
// Invoker; names and Lambda ARNs both resolve to a declared function.
type Registry struct {
	mu      sync.RWMutex
	runners map[string]Runner
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{runners: map[string]Runner{}} }

// Add declares the function name, run by r. A name is added once.
func (r *Registry) Add(name string, run Runner) error {
	if !ValidName(name) {
		return fmt.Errorf("function name %q: must be 1-64 letters, digits, '-' or '_'", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.runners[name]; dup {
		return fmt.Errorf("function %q is declared twice", name)
	}
	r.runners[name] = run
	return nil
}

// Names lists the declared functions in order.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.runners))
	for n := range r.runners {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Resolve returns the declared function that ref names: its name, or a
// Lambda ARN arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]
// (or the partial <account>:function:<name>[:qualifier]) whose name is
// declared. The ARN's region, account and qualifier are not checked: a
// local stand-in has one of each.
func (r *Registry) Resolve(ref string) (string, bool) {
	name := NameOf(ref)
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.runners[name]
	return name, ok
}

// NameOf is the function name in ref: ref itself, or the name part of a
// Lambda function ARN (full or partial, with or without a qualifier).
func NameOf(ref string) string {
	parts := strings.Split(ref, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		return parts[6]
	case len(parts) >= 3 && parts[1] == "function":
		return parts[2]
	}
	return ref
}

// Invoke runs the function ref names (a name or an ARN) with event.
func (r *Registry) Invoke(ctx context.Context, ref string, event []byte) ([]byte, error) {
	name, ok := r.Resolve(ref)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, ref)
	}
	r.mu.RLock()
	run := r.runners[name]
	r.mu.RUnlock()
	return run.Run(ctx, event)
}

// Close stops every runner.
func (r *Registry) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, run := range r.runners {
		errs = append(errs, run.Close())
	}
	return errors.Join(errs...)
}

// ValidName reports whether s is a function name (Lambda's: 1-64 of
// letters, digits, hyphens and underscores).
func ValidName(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Credentials are what a function's process uses to call userpool as its
// own principal: the environment `userpool env` prints.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	Region          string
	// Endpoint is the server's URL (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).
	Endpoint string
	// PoolID is AMPLIFY_AUTH_USERPOOL_ID, when the function is granted one pool.
	PoolID string
}

// Env is the environment of c as NAME=value pairs.
func (c Credentials) Env() []string {
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	add("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	add("AWS_REGION", c.Region)
	add("AWS_DEFAULT_REGION", c.Region)
	add("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", c.Endpoint)
	add("AMPLIFY_AUTH_USERPOOL_ID", c.PoolID)
	return env
}

// String never shows the secret.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKeyID:%s Region:%s Endpoint:%s PoolID:%s}", c.AccessKeyID, c.Region, c.Endpoint, c.PoolID)
}

// Secret is a value that is never printed or logged (a webhook's HMAC key,
// a Lambda secret access key).
type Secret []byte

func (Secret) String() string   { return "[secret]" }
func (Secret) GoString() string { return "[secret]" }

// LogValue keeps a Secret out of structured logs.
func (Secret) LogValue() slog.Value { return slog.StringValue("[secret]") }

// LogValue logs Credentials without the secret key.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID), slog.String("endpoint", c.Endpoint), slog.String("pool_id", c.PoolID))
}

// GoString never shows the secret either.
func (c Credentials) GoString() string { return c.String() }
