package iam

import (
	"errors"
	"strings"
	"testing"
)

// A refused action list is an *ActionError: callers name the field
// themselves and use Reason, which is Error without the package prefix.
func TestActionError(t *testing.T) {
	for _, c := range []struct {
		actions    []string
		action     string
		reasonHead string
	}{
		{nil, "", "at least one action must be specified"},
		{[]string{"getUser", "bogus"}, "bogus", `unknown action "bogus"; valid actions are the Amplify names (`},
		{[]string{"cognito-idp:NoSuchOp"}, "cognito-idp:NoSuchOp", `unknown Cognito operation in action "cognito-idp:NoSuchOp"; valid operations: `},
		{[]string{"cognito-idp:SignUp"}, "cognito-idp:SignUp", `"cognito-idp:SignUp" cannot be granted: cognito-idp:SignUp is not a SigV4 operation`},
	} {
		err := ValidateActions(c.actions)
		var ae *ActionError
		if !errors.As(err, &ae) {
			t.Errorf("ValidateActions(%q) = %v, want an *ActionError", c.actions, err)
			continue
		}
		if ae.Action != c.action || !strings.HasPrefix(ae.Reason, c.reasonHead) {
			t.Errorf("ValidateActions(%q): Action %q, Reason %q; want %q and a reason starting %q", c.actions, ae.Action, ae.Reason, c.action, c.reasonHead)
		}
		if err.Error() != "iam: "+ae.Reason {
			t.Errorf("Error() = %q, want \"iam: \" + Reason", err.Error())
		}
	}
	if _, err := Expand("bogus"); !errors.As(err, new(*ActionError)) {
		t.Errorf("Expand(bogus) = %v, want an *ActionError", err)
	}
}
