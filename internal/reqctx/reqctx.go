package reqctx

import "context"

// Caller is who made a request, as far as the face that served it could
// tell. Both fields are empty for an anonymous or unauthenticated call.
type Caller struct {
	// Principal is the signed caller of a SigV4 call (the IAM principal the
	// access key belongs to).
	Principal string
	// User is the sub of the pool user whose access token authorised the call.
	User string
}

// IsZero reports whether no caller was recorded.
func (c Caller) IsZero() bool { return c == Caller{} }

// request is the mutable record behind the context: the middleware that
// calls WithRequest reads what the face set after the face returns. It is
// written and read by the goroutine serving the request only.
type request struct {
	id        string
	operation string
	errorType string
	caller    Caller
}

// key is the context key of the request record; unexported, so only this
// package's accessors reach it.
type key struct{}

func from(ctx context.Context) *request {
	r, _ := ctx.Value(key{}).(*request)
	return r
}

// WithRequest returns a context carrying a new request record with id.
func WithRequest(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, &request{id: id})
}

// RequestID is the id given to WithRequest, "" when ctx carries no record
// (a face served without the server, as in unit tests).
func RequestID(ctx context.Context) string {
	if r := from(ctx); r != nil {
		return r.id
	}
	return ""
}

// SetOperation records the operation (or route) the face resolved the
// request to. Without a record it does nothing.
func SetOperation(ctx context.Context, name string) {
	if r := from(ctx); r != nil {
		r.operation = name
	}
}

// Operation is the name given to SetOperation, "" if none.
func Operation(ctx context.Context) string {
	if r := from(ctx); r != nil {
		return r.operation
	}
	return ""
}

// SetErrorType records the error type the face answered with (e.g.
// "UserNotFoundException"). Without a record it does nothing.
func SetErrorType(ctx context.Context, typ string) {
	if r := from(ctx); r != nil {
		r.errorType = typ
	}
}

// ErrorType is the type given to SetErrorType, "" if the request succeeded
// or none was set.
func ErrorType(ctx context.Context) string {
	if r := from(ctx); r != nil {
		return r.errorType
	}
	return ""
}

// SetCaller records who made the request. Without a record it does nothing.
func SetCaller(ctx context.Context, c Caller) {
	if r := from(ctx); r != nil {
		r.caller = c
	}
}

// CallerOf is the caller given to SetCaller, the zero Caller if none.
func CallerOf(ctx context.Context) Caller {
	if r := from(ctx); r != nil {
		return r.caller
	}
	return Caller{}
}

// regionKey is the context key of the signed region.
type regionKey struct{}

// WithRegion returns a context carrying the region a request was signed for
// (its SigV4 credential scope), so that the domain can create resources in
// the caller's region without knowing about HTTP or SigV4.
func WithRegion(ctx context.Context, region string) context.Context {
	if region == "" {
		return ctx
	}
	return context.WithValue(ctx, regionKey{}, region)
}

// Region is the region given to WithRegion, "" for an unsigned request.
func Region(ctx context.Context) string {
	r, _ := ctx.Value(regionKey{}).(string)
	return r
}
