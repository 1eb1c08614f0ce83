package main

import (
	"bytes"
	"strings"
	"testing"
)

// Every command group answers help, a missing verb and an unknown verb the
// same way.
func TestCommandGroupsDispatch(t *testing.T) {
	t.Parallel()
	for _, group := range []struct {
		name string
		run  func(args []string, stdout, stderr *bytes.Buffer) int
	}{
		{"principal", func(a []string, o, e *bytes.Buffer) int { return cmdPrincipal(a, o, e) }},
		{"role", func(a []string, o, e *bytes.Buffer) int { return cmdRole(a, o, e) }},
		{"function", func(a []string, o, e *bytes.Buffer) int { return cmdFunction(a, o, e) }},
	} {
		var out, errb bytes.Buffer
		if code := group.run([]string{"--help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "usage") {
			t.Errorf("%s --help: exit %d, stdout %q", group.name, code, out.String())
		}
		out.Reset()
		errb.Reset()
		if code := group.run(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
			t.Errorf("%s without a verb: exit %d, stderr %q", group.name, code, errb.String())
		}
		errb.Reset()
		if code := group.run([]string{"frobnicate"}, &out, &errb); code != 2 ||
			!strings.Contains(errb.String(), `unknown `+group.name+` command "frobnicate"`) {
			t.Errorf("%s frobnicate: exit %d, stderr %q", group.name, code, errb.String())
		}
	}
}
