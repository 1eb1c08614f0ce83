package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"userpool/internal/config"
	"userpool/internal/function"
	"userpool/internal/function/lambda"
	"userpool/internal/function/webhook"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// functionDeps are what building the declared functions needs: the store
// and master key for each function's principal and access key, the domain
// for its pool id, and the endpoint its process calls.
type functionDeps struct {
	cfg      config.Config
	store    store.Store
	sealer   *iam.Sealer
	svc      *userpool.Service
	endpoint string
	log      *slog.Logger
	now      time.Time
}

// buildFunctions makes the Registry of the declared functions (only, when
// given, the one named). Each node function gets its own principal (the
// function's name; its declared grants replace the stored ones) and that
// principal's newest access key, created when it has none, in its
// process's environment, as `userpool env` prints it.
func buildFunctions(ctx context.Context, d functionDeps, only string) (*function.Registry, error) {
	reg := function.NewRegistry()
	fail := func(err error) (*function.Registry, error) {
		_ = reg.Close()
		return nil, err
	}
	for _, f := range d.cfg.Functions {
		if only != "" && f.Name != only {
			continue
		}
		var run function.Runner
		var err error
		switch f.Runtime {
		case config.RuntimeNode:
			var creds function.Credentials
			if creds, err = functionCredentials(ctx, d, f); err != nil {
				return fail(fmt.Errorf("function %s: %w", f.Name, err))
			}
			run, err = function.NewNode(function.NodeConfig{
				Name: f.Name, Handler: f.Handler, Export: f.Export, Node: d.cfg.FunctionsRuntime.Node,
				Timeout: f.Timeout, Workers: f.Workers, Credentials: creds, Env: f.Env, Logger: d.log,
			})
		case config.RuntimeLambda:
			if _, err = ensureFunctionPrincipal(ctx, d, f); err != nil {
				return fail(fmt.Errorf("function %s: %w", f.Name, err))
			}
			region := f.Region
			if region == "" {
				region = d.cfg.Server.Region
			}
			var secret function.Secret
			if f.SecretAccessKeyEnv != "" {
				v, ok := os.LookupEnv(f.SecretAccessKeyEnv)
				if !ok {
					return fail(fmt.Errorf("function %s: environment variable %s (secret_access_key_env) is not set", f.Name, f.SecretAccessKeyEnv))
				}
				secret = function.Secret(v)
			}
			run, err = lambda.New(lambda.Config{
				Name: f.Name, Endpoint: f.Endpoint, FunctionName: f.FunctionName, Qualifier: f.Qualifier,
				Region: region, AccessKeyID: f.AccessKeyID, SecretAccessKey: secret, Timeout: f.Timeout,
			})
		case config.RuntimeWebhook:
			if _, err = ensureFunctionPrincipal(ctx, d, f); err != nil {
				return fail(fmt.Errorf("function %s: %w", f.Name, err))
			}
			var secret function.Secret
			if secret, err = webhookSecret(f); err != nil {
				return fail(fmt.Errorf("function %s: %w", f.Name, err))
			}
			run, err = webhook.New(webhook.Config{Name: f.Name, URL: f.URL, Secret: secret, Timeout: f.Timeout})
		default:
			err = fmt.Errorf("function %s: unknown runtime %q", f.Name, f.Runtime)
		}
		if err != nil {
			return fail(err)
		}
		if err := reg.Add(f.Name, run); err != nil {
			_ = run.Close()
			return fail(err)
		}
	}
	if only != "" && len(reg.Names()) == 0 {
		return fail(fmt.Errorf("%w: no function %q is declared in the configuration file", function.ErrNotFound, only))
	}
	return reg, nil
}

func webhookSecret(f config.Function) (function.Secret, error) {
	var v string
	if f.SecretEnv != "" {
		var ok bool
		if v, ok = os.LookupEnv(f.SecretEnv); !ok {
			return nil, fmt.Errorf("environment variable %s (secret_env) is not set", f.SecretEnv)
		}
	} else {
		b, err := os.ReadFile(f.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("secret_file: %w", err)
		}
		v = strings.TrimSpace(string(b))
	}
	return function.Secret(v), nil
}

// ensureFunctionPrincipal stores the function's principal: its declared
// grants when it has any (replacing the stored ones), else the principal
// as it is (declared under principals, made with `userpool principal
// create`, or new without grants: every signed call is then refused).
func ensureFunctionPrincipal(ctx context.Context, d functionDeps, f config.Function) (store.Principal, error) {
	p, err := d.store.GetPrincipal(ctx, f.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p = store.Principal{Name: f.Name, CreatedAt: d.now}
	case err != nil:
		return p, err
	case len(f.Grants) == 0:
		return p, nil
	}
	if len(f.Grants) > 0 {
		p.Grants = nil
		for _, g := range f.Grants {
			p.Grants = append(p.Grants, store.Grant{Pool: g.Pool, Actions: g.Actions})
		}
	}
	p.UpdatedAt = d.now
	return p, d.store.PutPrincipal(ctx, p)
}

// functionCredentials is the environment of a node function's process.
func functionCredentials(ctx context.Context, d functionDeps, f config.Function) (function.Credentials, error) {
	c := function.Credentials{Region: d.cfg.Server.Region, Endpoint: d.endpoint}
	p, err := ensureFunctionPrincipal(ctx, d, f)
	if err != nil {
		return c, err
	}
	if len(p.Grants) > 0 {
		c.PoolID, _ = grantedPool(ctx, d.svc, p)
	}
	keys, err := d.store.ListAccessKeys(ctx, p.Name)
	if err != nil {
		return c, err
	}
	if k, ok := newestKey(keys); ok {
		secret, err := d.sealer.OpenSecret(k.ID, k.SecretCiphertext)
		if err != nil {
			return c, fmt.Errorf("opening access key %s: %w", k.ID, err)
		}
		c.AccessKeyID, c.SecretAccessKey = k.ID, secret
		return c, nil
	}
	id, secret, err := iam.CreateAccessKey(ctx, d.store, d.sealer, nil, p.Name, d.now)
	if err != nil {
		return c, err
	}
	c.AccessKeyID, c.SecretAccessKey = id, secret
	return c, nil
}

const functionUsage = `usage:
  userpool function list [--config FILE]
  userpool function invoke NAME [--event FILE] [--endpoint URL] [--data DIR] [--config FILE] [--store DSN]

list prints the functions the configuration file declares.
invoke runs one with the event JSON of FILE (default {}; "-" reads stdin)
through its runtime, as a trigger would, and prints its result JSON. A node
function calls the server at --endpoint (default: server.public_url, else
http://<listen>) with its own access key. On a function error it prints the
error message and exits 1; on a timeout or a runtime failure, exits 2.

See docs/functions.md.`

func cmdFunction(args []string, stdout, stderr io.Writer) int {
	return dispatch("function", functionUsage, []subcommand{
		{"list", functionList},
		{"invoke", functionInvoke},
	}, args, stdout, stderr)
}

func functionList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("function list", stderr)
	var f commonFlags
	f.register(fs)
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseExit(err)
	}
	cfg, err := f.load()
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNTIME\tTARGET\tTIMEOUT\tGRANTS")
	for _, fn := range cfg.Functions {
		target := fn.Handler
		switch fn.Runtime {
		case config.RuntimeLambda:
			target = fn.Endpoint
			if fn.FunctionName != "" {
				target += " " + fn.FunctionName
			}
		case config.RuntimeWebhook:
			target = fn.URL
		}
		timeout := fn.Timeout
		if timeout == 0 {
			timeout = function.DefaultTimeout
		}
		var gs []string
		for _, g := range fn.Grants {
			gs = append(gs, g.Pool+": "+strings.Join(g.Actions, ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", fn.Name, fn.Runtime, target, timeout, strings.Join(gs, "; "))
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

func functionInvoke(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("function invoke", stderr)
	var f commonFlags
	f.register(fs)
	eventFile := fs.String("event", "", `file holding the event JSON ("-": stdin; default {})`)
	endpoint := fs.String("endpoint", "", "the server's URL for a node function (default: server.public_url, else http://<listen>)")
	fs.Usage = func() { fmt.Fprintln(stderr, functionUsage); fs.PrintDefaults() }
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	event := []byte("{}")
	switch *eventFile {
	case "":
	case "-":
		event, err = io.ReadAll(os.Stdin)
	default:
		event, err = os.ReadFile(*eventFile)
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool: --event:", err)
		return 2
	}
	if !json.Valid(event) {
		fmt.Fprintln(stderr, "userpool: --event: not JSON")
		return 2
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, true)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()
	if *endpoint == "" {
		*endpoint = endpointURL(e.cfg, e.cfg.Server.Listen)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	reg, err := buildFunctions(ctx, functionDeps{cfg: e.cfg, store: e.store, sealer: e.sealer, svc: e.svc, endpoint: *endpoint, log: log, now: time.Now().UTC()}, pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer reg.Close()
	out, err := reg.Invoke(ctx, pos[0], event)
	var fe *function.FunctionError
	switch {
	case errors.As(err, &fe):
		fmt.Fprintf(stderr, "userpool: function %s failed: %s\n", pos[0], fe.Message)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "userpool:", err)
		return 2
	}
	fmt.Fprintln(stdout, string(out))
	return 0
}
