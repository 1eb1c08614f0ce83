package cognitoidp

import (
	"reflect"
	"strings"
	"testing"
)

func TestOperationTable(t *testing.T) {
	t.Parallel()
	// How many operations the model has, and which, is the walk test's
	// (walk_test.go); here the table is only checked to be well formed.
	if len(operationsByName) != len(operations) || len(operations) > 126 {
		t.Fatalf("%d rows, %d names; the API model has 126 operations", len(operations), len(operationsByName))
	}
	for _, o := range operations {
		if o.newInput == nil || o.call == nil || o.name == "" {
			t.Errorf("%q: incomplete row", o.name)
		}
		// A signed call of a write is audited whatever its outcome; of a
		// read only when refused. Reads are the Describe, Get and List
		// operations (Admin or not), as AWS names them.
		if o.auth == AuthSigV4 {
			n := strings.TrimPrefix(o.name, "Admin")
			read := strings.HasPrefix(n, "Describe") || strings.HasPrefix(n, "Get") || strings.HasPrefix(n, "List")
			if read != (o.audit == auditRefusals) {
				t.Errorf("%s: audit class %d, but it is a signed %s", o.name, o.audit, map[bool]string{true: "read", false: "write"}[read])
			}
		}
	}
}

// Every row's target reads the member it names: set in a fresh input, it
// is what the audit log gets; absent, the target is empty.
func TestOperationTargets(t *testing.T) {
	t.Parallel()
	want := map[string]target{
		"AdminInitiateAuth":           byAuthUsername,
		"AdminRespondToAuthChallenge": byChallengeUsername,
		"CreateUserPoolClient":        byClientName,
		"UpdateUserPoolClient":        byClientID,
		"CreateGroup":                 byGroupName,
		"AdminAddUserToGroup":         byUsername,
		"AdminCreateUser":             byUsername,
		"ListUsers":                   noTarget,
		"SignUp":                      noTarget,
	}
	for _, o := range operations {
		tg, ok := want[o.name]
		if !ok {
			continue
		}
		delete(want, o.name)
		if tg == noTarget {
			if o.target != nil {
				t.Errorf("%s: has a target", o.name)
			}
			continue
		}
		in := o.newInput()
		if got := o.target(in); got != "" {
			t.Errorf("%s: target of an empty input is %q", o.name, got)
		}
		f := reflect.ValueOf(in).Elem().FieldByName(tg.member)
		switch {
		case tg.key != "":
			f.Set(reflect.ValueOf(map[string]string{tg.key: "alice", "OTHER": "bob"}))
		case f.Kind() == reflect.Pointer:
			s := "alice"
			f.Set(reflect.ValueOf(&s))
		default:
			f.SetString("alice")
		}
		if got := o.target(in); got != "alice" {
			t.Errorf("%s: target %q, want alice", o.name, got)
		}
	}
	for n := range want {
		t.Errorf("%s: not in the table", n)
	}
}

// A row naming a member its input lacks, or of a type that cannot name a
// target, fails while the table is built.
func TestTargetOfAMissingMemberPanics(t *testing.T) {
	t.Parallel()
	type input struct {
		Username string
		Limit    int
	}
	for _, tg := range []target{{member: "GroupName"}, {member: "Limit"}, {member: "Username", key: "USERNAME"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", tg)
				}
			}()
			tg.extractor(reflect.TypeFor[input](), "Test")
		}()
	}
}
