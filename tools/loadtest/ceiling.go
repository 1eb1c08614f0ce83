package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ceilingBody is a fixed answer shaped like an AdminGetUser response, so the
// bytes on the wire resemble the real server's.
var ceilingBody = []byte(`{"Enabled":true,"UserAttributes":[{"Name":"email","Value":"user0000001@example.com"},` +
	`{"Name":"email_verified","Value":"true"},{"Name":"sub","Value":"4b3f6b2e-0000-4000-8000-000000000001"}],` +
	`"UserCreateDate":1.7e9,"UserLastModifiedDate":1.7e9,"UserStatus":"CONFIRMED","Username":"user0000001@example.com"}`)

// ceilingTokenBody is the fixed answer to a POST to a path ending in
// /oauth2/token: shaped and sized like a client_credentials grant's answer
// (an RS256-2048 access token of about 900 characters).
var ceilingTokenBody = []byte(`{"access_token":"` + strings.Repeat("x", 900) + `","expires_in":3600,"token_type":"Bearer"}`)

// CeilingHandler is the bare net/http server every figure is compared with:
// it drains the request and answers ceilingBody (ceilingTokenBody on
// .../oauth2/token). No routing beyond that, no signature check, no store —
// the cost of HTTP/1.1 (or HTTPS) + the client on this machine.
func CeilingHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		if strings.HasSuffix(r.URL.Path, "/oauth2/token") {
			h["Content-Type"] = []string{"application/json;charset=UTF-8"}
			_, _ = w.Write(ceilingTokenBody)
			return
		}
		h["Content-Type"] = []string{"application/x-amz-json-1.1"}
		h["X-Amzn-Requestid"] = []string{"00000000-0000-4000-8000-000000000000"}
		_, _ = w.Write(ceilingBody)
	})
}

// serveCeiling runs the ceiling server on addr until ctx ends, printing
// "listening ADDR" on out once bound; over TLS (HTTP/2 and HTTP/1.1 offered,
// as userpool serves it) when certFile and keyFile are set.
func serveCeiling(ctx context.Context, addr, certFile, keyFile string, out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if err := checkLoopbackAddr(ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: CeilingHandler(), ReadHeaderTimeout: 10 * time.Second}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			ln.Close()
			return err
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	fmt.Fprintf(out, "listening %s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func checkLoopbackAddr(hostport string) error {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	ip := net.ParseIP(h)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("ceiling server must listen on loopback, not %s", hostport)
	}
	return nil
}

// startCeilingProcess runs this binary's ceiling-server subcommand as a
// separate process (like the real servers) and returns its URL and pid;
// over HTTPS when certFile and keyFile are set.
func startCeilingProcess(certFile, keyFile string) (url string, cmd *exec.Cmd, err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	scheme := "http://"
	args := []string{"ceiling-server", "--listen", "127.0.0.1:0"}
	if certFile != "" {
		scheme = "https://"
		args = append(args, "--tls-cert", certFile, "--tls-key", keyFile)
	}
	cmd = exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	sc := bufio.NewScanner(stdout)
	done := make(chan string, 1)
	go func() {
		if sc.Scan() {
			done <- sc.Text()
		}
		close(done)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-done:
		addr, ok := strings.CutPrefix(line, "listening ")
		if !ok {
			_ = cmd.Process.Kill()
			return "", nil, fmt.Errorf("ceiling server said %q", line)
		}
		return scheme + addr, cmd, nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		return "", nil, errors.New("ceiling server did not start")
	}
}
