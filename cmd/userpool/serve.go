package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"userpool/internal/audit"
	"userpool/internal/config"
	"userpool/internal/declare"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	var f commonFlags
	f.register(fs)
	f.registerListen(fs)
	dev := fs.Bool("dev-accept-any-credentials", false, "accept any well-formed SigV4 signature and allow every operation (development only)")
	tf := registerTLSFlags(fs)
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	cfg, err := f.load()
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	if *dev {
		cfg.Auth.DevAcceptAnyCredentials = true
	}
	if err := tf.apply(&cfg); err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, log, stderr, nil); err != nil {
		var p config.Problems
		if errors.As(err, &p) {
			fmt.Fprintln(stderr, "userpool: the configuration cannot be applied:", err)
			return 1
		}
		var locked *sqlite.LockedError
		if errors.As(err, &locked) {
			fmt.Fprintln(stderr, "userpool:", err)
			return 1
		}
		log.Error("server stopped with error", "err", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx is done. When ready is non-nil it receives
// the bound address once the listener is up (tests use port 0). Operator
// instructions (first-start credentials) go to notice.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, notice io.Writer, ready chan<- string) error {
	// The data directory holds the generated master key and the first
	// start's credentials file, whatever the store.
	if err := os.MkdirAll(cfg.Server.Data, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	release, err := serverLock(cfg)
	if err != nil {
		return err
	}
	defer release() // after the store is closed
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()
	sealer, err := loadSealer(cfg, log, true)
	if err != nil {
		return err
	}
	if err := checkMasterKey(ctx, st, sealer); err != nil {
		return err
	}
	if err := checkSigningKeys(ctx, st, sealer); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().String()
	public := endpointURL(cfg, addr)
	tlsConf, public, err := serverTLS(cfg, log, public)
	if err != nil {
		return err
	}

	a, err := newApp(cfg, log, st, sealer, appOptions{publicURL: public, devAuth: cfg.Auth.DevAcceptAnyCredentials})
	if err != nil {
		return err
	}
	unlock, err := startLock(ctx, cfg)
	if err != nil {
		return err
	}
	rep, err := declare.Apply(ctx, a.svc, st, &cfg, time.Now())
	for _, c := range rep.Changes {
		log.Info("config: " + c)
	}
	if err != nil {
		unlock()
		return err
	}
	a.aq.set(cfg, rep.PoolIDs)
	if err := a.setAPIs(cfg, rep.PoolIDs); err != nil {
		unlock()
		return err
	}
	if len(cfg.Seed.Users) > 0 { // fixture users (seed:), after the pools they name
		srep, err := declare.Seed(ctx, a.svc, cfg.Seed, rep.PoolIDs, "seed.")
		for _, c := range srep.Changes {
			log.Info("config: " + c)
		}
		if err != nil {
			unlock()
			return err
		}
	}
	createdRoot, err := ensureRoot(ctx, cfg, st, sealer, time.Now())
	unlock()
	if err != nil {
		return fmt.Errorf("creating the root principal: %w", err)
	}
	// The declared functions (function.go): each one's principal and access
	// key, and its runtime (warm node workers, Lambda Invoke, webhook).
	fns, err := buildFunctions(ctx, functionDeps{cfg: cfg, store: st, sealer: sealer, svc: a.svc, endpoint: public, log: log, now: time.Now().UTC()}, "")
	if err != nil {
		return err
	}
	defer fns.Close()
	a.setFunctions(fns) // the triggers and GraphQL handlers run them from now on
	for _, name := range rep.Keyless {
		log.Warn("principal has no access key yet; create one with: userpool env "+name, "principal", name)
	}
	if cfg.Auth.DevAcceptAnyCredentials {
		log.Warn("DEV MODE: --dev-accept-any-credentials is on: any well-formed SigV4 signature is accepted and every signed operation allowed. Never use this in production.")
	}

	stopMetrics, err := serveMetrics(cfg, a.metrics, log) // server.metrics_listen
	if err != nil {
		return err
	}
	defer stopMetrics()

	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- serveListener(srv, ln, tlsConf) }()
	mctx, stopMaintenance := context.WithCancel(ctx)
	maintDone := make(chan struct{})
	go func() {
		defer close(maintDone)
		newMaintenance(st, a.tokens.Prune, log).run(mctx, time.After)
	}()
	defer func() { stopMaintenance(); <-maintDone }()
	if keep := cfg.Audit.Retention.Duration(); keep > 0 {
		// audit.retention: old audit events deleted in batches, hourly.
		go audit.Retention{Pruner: a.svc, Keep: keep, Log: log}.Run(mctx)
	}
	// User import jobs whose runner died (a crash, a restart, another
	// instance gone): resumed at start and every heartbeat after.
	go a.svc.WatchImportJobs(mctx)
	go pruneSessionCredentials(mctx, a.svc, log, time.Hour)
	go func() {
		// Secrets that rows written before sealing hold in plaintext
		// (issue 13 finding 2): sealed once per pool, in the background.
		rep, err := a.svc.SealStoredSecrets(mctx)
		switch {
		case err != nil && mctx.Err() == nil:
			log.Error("sealing stored secrets", "err", err)
		case err == nil && rep.TOTPSecrets+rep.ClientSecrets > 0:
			log.Info("sealed stored secrets", "pools", rep.Pools, "totp_secrets", rep.TOTPSecrets, "client_secrets", rep.ClientSecrets)
		}
	}()
	if createdRoot {
		firstStartBanner(cfg, log, notice, public)
	}
	for _, d := range rep.Declared {
		log.Info("declared "+d.Kind, "name", d.Name, "id", d.ID, "pool", d.PoolID)
	}
	if cfg.TestingAPI.Enabled || cfg.Auth.DevAcceptAnyCredentials {
		log.Warn("test API on (/_userpool/..., /moto-api/reset) for callers with the root grant: codes and temporary passwords sent are kept in memory; never in production")
	}
	if cfg.SMTP == nil {
		log.Info("no smtp configured: confirmation codes, reset codes and temporary passwords are written to this log (msg=\"message for user ...\", attribute code)")
	}
	log.Info("userpool listening", "addr", addr, "data", cfg.Server.Data, "store", storeDescription(cfg), "region", cfg.Server.Region, "version", shortVersion())
	if ready != nil {
		ready <- addr
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
	a.audit.Close() // stores the audit events still queued
	log.Info("shutdown complete")
	return nil
}

// firstStartBanner tells the operator where the root credentials are: a
// paragraph for a person reading text logs, one structured record (the same
// facts as attributes) when the logs are JSON, so that log pipelines see no
// plain text in between.
func firstStartBanner(cfg config.Config, log *slog.Logger, notice io.Writer, public string) {
	creds := credentialsPath(cfg)
	example := fmt.Sprintf("AWS_SHARED_CREDENTIALS_FILE=%s aws --profile %s --endpoint-url %s --region %s cognito-idp list-user-pools --max-results 10",
		creds, credentialsProfile, public, cfg.Server.Region)
	if cfg.Log.Format == "json" {
		log.Info("first start: created the root principal with an access key",
			"principal", rootPrincipal, "grants", "cognito-idp:* on every pool",
			"credentials_file", creds, "profile", credentialsProfile, "example", example)
		return
	}
	fmt.Fprintf(notice, `
userpool: first start: created principal %q (cognito-idp:* on every pool) with an access key,
written to %s (profile [%s], mode 0600). Use it with:

  %s

`, rootPrincipal, creds, credentialsProfile, example)
}

// pruneSessionCredentials deletes temporary credentials (identity pools)
// long expired, at start and every interval, until ctx ends.
func pruneSessionCredentials(ctx context.Context, svc *userpool.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := svc.PruneSessionCredentials(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("pruning expired temporary credentials", "err", err)
		case n > 0:
			log.Info("pruned expired temporary credentials", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
