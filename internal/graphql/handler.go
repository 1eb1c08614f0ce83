package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"userpool/internal/function"
	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// PathPrefix is where the handler lives: /graphql/<api>, and /graphql
// itself while exactly one API is declared.
const PathPrefix = "/graphql"

// DefaultMaxBody bounds a request body.
const DefaultMaxBody = 1 << 20

// FunctionInvoker runs a declared function (internal/function's Registry
// is one): the event in, the handler's result JSON out; a
// *function.FunctionError when the handler threw.
type FunctionInvoker interface {
	Invoke(ctx context.Context, name string, event []byte) ([]byte, error)
}

// Options configures the handler.
type Options struct {
	// Functions runs operations handled by a function; nil answers them
	// with a Lambda:Unhandled error.
	Functions FunctionInvoker
	Logger    *slog.Logger
	// MaxBody bounds request bodies (default DefaultMaxBody).
	MaxBody int64
}

// Handler serves the declared APIs.
type Handler struct {
	svc     *userpool.Service
	fns     FunctionInvoker
	log     *slog.Logger
	maxBody int64

	mu   sync.RWMutex
	apis map[string]*compiled
}

// compiled is an API ready to serve: its schema and its operations.
type compiled struct {
	api    API
	schema *ast.Schema
	ops    map[string]*Operation // "Query.name" / "Mutation.name"
	types  map[string]typeRef    // by the same key: the return type
	public bool                  // some operation is public
	docs   sync.Map              // query text -> *ast.QueryDocument (validated)
	ndocs  atomic.Int64
}

// maxCachedDocs bounds the cache of validated documents per API.
const maxCachedDocs = 1024

// New returns the GraphQL handler; SetAPIs installs the APIs it serves.
func New(svc *userpool.Service, opts Options) *Handler {
	h := &Handler{svc: svc, fns: opts.Functions, log: opts.Logger, maxBody: opts.MaxBody, apis: map[string]*compiled{}}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	return h
}

// SetAPIs replaces the served APIs (their PoolID resolved). An API whose
// schema does not build is an error and nothing is replaced.
func (h *Handler) SetAPIs(apis []API) error {
	m := map[string]*compiled{}
	for _, a := range apis {
		c, err := compile(a)
		if err != nil {
			return err
		}
		m[a.Name] = c
	}
	h.mu.Lock()
	h.apis = m
	h.mu.Unlock()
	return nil
}

func compile(a API) (*compiled, error) {
	if err := a.Validate(nil); err != nil {
		return nil, fmt.Errorf("graphql api %q: %w", a.Name, err)
	}
	s, err := a.loadSchema()
	if err != nil {
		return nil, fmt.Errorf("graphql api %q: schema: %w", a.Name, err)
	}
	c := &compiled{api: a, schema: s, ops: map[string]*Operation{}, types: map[string]typeRef{}}
	for i := range a.Operations {
		op := &a.Operations[i]
		key := parentType(op.Kind) + "." + op.Name
		c.ops[key] = op
		c.types[key], _ = parseType(op.Returns)
		c.public = c.public || op.Auth.Public
	}
	return c, nil
}

// api finds the API a path names.
func (h *Handler) api(path string) *compiled {
	rest, ok := strings.CutPrefix(path, PathPrefix)
	if !ok {
		return nil
	}
	rest = strings.Trim(rest, "/")
	h.mu.RLock()
	defer h.mu.RUnlock()
	if rest == "" {
		if len(h.apis) == 1 {
			for _, c := range h.apis {
				return c
			}
		}
		return nil
	}
	return h.apis[rest]
}

// request is the JSON body.
type request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Expose-Headers", "x-amzn-RequestId,x-amzn-ErrorType,x-amz-apigw-id,X-Amzn-Trace-Id")
	if id := reqctx.RequestID(r.Context()); id != "" {
		hd.Set("x-amzn-RequestId", id)
	}
	if r.Method == http.MethodOptions {
		hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "authorization, content-type, x-amz-user-agent, x-amz-date, x-amz-security-token, x-api-key")
		hd.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusOK)
		return
	}
	c := h.api(r.URL.Path)
	if c == nil {
		writeRequestError(w, http.StatusNotFound, "NotFoundException", "No GraphQL API is served at "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		writeRequestError(w, http.StatusMethodNotAllowed, "MethodNotAllowedException", "Method "+r.Method+" is not allowed; use POST.")
		return
	}
	ctx := r.Context()
	reqctx.SetOperation(ctx, "graphql")
	// Authorization first, as AppSync does: a bad token is refused before
	// the query is read.
	var ac *userpool.AccessContext
	if raw := r.Header.Get("Authorization"); raw != "" {
		var msg string
		ac, msg = h.authenticate(ctx, c, raw)
		if ac == nil {
			writeRequestError(w, http.StatusUnauthorized, "UnauthorizedException", msg)
			return
		}
	} else if !c.public {
		writeRequestError(w, http.StatusUnauthorized, "UnauthorizedException", "Missing authorization header")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		writeRequestError(w, http.StatusRequestEntityTooLarge, "BadRequestException", "Request body is too large.")
		return
	}
	var req request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || req.Query == "" {
		writeRequestError(w, http.StatusBadRequest, "MalformedHttpRequestException", "Unable to parse GraphQL query.")
		return
	}
	x := &exec{h: h, c: c, ac: ac, r: r, req: req}
	writeJSON(w, http.StatusOK, x.run(ctx))
}

// authenticate verifies the Authorization header: the user's ID or access
// token of the API's pool. It returns the message of the 401 otherwise.
func (h *Handler) authenticate(ctx context.Context, c *compiled, raw string) (*userpool.AccessContext, string) {
	if strings.Count(raw, ".") != 2 {
		return nil, "Unable to parse JWT token."
	}
	ac, err := h.svc.AuthenticateUserToken(ctx, raw)
	if err != nil {
		if userpool.KindOf(err) != userpool.KindNotAuthorized {
			h.log.ErrorContext(ctx, "graphql: token check failed", "err", err)
		}
		if msg := err.Error(); strings.Contains(msg, "expired") {
			return nil, "Token has expired."
		}
		return nil, "Valid authorization header not provided."
	}
	if ac.Pool.ID != c.api.PoolID {
		return nil, "Valid authorization header not provided."
	}
	return ac, ""
}

func writeRequestError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("x-amzn-ErrorType", errType)
	writeJSON(w, status, object{{"errors", []gqlError{{ErrorType: errType, Message: msg}}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errors":[{"errorType":"InternalFailureException","message":"An internal failure occurred."}]}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// exec is one request being executed.
type exec struct {
	h    *Handler
	c    *compiled
	ac   *userpool.AccessContext
	r    *http.Request
	req  request
	errs []gqlError
}

// document parses and validates the query, from the cache when seen.
func (x *exec) document() (*ast.QueryDocument, []gqlError) {
	if d, ok := x.c.docs.Load(x.req.Query); ok {
		return d.(*ast.QueryDocument), nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: x.req.Query})
	if err != nil {
		var ge *gqlerror.Error
		if !errors.As(err, &ge) {
			ge = &gqlerror.Error{Message: err.Error()}
		}
		return nil, []gqlError{{Message: validationMessage(ge), Locations: locations(ge.Locations)}}
	}
	//lint:ignore SA1019 ValidateWithRules runs the rules in map order; Validate keeps the specified order, so the first error a client sees is stable
	if errs := validator.Validate(x.c.schema, doc); len(errs) > 0 {
		out := make([]gqlError, 0, len(errs))
		for _, e := range errs {
			if g := reCannotQuery.FindStringSubmatch(e.Message); g != nil && x.c.schema.Types[g[2]] != nil && x.c.schema.Types[g[2]].IsLeafType() {
				continue // graphql-java reports the selection on a leaf (ScalarLeafs), not its fields
			}
			out = append(out, gqlError{Message: validationMessage(e), Locations: locations(e.Locations)})
		}
		return nil, out
	}
	if x.c.ndocs.Add(1) <= maxCachedDocs {
		x.c.docs.Store(x.req.Query, doc)
	}
	return doc, nil
}

func (x *exec) run(ctx context.Context) any {
	doc, errs := x.document()
	if errs != nil {
		return object{{"data", nil}, {"errors", errs}}
	}
	op, msg := pickOperation(doc, x.req.OperationName)
	if op == nil {
		return object{{"data", nil}, {"errors", []gqlError{{Message: msg}}}}
	}
	vars, err := validator.VariableValues(x.c.schema, op, x.req.Variables)
	if err != nil {
		verr, ok := err.(*gqlerror.Error)
		if !ok {
			verr = &gqlerror.Error{Message: err.Error()}
		}
		return object{{"data", nil}, {"errors", []gqlError{{Message: variableMessage(op, verr), Locations: locations(verr.Locations)}}}}
	}
	parent := "Query"
	if op.Operation == ast.Mutation {
		parent = "Mutation"
	} else if op.Operation != ast.Query {
		return object{{"data", nil}, {"errors", []gqlError{{Message: "Validation error of type UnknownOperation: Unknown operation " + string(op.Operation)}}}}
	}
	data := object{}
	for _, f := range collectFields(op.SelectionSet, vars) {
		data = append(data, member{f.Alias, x.field(ctx, parent, f, vars)})
	}
	if len(x.errs) > 0 {
		return object{{"data", data}, {"errors", x.errs}}
	}
	return object{{"data", data}}
}

func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, string) {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0], ""
		}
		return nil, "Must provide operation name if query contains multiple operations."
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, ""
	}
	return nil, fmt.Sprintf("Unknown operation named '%s'.", name)
}

// variableMessage words a variable coercion error as graphql-java does.
func variableMessage(op *ast.OperationDefinition, e *gqlerror.Error) string {
	name := ""
	if len(e.Path) > 0 {
		name = strings.TrimPrefix(fmt.Sprint(e.Path[len(e.Path)-1]), "$")
		if len(e.Path) > 1 {
			name = strings.TrimPrefix(fmt.Sprint(e.Path[1]), "$")
		}
	}
	if v := op.VariableDefinitions.ForName(name); v != nil && (strings.Contains(e.Message, "must be defined") || strings.Contains(e.Message, "cannot be null")) {
		return fmt.Sprintf("Variable '%s' has coerced Null value for NonNull type '%s'", name, v.Type.String())
	}
	return fmt.Sprintf("Variable '%s' has an invalid value: %s", name, e.Message)
}

// field resolves one root field; errors are collected on x.
func (x *exec) field(ctx context.Context, parent string, f *ast.Field, vars map[string]any) any {
	switch f.Name {
	case "__typename":
		return parent
	case "__schema":
		return resolveIntro(f.SelectionSet, schemaIntro{s: x.c.schema}, vars)
	case "__type":
		name, _ := f.ArgumentMap(vars)["name"].(string)
		return resolveIntro(f.SelectionSet, defIntro(x.c.schema, x.c.schema.Types[name]), vars)
	}
	key := parent + "." + f.Name
	op := x.c.ops[key]
	if op == nil { // validation guarantees it exists
		return nil
	}
	if !x.allowed(op) {
		x.fieldError(f, "Unauthorized", fmt.Sprintf("Not Authorized to access %s on type %s", f.Name, parent))
		return nil
	}
	args := f.ArgumentMap(vars)
	parseJSONArgs(op, args)
	var (
		res any
		err error
	)
	if op.Builtin != "" {
		res, err = builtins[op.Builtin].run(ctx, x.h.svc, x.c.api.PoolID, args)
	} else {
		res, err = x.invoke(ctx, op, parent, f, args, vars)
	}
	if err != nil {
		errType, msg := x.errorOf(ctx, err)
		x.fieldError(f, errType, msg)
		return nil
	}
	v, err := coerce(x.c.types[key], res)
	if err != nil {
		x.fieldError(f, "MappingTemplate", err.Error())
		return nil
	}
	return v
}

// allowed applies the operation's rules to the caller: public; any user of
// the pool; or a member of a listed group by the token's cognito:groups
// claim, as AppSync's @aws_cognito_user_pools(cognito_groups) reads it.
func (x *exec) allowed(op *Operation) bool {
	if op.Auth.Public {
		return true
	}
	if x.ac == nil {
		return false
	}
	if op.Auth.Authenticated {
		return true
	}
	for _, g := range x.ac.Claims.Groups {
		if slices.Contains(op.Auth.Groups, g) {
			return true
		}
	}
	return false
}

func (x *exec) fieldError(f *ast.Field, errType, msg string) {
	loc := location{Line: 1, Column: 1}
	if f.Position != nil {
		loc = location{Line: f.Position.Line, Column: f.Position.Column}
	}
	x.errs = append(x.errs, gqlError{field: true, Path: []any{f.Alias}, Locations: []location{loc}, ErrorType: errType, Message: msg})
}

// errorOf is the errorType and message of a failed handler: a domain error
// by its Cognito exception name, a function's error by its errorType.
func (x *exec) errorOf(ctx context.Context, err error) (string, string) {
	var fe *function.FunctionError
	switch {
	case errors.As(err, &fe):
		t := fe.Type
		if t == "" {
			t = "Lambda:Unhandled"
		}
		return t, fe.Message
	case errors.Is(err, function.ErrTimeout):
		return "Lambda:ExecutionTimeoutException", "Execution timed out."
	}
	var de *userpool.Error
	if errors.As(err, &de) && de.Kind != userpool.KindInternal {
		return string(de.Kind), de.Message
	}
	x.h.log.ErrorContext(ctx, "graphql: resolver failed", "err", err)
	return "Lambda:Unhandled", "An internal failure occurred."
}

// parseJSONArgs turns AWSJSON argument values into the JSON they hold, as
// AppSync hands them to resolvers.
func parseJSONArgs(op *Operation, args map[string]any) {
	for _, a := range op.Arguments {
		t, _ := parseType(a.Type)
		if t.Name != "AWSJSON" {
			continue
		}
		parse := func(v any) any {
			s, ok := v.(string)
			if !ok {
				return v
			}
			var out any
			if json.Unmarshal([]byte(s), &out) != nil {
				return v
			}
			return out
		}
		switch v := args[a.Name].(type) {
		case []any:
			for i := range v {
				v[i] = parse(v[i])
			}
		case nil:
		default:
			args[a.Name] = parse(v)
		}
	}
}

// invoke runs a function handler with AppSync's direct Lambda resolver event.
func (x *exec) invoke(ctx context.Context, op *Operation, parent string, f *ast.Field, args, vars map[string]any) (any, error) {
	if x.h.fns == nil {
		return nil, &function.FunctionError{Message: "No function runtime is configured for " + op.Function + "."}
	}
	ev, err := json.Marshal(x.event(parent, f, args, vars))
	if err != nil {
		return nil, err
	}
	out, err := x.h.fns.Invoke(ctx, op.Function, ev)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("function %s answered no JSON: %w", op.Function, err)
	}
	return v, nil
}

// event is AppSync's direct Lambda resolver event.
func (x *exec) event(parent string, f *ast.Field, args, vars map[string]any) object {
	var identity any
	if x.ac != nil {
		cl := x.ac.Claims
		var groups any
		if len(cl.Groups) > 0 {
			groups = cl.Groups
		}
		identity = object{
			{"claims", cl.Raw}, {"defaultAuthStrategy", "ALLOW"}, {"groups", groups},
			{"issuer", cl.Issuer}, {"sourceIp", []string{sourceIP(x.r)}}, {"sub", cl.Sub},
			{"username", cl.Username},
		}
	}
	headers := map[string]string{}
	for k, v := range x.r.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	if args == nil {
		args = map[string]any{}
	}
	if vars == nil {
		vars = map[string]any{}
	}
	return object{
		{"arguments", args},
		{"identity", identity},
		{"source", nil},
		{"request", object{{"headers", headers}, {"domainName", nil}}},
		{"prev", nil},
		{"info", object{
			{"selectionSetList", []string{}}, {"selectionSetGraphQL", ""},
			{"parentTypeName", parent}, {"fieldName", f.Name}, {"variables", vars},
		}},
		{"stash", map[string]any{}},
	}
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
