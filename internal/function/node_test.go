package function

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// logBuffer is a slog handler target safe for concurrent writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func needNode(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
}

func newNode(t testing.TB, cfg NodeConfig) (*Node, *logBuffer) {
	t.Helper()
	needNode(t)
	logs := &logBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second // generous: the machine is shared
	}
	n, err := NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n, logs
}

func run(t *testing.T, r Runner, event string) map[string]any {
	t.Helper()
	out, err := r.Run(context.Background(), []byte(event))
	if err != nil {
		t.Fatalf("Run(%s): %v", event, err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("result %q: %v", out, err)
	}
	return m
}

func TestNodeESMAndCommonJS(t *testing.T) {
	t.Parallel()
	t.Run("esm", func(t *testing.T) {
		t.Parallel()
		n, logs := newNode(t, NodeConfig{Name: "echo", Handler: "testdata/esm/handler.mjs", Credentials: Credentials{AccessKeyID: "AKIDTEST"}, Env: map[string]string{"EXTRA": "x1"}})
		m := run(t, n, `{"say":"hi","n":1}`)
		if m["say"] != "hi" || m["n"] != float64(1) || m["remaining"] != true {
			t.Errorf("result %v", m)
		}
		if m["key"] != "AKIDTEST" || m["extra"] != "x1" {
			t.Errorf("environment: key %v extra %v", m["key"], m["extra"])
		}
		// console output is logged with the function's name, apart from the result
		waitFor(t, func() bool {
			s := logs.String()
			return strings.Contains(s, `msg="hello from echo: hi" function=echo stream=stdout`) &&
				strings.Contains(s, `msg="to stderr" function=echo stream=stderr`)
		}, "console output in the log:\n%s", logs)
	})
	t.Run("commonjs", func(t *testing.T) {
		t.Parallel()
		n, logs := newNode(t, NodeConfig{Name: "cjs", Handler: "testdata/cjs/handler.js"})
		m := run(t, n, `{"a":"b"}`)
		if m["ok"] != true || m["kind"] != "cjs" {
			t.Errorf("result %v", m)
		}
		_, err := n.Run(context.Background(), []byte(`{"fail":"bad input"}`))
		var fe *FunctionError
		if !errors.As(err, &fe) || fe.Message != "bad input" || fe.Type != "TypeError" {
			t.Errorf("callback error: %v", err)
		}
		waitFor(t, func() bool { return strings.Contains(logs.String(), `function=cjs stream=stdout`) }, "log:\n%s", logs)
	})
}

func TestNodeFunctionErrors(t *testing.T) {
	t.Parallel()
	n, _ := newNode(t, NodeConfig{Name: "thrower", Handler: "testdata/esm/handler.mjs"})
	for _, tc := range []struct {
		event, message, typ string
	}{
		{`{"throw":"Registration from this domain is not allowed."}`, "Registration from this domain is not allowed.", "Error"},
		{`{"throwString":"plain"}`, "plain", "string"},
	} {
		_, err := n.Run(context.Background(), []byte(tc.event))
		var fe *FunctionError
		if !errors.As(err, &fe) || fe.Message != tc.message || fe.Type != tc.typ {
			t.Errorf("%s: got %v (%#v), want FunctionError %q/%q", tc.event, err, fe, tc.typ, tc.message)
		}
	}
	// the worker survives a thrown error
	run(t, n, `{}`)
	// an event that is not JSON is refused before it reaches the worker
	if _, err := n.Run(context.Background(), []byte(`{`)); err == nil {
		t.Error("malformed event accepted")
	}
}

func TestNodeTimeoutReplacesWorker(t *testing.T) {
	t.Parallel()
	n, _ := newNode(t, NodeConfig{Name: "slow", Handler: "testdata/esm/handler.mjs", Timeout: 3 * time.Second, Workers: 1})
	first := run(t, n, `{}`)["pid"]
	_, err := n.Run(context.Background(), []byte(`{"hang":true}`))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("hanging handler: %v, want ErrTimeout", err)
	}
	second := run(t, n, `{}`)["pid"]
	if second == first {
		t.Errorf("the timed-out worker %v answered again", first)
	}
}

func TestNodeCrashesAreRestarted(t *testing.T) {
	t.Parallel()
	n, logs := newNode(t, NodeConfig{Name: "crashy", Handler: "testdata/esm/handler.mjs", Workers: 1})
	pid := int(run(t, n, `{}`)["pid"].(float64))

	// killed from outside while idle: replaced in the background
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		ws := n.Workers()
		return len(ws) == 1 && ws[0] != pid
	}, "no replacement worker (workers %v)", n.Workers())
	if got := int(run(t, n, `{}`)["pid"].(float64)); got == pid {
		t.Errorf("killed worker %d answered", pid)
	}
	if !strings.Contains(logs.String(), "function worker exited") {
		t.Errorf("the crash was not logged:\n%s", logs)
	}

	// exits in the middle of a call: a runtime failure, not a function error
	_, err := n.Run(context.Background(), []byte(`{"crash":true}`))
	var fe *FunctionError
	if err == nil || errors.As(err, &fe) || errors.Is(err, ErrTimeout) {
		t.Errorf("crash during a call: %v", err)
	}
	run(t, n, `{}`)

	// an unhandled rejection is a function error and the worker is replaced
	_, err = n.Run(context.Background(), []byte(`{"reject":true}`))
	if err == nil {
		// the rejection may land after the answer; the next call then finds
		// the worker gone and starts another
		run(t, n, `{}`)
	} else if !errors.As(err, &fe) || fe.Message != "late rejection" {
		t.Errorf("unhandled rejection: %v", err)
	}
	run(t, n, `{}`)
}

func TestNodeConcurrency(t *testing.T) {
	t.Parallel()
	n, _ := newNode(t, NodeConfig{Name: "busy", Handler: "testdata/esm/handler.mjs", Workers: 2})
	const calls = 12
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	pids := make(chan float64, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := n.Run(context.Background(), fmt.Appendf(nil, `{"i":%d}`, i))
			if err != nil {
				errs <- err
				return
			}
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil || m["i"] != float64(i) {
				errs <- fmt.Errorf("call %d answered %s", i, out)
				return
			}
			pids <- m["pid"].(float64)
		}()
	}
	wg.Wait()
	close(errs)
	close(pids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[float64]bool{}
	for p := range pids {
		seen[p] = true
	}
	if len(seen) > 2 {
		t.Errorf("%d worker processes answered; the pool holds 2", len(seen))
	}
}

func TestNodeAmplifyEnvModule(t *testing.T) {
	t.Parallel()
	n, _ := newNode(t, NodeConfig{Name: "some-function", Handler: "testdata/amplifyenv.mjs", Credentials: Credentials{PoolID: "us-east-1_abcdefghi"}})
	if m := run(t, n, `{}`); m["pool"] != "us-east-1_abcdefghi" {
		t.Errorf("$amplify/env: %v", m)
	}
}

func TestNodeLoadErrors(t *testing.T) {
	t.Parallel()
	n, _ := newNode(t, NodeConfig{Name: "noexport", Handler: "testdata/noexport.mjs"})
	_, err := n.Run(context.Background(), []byte(`{}`))
	var fe *FunctionError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "Runtime.HandlerNotFound") {
		t.Errorf("module without handler: %v", err)
	}
	if _, err := NewNode(NodeConfig{Name: "missing", Handler: "testdata/nope.mjs"}); err == nil {
		t.Error("missing handler file accepted")
	}
	if _, err := NewNode(NodeConfig{Name: "nonode", Handler: "testdata/noexport.mjs", Node: "/nonexistent/node"}); err == nil {
		t.Error("missing node accepted")
	}
}

// The server's own environment (its master key, say) never reaches a function.
func TestNodeEnvironmentIsolated(t *testing.T) {
	t.Setenv("USERPOOL_MASTER_KEY", "secret-master")
	n, _ := newNode(t, NodeConfig{Name: "isolated", Handler: "testdata/esm/handler.mjs"})
	if m := run(t, n, `{}`); m["master"] != nil {
		t.Errorf("server environment leaked: %v", m["master"])
	}
}

// waitFor polls cond (a process event: no timing is asserted, only that it
// happens within a generous bound).
func waitFor(t *testing.T, cond func() bool, format string, args ...any) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf(format, args...)
}
