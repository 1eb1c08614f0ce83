package cognitoidp_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"userpool/internal/cognitoidp"
	"userpool/internal/iam"
	"userpool/internal/userpool"
)

// modelOperationCount is how many operations the API model of the SDK in
// go.mod has (its api_op_*.go files; one method of *Client each).
const modelOperationCount = 126

// modelOperations lists the operations of the SDK's model: the methods of
// *cognitoidentityprovider.Client shaped func(ctx, *<Op>Input, ...func(*Options)) (*<Op>Output, error).
func modelOperations(t *testing.T) []reflect.Method {
	t.Helper()
	ctxType := reflect.TypeFor[context.Context]()
	ct := reflect.TypeFor[*cip.Client]()
	var ops []reflect.Method
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		mt := m.Type // receiver first
		if mt.NumIn() != 4 || !mt.IsVariadic() || mt.In(1) != ctxType || mt.NumOut() != 2 {
			continue
		}
		in, out := mt.In(2), mt.Out(0)
		if in.Kind() != reflect.Pointer || in.Elem().Name() != m.Name+"Input" ||
			out.Kind() != reflect.Pointer || out.Elem().Name() != m.Name+"Output" {
			continue
		}
		ops = append(ops, m)
	}
	if len(ops) != modelOperationCount {
		t.Fatalf("the SDK model has %d operations, want %d: update modelOperationCount with the SDK", len(ops), modelOperationCount)
	}
	return ops
}

// skipInputValidation removes the SDK's client-side check of required
// members, so that an empty input reaches the server.
func skipInputValidation(o *cip.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		// Operations without required members have no such step.
		_, _ = s.Initialize.Remove("OperationInputValidation")
		return nil
	})
}

// TestOperationTableIsTheModel: the operation table names exactly the
// model's operations, each with the auth mode the model gives it.
func TestOperationTableIsTheModel(t *testing.T) {
	h := cognitoidp.New(userpool.New(nil, userpool.Options{}), cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}})
	table := h.Operations()
	var missing, extra []string
	model := map[string]bool{}
	for _, m := range modelOperations(t) {
		model[m.Name] = true
		if _, ok := table[m.Name]; !ok {
			missing = append(missing, m.Name)
		}
	}
	for name, mode := range table {
		if !model[name] {
			extra = append(extra, name)
		}
		// Grants know every signed operation by its raw name.
		if (mode == cognitoidp.AuthSigV4) != iam.IsSignedOperation(name) {
			t.Errorf("%s: auth mode %s, but iam.IsSignedOperation = %v", name, mode, iam.IsSignedOperation(name))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("%d operations of the model are not in the operation table: %s", len(missing), strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		t.Errorf("operations in the table that the model does not have: %s", strings.Join(extra, ", "))
	}
}

// TestWalkEveryOperation calls every operation of the SDK's model with the
// SDK, with an empty input, and asserts that the server knows each one: no
// answer is UnknownOperationException (a validation error is the expected
// answer to an empty input).
func TestWalkEveryOperation(t *testing.T) {
	e := newAuEnv(t)
	client := reflect.ValueOf(e.signed)
	ctx := reflect.ValueOf(context.Background())
	opt := reflect.ValueOf(func(o *cip.Options) { skipInputValidation(o) })
	var unknown []string
	for _, m := range modelOperations(t) {
		in := reflect.New(m.Type.In(2).Elem())
		res := client.MethodByName(m.Name).Call([]reflect.Value{ctx, in, opt})
		err, _ := res[1].Interface().(error)
		var ae smithy.APIError
		switch {
		case err == nil:
		case errors.As(err, &ae) && ae.ErrorCode() == "UnknownOperationException":
			unknown = append(unknown, m.Name)
		case errors.As(err, &ae):
			if ae.ErrorCode() == "InternalErrorException" {
				t.Errorf("%s with an empty input: InternalErrorException %q", m.Name, ae.ErrorMessage())
			}
		default:
			t.Errorf("%s: not an API error: %v", m.Name, err)
		}
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		t.Errorf("%d operations answer UnknownOperationException: %s", len(unknown), strings.Join(unknown, ", "))
	}
}

// TestDifferencesTableIsTheModel: docs/differences.md classes every
// operation of the model exactly once, as enforced, stored or refused.
func TestDifferencesTableIsTheModel(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "differences.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, rest, ok := strings.Cut(doc, "<!-- operations:begin -->")
	body, _, ok2 := strings.Cut(rest, "<!-- operations:end -->")
	if !ok || !ok2 {
		t.Fatal("docs/differences.md has no operations table between its markers")
	}
	row := regexp.MustCompile("^\\| `([A-Za-z]+)` \\| (enforced|stored|refused) \\| (.+) \\|$")
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n")[2:] {
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("malformed row: %q", line)
			continue
		}
		if seen[m[1]] {
			t.Errorf("%s is listed twice", m[1])
		}
		seen[m[1]] = true
	}
	for _, m := range modelOperations(t) {
		if !seen[m.Name] {
			t.Errorf("%s is not in docs/differences.md", m.Name)
		}
		delete(seen, m.Name)
	}
	for name := range seen {
		t.Errorf("docs/differences.md lists %s, which the model does not have", name)
	}
}
