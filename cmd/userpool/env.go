package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"userpool/internal/iam"
	"userpool/internal/store"
)

func cmdEnv(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("env", stderr)
	var f commonFlags
	f.register(fs)
	pool := fs.String("pool", "", "pool (id or name) for AMPLIFY_AUTH_USERPOOL_ID (default: the one pool the principal is granted)")
	key := fs.String("key", "", "reuse this existing access key id instead of creating a new key pair")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: server.public_url, else http://<listen>)")
	export := fs.Bool("export", false, `prefix every line with "export "`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: userpool env PRINCIPAL [flags]

Prints NAME=value lines (values shell-quoted) for a process that calls the
server as PRINCIPAL: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER and
AMPLIFY_AUTH_USERPOOL_ID. Each call creates a new key pair unless --key is
given. Use: set -a; eval "$(userpool env NAME)"; set +a`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
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
	p, err := e.store.GetPrincipal(ctx, pos[0])
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(stderr, "userpool: no principal %q (create one with: userpool principal create --name %s --pool POOL --allow ACTIONS)\n", pos[0], pos[0])
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	vars, err := e.principalEnv(ctx, p, *key, *pool, *endpoint, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	vars.write(stdout, *export)
	return 0
}

// principalEnv creates (or, with keyID, decrypts) a key pair of p and fills
// in the rest of the environment.
func (e *cliEnv) principalEnv(ctx context.Context, p store.Principal, keyID, pool, endpoint string, stderr io.Writer) (envVars, error) {
	v := envVars{region: e.cfg.Server.Region, endpoint: endpoint}
	if v.endpoint == "" {
		v.endpoint = endpointURL(e.cfg, e.cfg.Server.Listen)
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
	return v, nil
}
