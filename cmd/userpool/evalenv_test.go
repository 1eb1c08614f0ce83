package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"userpool/internal/iam"
	"userpool/internal/store"
)

// The documented commands work as written: eval "$(userpool principal
// create ...)" and eval "$(userpool env NAME)" export the variables, so a
// child process (the seed's handler) sees them; env reuses the newest key
// unless --new-key; a failure makes the eval fail.
func TestEvalExportsToChildProcesses(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	key := make([]byte, iam.MasterKeySize)
	_, _ = rand.Read(key)
	t.Setenv(iam.MasterKeyEnv, hex.EncodeToString(key))
	sealer, err := iam.NewSealer(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	st := openTestStore(t, "sqlite:"+filepath.Join(data, "userpool.db"))
	ta := newTestAppOn(t, st, sealer, nil)
	akid, secret := ta.principal(t, "admin", store.Grant{Pool: "*", Actions: []string{iam.ActionAll}})
	pool, err := ta.client(akid, secret, nil).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}

	// evalInChild evals script's output in bash and prints what a child
	// process sees.
	evalInChild := func(t *testing.T, printed string) string {
		t.Helper()
		cmd := exec.Command(bash, "-c", `eval "$PRINTED" && bash -c 'echo "$AWS_ACCESS_KEY_ID|$AWS_SECRET_ACCESS_KEY|$AWS_REGION|$AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER|$AMPLIFY_AUTH_USERPOOL_ID"'`)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "PRINTED=" + printed}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	var out, errb bytes.Buffer
	if code := run([]string{"principal", "create", "--data", data, "--name", "fn", "--pool", "app", "--allow", "addUserToGroup"}, &out, &errb); code != 0 {
		t.Fatalf("principal create: exit %d: %s", code, errb.String())
	}
	first := strings.Split(evalInChild(t, out.String()), "|")
	if len(first) != 5 || first[0] == "" || first[1] == "" || first[2] != "us-east-1" ||
		first[3] != "http://127.0.0.1:9229" || first[4] != aws.ToString(pool.UserPool.Id) {
		t.Fatalf("child process saw %q\nprinted:\n%s", first, out.String())
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"env", "fn", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("env: exit %d: %s", code, errb.String())
	}
	if again := strings.Split(evalInChild(t, out.String()), "|"); again[0] != first[0] || again[1] != first[1] {
		t.Errorf("env minted a new key (%s) instead of reusing %s", again[0], first[0])
	}
	if !strings.Contains(errb.String(), "# reusing access key "+first[0]) {
		t.Errorf("env stderr: %q", errb.String())
	}
	out.Reset()
	if code := run([]string{"env", "fn", "--new-key", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("env --new-key: exit %d: %s", code, errb.String())
	}
	if fresh := strings.Split(evalInChild(t, out.String()), "|"); fresh[0] == first[0] {
		t.Errorf("--new-key reused %s", fresh[0])
	}
	keys, _ := st.ListAccessKeys(t.Context(), "fn")
	if len(keys) != 2 {
		t.Errorf("principal fn has %d keys, want 2", len(keys))
	}

	// A failure prints "false": the eval fails, and under set -e the script stops.
	out.Reset()
	errb.Reset()
	if code := run([]string{"env", "nobody", "--data", data}, &out, &errb); code != 1 || strings.TrimSpace(out.String()) != "false" {
		t.Fatalf("env of an unknown principal: exit %d, stdout %q", code, out.String())
	}
	cmd := exec.Command(bash, "-c", `set -e; eval "$PRINTED"; echo reached`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "PRINTED=" + out.String()}
	if b, err := cmd.CombinedOutput(); err == nil || strings.Contains(string(b), "reached") {
		t.Errorf("set -e; eval of a failure went on: %v %s", err, b)
	}
}

// Reading commands refuse a missing store instead of creating an empty one.
func TestReadingCommandsRefuseAMissingStore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "userpool-data")
	for _, args := range [][]string{
		{"audit"}, {"env", "fn"}, {"principal", "list"}, {"principal", "delete", "fn"}, {"keys", "list", "--pool", "x"},
		{"principal", "create", "--name", "fn", "--pool", "app", "--allow", "listUsers"},
	} {
		var out, errb bytes.Buffer
		code := run(append(args, "--data", data), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "no store at "+filepath.Join(data, "userpool.db")) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a command created %s (%v)", data, err)
	}
}

// -h and --version exit 0; only serve has --listen; an unknown --outcome is refused.
func TestHelpVersionAndFlags(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-h"}, {"serve", "-h"}, {"env", "-h"}, {"audit", "-h"},
		{"principal", "create", "-h"}, {"principal", "list", "-h"}, {"keys", "-h"}, {"keys", "list", "-h"}, {"migrate-store", "-h"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Errorf("%v: exit %d\n%s", args, code, errb.String())
		}
		if strings.Contains(errb.String(), "-listen") != (args[0] == "serve") {
			t.Errorf("%v: --listen listed %v", args, strings.Contains(errb.String(), "-listen"))
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--version"}, &out, &errb); !strings.HasPrefix(out.String(), "userpool ") || code != 0 {
		t.Errorf("--version: %q", out.String())
	}
	errb.Reset()
	if code := run([]string{"audit", "--outcome", "weird"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--outcome") {
		t.Errorf("audit --outcome weird: exit %d %q", code, errb.String())
	}
}

func TestVersionInfo(t *testing.T) {
	defer func(f func() (*debug.BuildInfo, bool)) { buildInfo = f }(buildInfo)
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "userpool dev go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, "userpool v1.2.3 go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-03T08:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"userpool dev (revision 0123456789ab, 2026-12-03T08:00:00Z, modified) go1.26.8"},
	} {
		buildInfo = func() (*debug.BuildInfo, bool) { return c.bi, true }
		if got := versionInfo(); got != c.want {
			t.Errorf("versionInfo() = %q, want %q", got, c.want)
		}
	}
	buildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	if got := versionInfo(); got != "userpool dev" {
		t.Errorf("without build info: %q", got)
	}
}
