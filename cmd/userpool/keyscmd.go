package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"userpool/internal/token"
)

// cmdKeys: `userpool keys rotate|list --pool POOL`. Rotation creates new
// signing keys for the pool; the old ones stop signing at once and stay in
// the JWKS until every token they signed has expired. A running server picks
// the new keys up within its signing-key cache TTL (30 s).
func cmdKeys(args []string, stdout, stderr io.Writer) int {
	const keysUsage = "usage: userpool keys rotate|list --pool POOL [--data DIR] [--config FILE] [--store DSN]"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(stdout, keysUsage)
		return 0
	}
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "list") {
		fmt.Fprintln(stderr, keysUsage)
		return 2
	}
	sub := args[0]
	fs := newFlagSet("keys "+sub, stderr)
	var f commonFlags
	f.register(fs)
	poolRef := fs.String("pool", "", "the pool (id or name)")
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return parseExit(err)
	}
	if *poolRef == "" {
		fmt.Fprintln(stderr, "userpool: keys "+sub+": --pool is required")
		return 2
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, true)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()
	poolID, err := resolvePool(ctx, e.svc, *poolRef)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	if sub == "rotate" {
		// The issuer URL plays no part in rotation.
		is, err := newIssuer(e.store, e.sealer, token.CognitoIssuerURL, nil, nil)
		if err != nil {
			fmt.Fprintln(stderr, "userpool:", err)
			return 1
		}
		if err := is.Rotate(ctx, poolID); err != nil {
			fmt.Fprintln(stderr, "userpool: rotating keys:", err)
			return 1
		}
		fmt.Fprintf(stderr, "rotated the signing keys of %s; running servers sign with the new keys within 30 seconds\n", poolID)
	}
	keys, err := e.store.ListSigningKeys(ctx, poolID)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KID\tUSE\tCREATED\tSIGNS UNTIL\tIN JWKS UNTIL")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.KID, k.Use, stamp(k.CreatedAt), stamp(k.NotAfter), stamp(k.ExpiresAt))
	}
	_ = tw.Flush()
	return 0
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
