// Command userpool is a self-hosted server that speaks the Amazon Cognito
// user pools API. See the README for usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"userpool/internal/cognitoidp"
	"userpool/internal/config"
	"userpool/internal/server"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `userpool %s: a self-hosted Amazon Cognito user pools server

Usage:
  userpool serve [--listen ADDR] [--data DIR] [--config FILE]
  userpool version

Run "userpool <command> -h" for the flags of a command.
`, version)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return cmdServe(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return 0
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "userpool: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// serveFlags are the flags shared by every command that opens the store.
type serveFlags struct {
	listen, data, configPath string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "", "address to listen on (default 127.0.0.1:9229)")
	fs.StringVar(&f.data, "data", "", "data directory (default ./userpool-data)")
	fs.StringVar(&f.configPath, "config", "", "YAML configuration file")
}

// load reads the config file and applies flag overrides, then validates.
func (f *serveFlags) load() (config.Config, error) {
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return cfg, err
	}
	if f.listen != "" {
		cfg.Server.Listen = f.listen
	}
	if f.data != "" {
		cfg.Server.Data = f.data
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := f.load()
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, log, nil); err != nil {
		log.Error("server stopped with error", "err", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx is done. When ready is non-nil it receives
// the bound address once the listener is up (tests use port 0).
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, ready chan<- string) error {
	if err := os.MkdirAll(cfg.Server.Data, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.Server.Data, "userpool.db"))
	if err != nil {
		return fmt.Errorf("opening store: %w", err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()

	svc := userpool.New(st, userpool.Options{
		Region:    cfg.Server.Region,
		AccountID: cfg.Server.AccountID,
		Logger:    log,
	})
	cog := cognitoidp.New(svc, cognitoidp.Options{
		Authenticator: cognitoidp.AllowAll{},
		Logger:        log,
		MaxBody:       cfg.Server.MaxBodyBytes,
	})
	h := server.Handler(server.Options{
		Cognito: cog,
		Health:  st.Ping,
		Logger:  log,
	})

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("userpool listening", "addr", ln.Addr().String(), "data", cfg.Server.Data, "region", cfg.Server.Region, "version", version)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down: waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("shutdown complete")
	return nil
}
