package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"userpool/internal/config"
	"userpool/internal/graphql"
	"userpool/internal/userpool"
)

// cmdOutputs: `userpool outputs --pool P [--api NAME] [--client ID]
// [--url URL] [--out FILE]`. Writes the amplify_outputs.json of a pool
// (auth section) and of a declared API (data section with the custom
// operations' model introspection), and prints the Amplify.configure
// override that points Auth at this server.
func cmdOutputs(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("outputs", stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: userpool outputs --pool POOL [--api NAME] [--client ID] [--url URL] [--out FILE] [--data DIR] [--config FILE] [--store DSN]")
		fs.PrintDefaults()
	}
	var f commonFlags
	f.register(fs)
	pool := fs.String("pool", "", "the pool's id or name (required)")
	apiName := fs.String("api", "", "a declared API (apis:) for the data section; default: the pool's only API, if one")
	client := fs.String("client", "", "the app client id (default: the pool's first client)")
	url := fs.String("url", "", "the server's URL as clients reach it (default: server.public_url or http://<server.listen>)")
	identityPool := fs.String("identity-pool", "", "an identity pool id for auth.identity_pool_id")
	out := fs.String("out", "amplify_outputs.json", "the file to write (- for standard output)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(pos) != 0 || *pool == "" {
		fs.Usage()
		return 2
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
	poolID, err := resolvePool(ctx, svc, *pool)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	api, err := pickAPI(ctx, svc, e.cfg, poolID, *apiName)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	base := *url
	if base == "" {
		base = endpointURL(e.cfg, e.cfg.Server.Listen)
	}
	doc, err := graphql.Outputs(ctx, svc, graphql.OutputsInput{PoolID: poolID, ClientID: *client, BaseURL: base, IdentityPoolID: *identityPool, API: api})
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	if *out == "-" {
		_, _ = stdout.Write(doc)
		return 0
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n\nPoint Amplify's Auth at userpool after loading it:\n\n%s", *out, graphql.ConfigureSnippet(base))
	return 0
}

// pickAPI finds the declared API named name (or the pool's only one).
func pickAPI(ctx context.Context, svc *userpool.Service, cfg config.Config, poolID, name string) (*graphql.API, error) {
	var found []*graphql.API
	for i := range cfg.APIs {
		a := &cfg.APIs[i]
		if name != "" && a.Name != name {
			continue
		}
		id, err := resolvePool(ctx, svc, a.Pool)
		if err != nil || id != poolID {
			if name != "" {
				return nil, fmt.Errorf("api %q is not an API of pool %s", name, poolID)
			}
			continue
		}
		g := a.GraphQL(id)
		found = append(found, &g)
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case name != "":
		return nil, fmt.Errorf("no API %q is declared (apis:)", name)
	case len(found) > 1:
		return nil, fmt.Errorf("pool %s has several APIs: name one with --api", poolID)
	}
	return nil, nil
}
