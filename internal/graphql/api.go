package graphql

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// API is one declared GraphQL API: custom operations over one user pool.
type API struct {
	// Name names the API (/graphql/<Name>).
	Name string
	// PoolID is the user pool whose tokens authorize calls and whose users
	// the built-in handlers act on.
	PoolID string
	// Operations are the custom queries and mutations.
	Operations []Operation
}

// Operation kinds.
const (
	Query    = "query"
	Mutation = "mutation"
)

// Operation is one custom query or mutation (Amplify's a.query() /
// a.mutation()).
type Operation struct {
	Name string
	// Kind is Query or Mutation.
	Kind      string
	Arguments []Argument
	// Returns is the return type in GraphQL notation: a scalar ("String",
	// "AWSJSON", "Int!") or a list of them ("[String]").
	Returns string
	Auth    Auth
	// Function names the function that resolves the operation (it gets
	// AppSync's direct Lambda resolver event); or
	Function string
	// Builtin names a built-in admin handler (Builtins).
	Builtin string
}

// Argument is one typed argument.
type Argument struct {
	Name string
	// Type in GraphQL notation: "String!", "[ID]", "[String!]!", "AWSJSON".
	Type string
}

// Auth is who may call an operation (Amplify's allow.group(...),
// allow.authenticated(), and public access). At least one must be set.
type Auth struct {
	// Groups: callers whose token's cognito:groups holds one of these.
	Groups []string
	// Authenticated: any signed-in user of the pool.
	Authenticated bool
	// Public: no token needed (a token given is still verified).
	Public bool
}

// Scalars are the scalar types arguments and results may have: GraphQL's
// own and AppSync's AWS scalars.
var Scalars = []string{
	"ID", "String", "Int", "Float", "Boolean",
	"AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail",
	"AWSJSON", "AWSURL", "AWSPhone", "AWSIPAddress",
}

var nameRe = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

// apiNameRe: an API name is a path segment.
var apiNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// typeRef is a parsed type: a named scalar, maybe a list, maybe non-null.
type typeRef struct {
	Name         string
	List         bool
	ElemRequired bool // [T!]
	Required     bool // T! or [T]!
}

func (t typeRef) String() string {
	s := t.Name
	if t.List {
		if t.ElemRequired {
			s += "!"
		}
		s = "[" + s + "]"
	}
	if t.Required {
		s += "!"
	}
	return s
}

// parseType reads GraphQL type notation (one level of list at most).
func parseType(s string) (typeRef, error) {
	var t typeRef
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutSuffix(s, "!"); ok {
		t.Required, s = true, strings.TrimSpace(rest)
	}
	if strings.HasPrefix(s, "[") {
		inner, ok := strings.CutSuffix(s[1:], "]")
		if !ok {
			return t, fmt.Errorf("%q: unbalanced brackets", s)
		}
		t.List = true
		inner = strings.TrimSpace(inner)
		if rest, ok := strings.CutSuffix(inner, "!"); ok {
			t.ElemRequired, inner = true, strings.TrimSpace(rest)
		}
		s = inner
	}
	if !slices.Contains(Scalars, s) {
		return t, fmt.Errorf("%q is not one of %s (or a list of one)", s, strings.Join(Scalars, ", "))
	}
	t.Name = s
	return t, nil
}

// Validate reports every mistake in the API: names, kinds, types,
// authorization rules and handlers. functions, when not nil, lists the
// declared function names a handler may name.
func (a API) Validate(functions []string) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !apiNameRe.MatchString(a.Name) {
		bad("name: %q must be 1-64 letters, digits, '-' or '_'", a.Name)
	}
	if len(a.Operations) == 0 {
		bad("operations: at least one is required")
	}
	seen := map[string]bool{}
	for i, op := range a.Operations {
		at := fmt.Sprintf("operations[%d]", i)
		if !nameRe.MatchString(op.Name) || strings.HasPrefix(op.Name, "__") {
			bad("%s.name: %q is not a GraphQL field name", at, op.Name)
		}
		key := op.Kind + "." + op.Name
		if seen[key] {
			bad("%s.name: %s %q is declared twice", at, op.Kind, op.Name)
		}
		seen[key] = true
		if op.Kind != Query && op.Kind != Mutation {
			bad("%s.kind: %q is not %q or %q", at, op.Kind, Query, Mutation)
		}
		if _, err := parseType(op.Returns); err != nil {
			bad("%s.returns: %v", at, err)
		}
		args := map[string]bool{}
		for j, arg := range op.Arguments {
			aat := fmt.Sprintf("%s.arguments[%d]", at, j)
			if !nameRe.MatchString(arg.Name) || strings.HasPrefix(arg.Name, "__") {
				bad("%s.name: %q is not a GraphQL argument name", aat, arg.Name)
			}
			if args[arg.Name] {
				bad("%s.name: %q is declared twice", aat, arg.Name)
			}
			args[arg.Name] = true
			if _, err := parseType(arg.Type); err != nil {
				bad("%s.type: %v", aat, err)
			}
		}
		if len(op.Auth.Groups) == 0 && !op.Auth.Authenticated && !op.Auth.Public {
			bad("%s.authorization: name groups, authenticated or public", at)
		}
		for k, g := range op.Auth.Groups {
			if g == "" {
				bad("%s.authorization.groups[%d]: empty group name", at, k)
			}
		}
		switch {
		case op.Function != "" && op.Builtin != "":
			bad("%s.handler: a function or a builtin, not both", at)
		case op.Function == "" && op.Builtin == "":
			bad("%s.handler: a function or a builtin is required", at)
		case op.Function != "":
			if functions != nil && !slices.Contains(functions, op.Function) {
				bad("%s.handler.function: %q is not a declared function", at, op.Function)
			}
		default:
			b, ok := builtins[op.Builtin]
			if !ok {
				bad("%s.handler.builtin: %q is not one of %s", at, op.Builtin, strings.Join(Builtins(), ", "))
				break
			}
			for _, need := range b.needs {
				if findArg(op.Arguments, argNames[need]) == "" {
					bad("%s.arguments: the builtin %s needs a %s argument (%s)", at, op.Builtin, need, strings.Join(argNames[need], " or "))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// findArg is the first of names the operation declares.
func findArg(args []Argument, names []string) string {
	for _, n := range names {
		for _, a := range args {
			if a.Name == n {
				return n
			}
		}
	}
	return ""
}
