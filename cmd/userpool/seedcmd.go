package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"userpool/internal/config"
	"userpool/internal/declare"
	"userpool/internal/userpool"
)

// cmdSeed: `userpool seed FILE`. Creates the fixture users of FILE (the
// fields of the configuration's seed: section at its top level), or brings
// existing ones to the state given; a second run changes nothing. It works
// on the store of the data directory (or --data, --config, --store), also
// while a server runs on it.
func cmdSeed(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("seed", stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: userpool seed FILE [--data DIR] [--config FILE] [--store DSN]")
		fs.PrintDefaults()
	}
	var f commonFlags
	f.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	seed, err := config.LoadSeed(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, true)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()
	svc := userpool.New(e.store, userpool.Options{
		Region: e.cfg.Server.Region, AccountID: e.cfg.Server.AccountID,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		PasswordParams: passwordParams(e.cfg),
		Sealer:         e.sealer,
	})
	rep, err := declare.Seed(ctx, svc, seed, nil, "")
	for _, c := range rep.Changes {
		fmt.Fprintln(stdout, c)
	}
	fmt.Fprintf(stdout, "seed: %d created, %d updated, %d unchanged\n", rep.Created, rep.Updated, rep.Unchanged)
	if err != nil {
		fmt.Fprintf(stderr, "userpool: %s: %v\n", pos[0], err)
		return 1
	}
	return 0
}
