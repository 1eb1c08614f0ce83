package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"userpool/internal/iam"
	"userpool/internal/store"
)

func cmdEnv(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("env", stderr)
	var f commonFlags
	f.register(fs)
	pool := fs.String("pool", "", "pool (id or name) for AMPLIFY_AUTH_USERPOOL_ID (default: the one pool the principal is granted)")
	key := fs.String("key", "", "use this access key id of the principal")
	newKey := fs.Bool("new-key", false, "create a new access key pair instead of reusing the newest one")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: server.public_url, else http://<listen>)")
	fs.Bool("export", true, "(always on; accepted for compatibility)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: userpool env PRINCIPAL [flags]

Prints "export NAME=value" lines (values shell-quoted) for a process that
calls the server as PRINCIPAL: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
and AMPLIFY_AUTH_USERPOOL_ID. It reuses the principal's newest enabled
access key (creating one when it has none); --new-key creates another.

Use: eval "$(userpool env NAME)"   (under set -e a failure stops the script:
on an error nothing is exported and the printed text is "false")`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return evalFail(stdout, 2)
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, true)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	defer e.Close()
	p, err := e.store.GetPrincipal(ctx, pos[0])
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(stderr, "userpool: no principal %q (create one with: userpool principal create --name %s --pool POOL --allow ACTIONS)\n", pos[0], pos[0])
		return evalFail(stdout, 1)
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	vars, err := e.principalEnv(ctx, p, keyChoice{id: *key, fresh: *newKey}, *pool, *endpoint, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	vars.write(stdout)
	return 0
}

// evalFail is for commands whose output is meant for eval ("env",
// "principal create"): on failure they print "false", so that
// eval "$(userpool env NAME)" fails too (eval of nothing succeeds, hiding
// the error; under set -e the script stops). Nothing is printed to a
// terminal, where the line would only confuse. It returns code.
func evalFail(stdout io.Writer, code int) int {
	if f, ok := stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return code
		}
	}
	fmt.Fprintln(stdout, "false")
	return code
}

// keyChoice says which access key the printed environment carries: the key
// id, else a new one when fresh, else the newest enabled key (a new one
// when the principal has none).
type keyChoice struct {
	id    string
	fresh bool
}

// principalEnv fills in the environment of p: the pool first (an error
// there creates no key), then the access key that choice names (or a new one).
func (e *cliEnv) principalEnv(ctx context.Context, p store.Principal, choice keyChoice, pool, endpoint string, stderr io.Writer) (envVars, error) {
	v := envVars{region: e.cfg.Server.Region, endpoint: endpoint}
	if v.endpoint == "" {
		v.endpoint = endpointURL(e.cfg, e.cfg.Server.Listen)
	}
	if pool != "" {
		id, err := resolvePool(ctx, e.svc, pool)
		if err != nil {
			return v, err
		}
		v.poolID = id
	} else {
		id, why := grantedPool(ctx, e.svc, p)
		if why != "" {
			fmt.Fprintf(stderr, "# AMPLIFY_AUTH_USERPOOL_ID omitted: %s\n", why)
		}
		v.poolID = id
	}
	keyID := choice.id
	if keyID == "" && !choice.fresh {
		keys, err := e.store.ListAccessKeys(ctx, p.Name)
		if err != nil {
			return v, err
		}
		if k, ok := newestKey(keys); ok {
			keyID = k.ID
			fmt.Fprintf(stderr, "# reusing access key %s of %q (created %s); --new-key creates another\n", k.ID, p.Name, k.CreatedAt.UTC().Format(time.RFC3339))
		}
	}
	if keyID != "" {
		k, err := e.store.GetAccessKey(ctx, keyID)
		if err != nil || k.PrincipalName != p.Name {
			return v, fmt.Errorf("principal %q has no access key %q", p.Name, keyID)
		}
		if k.Disabled {
			return v, fmt.Errorf("access key %q is disabled", keyID)
		}
		secret, err := e.sealer.OpenSecret(k.ID, k.SecretCiphertext)
		if err != nil {
			return v, fmt.Errorf("opening access key %q: %w", keyID, err)
		}
		v.accessKeyID, v.secret = k.ID, secret
	} else {
		id, secret, err := iam.CreateAccessKey(ctx, e.store, e.sealer, nil, p.Name, time.Now())
		if err != nil {
			return v, err
		}
		v.accessKeyID, v.secret = id, secret
	}
	return v, nil
}

// newestKey is the most recently created enabled key (ties: the greatest id).
func newestKey(keys []store.AccessKey) (store.AccessKey, bool) {
	var best store.AccessKey
	found := false
	for _, k := range keys {
		if k.Disabled {
			continue
		}
		if !found || k.CreatedAt.After(best.CreatedAt) || (k.CreatedAt.Equal(best.CreatedAt) && k.ID > best.ID) {
			best, found = k, true
		}
	}
	return best, found
}
