package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"userpool/internal/config"
	"userpool/internal/storecopy"
)

const migrateStoreUsage = `usage: userpool migrate-store --to DST [--from SRC] [--force] [--workers N] [--config FILE] [--data DIR]

Copies everything from the store SRC into the store DST: pools, app
clients, users (password hashes, SRP verifiers, MFA settings, aliases,
lockout state), groups, memberships, devices, passkeys, token signing keys, pool
resources (domains, resource servers, identity providers, UI
customizations, brandings, terms, risk and log-delivery configurations),
user import jobs with their uploaded CSV, refresh tokens with their
revocations and rotation, one-time codes, challenge sessions, principals,
access keys and the audit log. SRC and DST are "sqlite:PATH" or
"postgres://user:password@host:port/db?sslmode=..." (see --store of serve);
SRC defaults to the configured store (store.dsn, USERPOOL_STORE, else the
SQLite file of the data directory).

Stop every server using SRC first: what changes during the copy may be
missed, and the verification then fails. A SQLite SRC or DST is locked
for the copy as serve locks it: the copy is refused while a server runs on
it, and no server starts on it until the copy ends. Access key secrets and signing
keys are copied still sealed: run the servers on DST with the same master
key (copy <data>/master.key or set USERPOOL_MASTER_KEY on every instance).

A progress bar goes to stderr. At the end every kind of record is counted
in both stores; any difference is reported and the exit status is 1.

DST must be empty. --force copies into a non-empty DST: records whose key
already exists there are kept as they are (so an interrupted copy can be
resumed), audit events are appended, and the verification then only
requires DST to hold at least as many records of each kind as SRC.`

func cmdMigrateStore(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate-store", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, migrateStoreUsage); fs.PrintDefaults() }
	var f commonFlags
	fs.StringVar(&f.data, "data", "", "data directory (for the default SQLite SRC; default ./userpool-data)")
	fs.StringVar(&f.configPath, "config", "", "YAML configuration file (store section for SRC and pool settings)")
	from := fs.String("from", "", "source store (default: the configured store)")
	to := fs.String("to", "", "destination store (required)")
	force := fs.Bool("force", false, "copy into a non-empty destination, keeping the records it already has")
	workers := fs.Int("workers", 8, "users copied in parallel")
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseExit(err)
	}
	if *to == "" || *workers < 1 {
		fs.Usage()
		return 2
	}
	f.store = *from
	cfg, err := f.load()
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	srcBackend, srcTarget, err := cfg.StoreBackend()
	if err != nil {
		fmt.Fprintln(stderr, "userpool: --from:", err)
		return 2
	}
	dstBackend, dstTarget, err := config.ParseStoreDSN(*to, cfg.Server.Data)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: --to:", err)
		return 2
	}
	if srcBackend == dstBackend && srcTarget == dstTarget {
		fmt.Fprintln(stderr, "userpool: --from and --to name the same store")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A SQLite end is locked for the whole copy, as serve locks it: a server
	// running on it is refused, and none can start on it until the copy ends.
	// PostgreSQL ends take no lock (stop their servers first, as said above).
	for _, end := range []struct{ name, backend, target string }{{"source", srcBackend, srcTarget}, {"destination", dstBackend, dstTarget}} {
		release, err := sqliteServerLock(end.backend, end.target)
		if err != nil {
			fmt.Fprintf(stderr, "userpool: %s: %v\n", end.name, err)
			return 1
		}
		defer release()
	}
	src, err := openBackend(ctx, srcBackend, srcTarget, cfg.Store)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: source:", err)
		return 1
	}
	defer src.Close()
	dst, err := openBackend(ctx, dstBackend, dstTarget, cfg.Store)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: destination:", err)
		return 1
	}
	defer dst.Close()
	fmt.Fprintf(stderr, "copying %s\n     to %s\n", describe(srcBackend, srcTarget), describe(dstBackend, dstTarget))
	rep, err := storecopy.Copy(ctx, src, dst, storecopy.Options{Force: *force, Workers: *workers, Progress: stderr})
	if rep != nil {
		rep.WriteTable(stdout)
	}
	var notEmpty *storecopy.NotEmptyError
	if errors.As(err, &notEmpty) {
		fmt.Fprintf(stderr, "userpool: %v; use --force to copy into it anyway\n", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	fmt.Fprintln(stdout, "verified: every kind of record has the same count in both stores")
	if rep.Forced {
		fmt.Fprintln(stdout, "(--force: the destination may hold more records than the source)")
	}
	return 0
}

func describe(backend, target string) string {
	if backend == config.BackendSQLite {
		return "sqlite:" + target
	}
	return config.RedactDSN(target)
}
