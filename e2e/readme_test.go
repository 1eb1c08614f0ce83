package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's commands cannot rot: TestReadmeCommands runs the ```sh
// blocks of README.md and then of docs/*.md, in order, in a fresh
// directory, against the binary built from this tree (first on PATH as
// "userpool", which is what `go install ./cmd/userpool` gives a reader),
// and fails when a block exits non-zero.
//
// The markers, on the line before a block:
//
//	<!-- not-run: reason -->    the block is skipped (a reason is required)
//	<!-- run: background -->   the block starts a server: it runs in the
//	                            background until the next background block
//	                            (the reader's Ctrl-C) or the end, and the
//	                            next block waits for /healthz
//
// Each foreground block runs in `bash -e -o pipefail` and starts with the
// variables the blocks before it exported (as in the reader's terminal);
// variables a block only sets, without exporting, are not carried over, so
// a block relying on them fails here as it would in a child process.
// The documented address 127.0.0.1:9229 (and localhost:9229) is replaced
// by a free port, which USERPOOL_LISTEN gives the servers.

type shBlock struct {
	file       string
	line       int
	text       string
	background bool
}

var markerRe = regexp.MustCompile(`^<!--\s*(not-run|run):\s*(.*?)\s*-->$`)

// shBlocks extracts the ```sh blocks of one Markdown file.
func shBlocks(t *testing.T, path string) []shBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []shBlock
	sc := bufio.NewScanner(f)
	var prev string // the last non-empty line outside a block
	var cur *shBlock
	var body []string
	skip := false
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if cur != nil {
			if strings.TrimSpace(line) == "```" {
				cur.text = strings.Join(body, "\n") + "\n"
				if !skip {
					out = append(out, *cur)
				}
				cur, body = nil, nil
				continue
			}
			body = append(body, line)
			continue
		}
		if strings.TrimSpace(line) == "```sh" {
			cur = &shBlock{file: path, line: n}
			skip = false
			if m := markerRe.FindStringSubmatch(strings.TrimSpace(prev)); m != nil {
				switch {
				case m[1] == "not-run" && m[2] != "":
					skip = true
				case m[1] == "run" && m[2] == "background":
					cur.background = true
				default:
					t.Fatalf("%s:%d: marker %q: want <!-- not-run: reason --> or <!-- run: background -->", path, n-1, prev)
				}
			}
			continue
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: unterminated ```sh block", path, cur.line)
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the AWS CLI (aws) is not on PATH; CI must have it")
		}
		t.Skip("the AWS CLI (aws) is not on PATH (scripts/test puts it there)")
	}
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(docs)
	var blocks []shBlock
	for _, f := range append([]string{"../README.md"}, docs...) {
		blocks = append(blocks, shBlocks(t, f)...)
	}
	if len(blocks) < 4 {
		t.Fatalf("only %d runnable blocks found", len(blocks))
	}

	bin := binary(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	work := filepath.Join(dir, "work")
	for _, d := range []string{home, work} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The built binary is "userpool" first on PATH; aws stays reachable.
	binDir := filepath.Join(dir, "bin")
	if err := os.MkdirAll(binDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(binDir, "userpool")); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	substitute := strings.NewReplacer("127.0.0.1:9229", addr, "localhost:9229", addr)
	path := strings.Join([]string{binDir, filepath.Dir(awsBin), os.Getenv("PATH")}, string(os.PathListSeparator))

	// The reader's terminal: a clean environment (no AWS_* of the machine).
	state := filepath.Join(dir, "exported.sh")
	initial := fmt.Sprintf("export PATH=%s\nexport HOME=%s\nexport USERPOOL_LISTEN=%s\nexport AWS_CONFIG_FILE=%s\nexport USERPOOL_TEST=1\n",
		shq(path), shq(home), shq(addr), shq(filepath.Join(home, "no-aws-config")))
	if err := os.WriteFile(state, []byte(initial), 0o600); err != nil {
		t.Fatal(err)
	}
	baseEnv := []string{"PATH=" + path, "HOME=" + home, "LANG=C.UTF-8"}

	var server *exec.Cmd
	var serverLog *os.File
	stopServer := func() {
		if server == nil {
			return
		}
		_ = syscall.Kill(-server.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = server.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-server.Process.Pid, syscall.SIGKILL)
			<-done
		}
		server = nil
	}
	t.Cleanup(stopServer)
	dumpServerLog := func() {
		if serverLog != nil {
			if b, err := os.ReadFile(serverLog.Name()); err == nil {
				t.Logf("server log:\n%s", b)
			}
		}
	}

	for i, b := range blocks {
		where := fmt.Sprintf("%s:%d", strings.TrimPrefix(b.file, "../"), b.line)
		text := substitute.Replace(b.text)
		if b.background {
			stopServer()
			var err error
			serverLog, err = os.Create(filepath.Join(dir, fmt.Sprintf("server-%d.log", i)))
			if err != nil {
				t.Fatal(err)
			}
			server = exec.Command(bash, "-c", "source "+shq(state)+"\nexec "+strings.TrimSpace(text))
			server.Dir, server.Env = work, baseEnv
			server.Stdout, server.Stderr = serverLog, serverLog
			server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := server.Start(); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if !waitHealthy("http://"+addr+"/healthz", 60*time.Second) {
				dumpServerLog()
				t.Fatalf("%s: the server did not answer /healthz on %s", where, addr)
			}
			continue
		}
		script := "source " + shq(state) + "\n" + text + "\nexport -p > " + shq(state) + "\n"
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, bash, "-e", "-o", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = work, baseEnv
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			dumpServerLog()
			t.Fatalf("%s: the block failed: %v\n--- block\n%s--- output\n%s", where, err, text, out)
		}
		t.Logf("%s: ok", where)
	}
}

func waitHealthy(url string, limit time.Duration) bool {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// shq quotes s for bash.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
