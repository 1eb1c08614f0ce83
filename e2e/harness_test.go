package e2e

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// binary builds cmd/userpool once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "userpool-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "userpool")
		cmd := exec.Command("go", "build", "-o", binPath, "../cmd/userpool")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building userpool: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// proc is a running userpool serve process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	Data string
	// AccessKeyID and SecretKey are the root credentials the server wrote to
	// <data>/credentials on its first start ("" when it wrote none).
	AccessKeyID, SecretKey string
	logMu                  sync.Mutex
	logBuf                 strings.Builder
	done                   chan struct{}
	addrc                  chan string
}

var addrRe = regexp.MustCompile(`msg="userpool listening" addr=(\S+)`)

// fastConfig is the configuration startServer uses when the test gives none:
// cheap password hashing keeps tests fast.
const fastConfig = "password:\n  insecure_fast_hashing: true\n"

// writeConfig writes a configuration file into a fresh directory.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "userpool.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// startServer runs `userpool serve` on a free loopback port with the given
// data directory and extra arguments, and waits until it listens. Without a
// --config argument it uses fastConfig. It reads the root credentials the
// server writes to <data>/credentials on its first start.
func startServer(t *testing.T, data string, args ...string) *proc {
	t.Helper()
	return startServerEnv(t, data, nil, args...)
}

// startServerEnv is startServer with extra environment variables (NAME=value).
func startServerEnv(t *testing.T, data string, env []string, args ...string) *proc {
	t.Helper()
	p := launchServer(t, data, env, args...)
	p.waitListening()
	return p
}

// launchServer starts `userpool serve` like startServerEnv without waiting
// for it to listen (several processes can then start together); call
// waitListening on the test goroutine.
func launchServer(t *testing.T, data string, env []string, args ...string) *proc {
	t.Helper()
	bin := binary(t)
	if !hasFlag(args, "--config") {
		args = append(args, "--config", writeConfig(t, fastConfig))
	}
	full := append([]string{"serve", "--listen", "127.0.0.1:0", "--data", data}, args...)
	cmd := exec.Command(bin, full...)
	cmd.Env = append(append(os.Environ(), "USERPOOL_TEST=1"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, Data: data, done: make(chan struct{}), addrc: make(chan string, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.logMu.Lock()
			p.logBuf.WriteString(line + "\n")
			p.logMu.Unlock()
			if m := addrRe.FindStringSubmatch(line); m != nil {
				select {
				case p.addrc <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.Stop() })
	return p
}

// waitListening waits until the server listens and reads the root
// credentials it wrote on a first start.
func (p *proc) waitListening() {
	t := p.t
	t.Helper()
	select {
	case addr := <-p.addrc:
		p.URL = "http://" + addr
	case <-p.done:
		t.Fatalf("userpool exited before listening:\n%s", p.Logs())
	case <-time.After(60 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Fatalf("userpool did not start:\n%s", p.Logs())
	}
	p.AccessKeyID, p.SecretKey = readCredentials(t, filepath.Join(p.Data, "credentials"))
}

// readCredentials reads the [userpool] profile of a shared-credentials file.
func readCredentials(t *testing.T, path string) (id, secret string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", ""
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			id = strings.TrimSpace(v)
		case "aws_secret_access_key":
			secret = strings.TrimSpace(v)
		}
	}
	return id, secret
}

// rootClient is an SDK client with the root credentials of the first start.
func (p *proc) rootClient() *cip.Client {
	p.t.Helper()
	if p.AccessKeyID == "" {
		p.t.Fatalf("no credentials in %s/credentials", p.Data)
	}
	return p.client(p.AccessKeyID, p.SecretKey)
}

// runCLI runs the userpool binary with args and returns its stdout, stderr
// and exit code.
func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running userpool %v: %v", args, err)
		}
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// Logs returns everything the process wrote to stderr so far.
func (p *proc) Logs() string {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	return p.logBuf.String()
}

// waitLog waits until the log matches re (the access log is written after
// the response, and read from the process through a pipe), for at most
// 10 seconds; it reports whether it matched.
func (p *proc) waitLog(re *regexp.Regexp) bool {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if re.MatchString(p.Logs()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *proc) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		p.t.Errorf("userpool did not stop on SIGTERM:\n%s", p.Logs())
	}
}

// ExitCode is the process exit code after Stop.
func (p *proc) ExitCode() int { return p.cmd.ProcessState.ExitCode() }

// client returns an AWS SDK for Go v2 client pointed at the server.
func (p *proc) client(ak, sk string) *cip.Client {
	return cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(p.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(ak, sk, ""),
		HTTPClient:   newBufferedClient(),
	})
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
