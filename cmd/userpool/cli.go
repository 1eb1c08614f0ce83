package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// cliEnv is what the administrative commands work with: the same store and
// configuration as the server, which may be running (SQLite in WAL mode with
// a busy timeout lets both write; PostgreSQL is shared anyway).
type cliEnv struct {
	cfg    config.Config
	store  store.Store
	sealer *iam.Sealer // nil unless requested
	svc    *userpool.Service
}

// subcommand is one verb of a command group ("principal create").
type subcommand struct {
	name string
	run  func(args []string, stdout, stderr io.Writer) int
}

// dispatch runs the verb args[0] of the command group group: usage on
// -h/--help/help (exit 0), usage and exit 2 without a verb or with an
// unknown one.
func dispatch(group, usage string, subs []subcommand, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return 0
	}
	for _, sc := range subs {
		if sc.name == args[0] {
			return sc.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "userpool: unknown %s command %q\n%s\n", group, args[0], usage)
	return 2
}

// storeCommand is the preamble the store subcommands share: the common
// flags plus the command's own (registered by flags, which may be nil),
// exactly want positional arguments (-1: any number; otherwise usage is
// printed and the exit code is 2), the store opened (with the master key when
// needKey) and closed after run, and an open failure printed as
// "userpool: ...". run returns the command's exit code.
func storeCommand(name, usage string, want int, needKey bool, args []string, stderr io.Writer,
	flags func(*flag.FlagSet), run func(ctx context.Context, e *cliEnv, pos []string) int) int {
	fs := newFlagSet(name, stderr)
	var f commonFlags
	f.register(fs)
	if flags != nil {
		flags(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if want >= 0 && len(pos) != want {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, needKey)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()
	return run(ctx, e, pos)
}

func openCLI(ctx context.Context, f *commonFlags, needKey bool) (*cliEnv, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, err
	}
	if err := storeExists(cfg); err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	e := &cliEnv{cfg: cfg, store: st}
	e.svc = userpool.New(st, userpool.Options{Region: cfg.Server.Region, AccountID: cfg.Server.AccountID, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if needKey {
		if e.sealer, err = loadSealer(cfg, nil, false); err != nil {
			st.Close()
			return nil, err
		}
		if err := checkMasterKey(ctx, st, e.sealer); err != nil {
			st.Close()
			return nil, err
		}
		if err := checkSigningKeys(ctx, st, e.sealer); err != nil {
			st.Close()
			return nil, err
		}
	}
	return e, nil
}

// storeExists refuses a SQLite store whose file is missing: the
// administrative commands read an existing store and must not leave an empty
// one behind (run outside the data directory, they would otherwise create
// ./userpool-data/userpool.db and show nothing). A PostgreSQL store is the
// database server's to report.
func storeExists(cfg config.Config) error {
	backend, target, err := cfg.StoreBackend()
	if err != nil || backend != config.BackendSQLite {
		return nil // openStore reports a bad DSN
	}
	if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no store at %s: start the server once (userpool serve) with this data directory, or name the store with --data DIR, --config FILE or --store DSN", target)
	} else if err != nil {
		return fmt.Errorf("store %s: %w", target, err)
	}
	return nil
}

func (e *cliEnv) Close() { _ = e.store.Close() }

// resolvePool finds the one pool ref names (an id or a name); a name of
// several pools is an *ambiguousPoolError.
func resolvePool(ctx context.Context, svc *userpool.Service, ref string) (string, error) {
	if p, err := svc.GetPool(ctx, ref); err == nil {
		return p.ID, nil
	} else if userpool.KindOf(err) != userpool.KindResourceNotFound {
		return "", err
	}
	var ids []string
	token := ""
	for {
		ps, next, err := svc.ListPools(ctx, store.MaxPageSize, token)
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if p.Name == ref {
				ids = append(ids, p.ID)
			}
		}
		if next == "" {
			break
		}
		token = next
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("no pool has the id or name %q", ref)
	case 1:
		return ids[0], nil
	}
	return "", &ambiguousPoolError{ref: ref, ids: ids}
}

// ambiguousPoolError: ref names several pools (pool names need not be
// unique), so only an id selects one.
type ambiguousPoolError struct {
	ref string
	ids []string
}

func (e *ambiguousPoolError) Error() string {
	return fmt.Sprintf("%d pools are named %q (%s); give the id", len(e.ids), e.ref, strings.Join(e.ids, ", "))
}

// onlyPool returns the id of the single pool in the store, if there is exactly one.
func onlyPool(ctx context.Context, svc *userpool.Service) (string, bool) {
	ps, _, err := svc.ListPools(ctx, 2, "")
	if err != nil || len(ps) != 1 {
		return "", false
	}
	return ps[0].ID, true
}

// grantedPool is the pool AMPLIFY_AUTH_USERPOOL_ID names for a principal:
// the one pool its grants name, or the only pool when it is granted "*".
// When that is not one pool, it says why.
func grantedPool(ctx context.Context, svc *userpool.Service, p store.Principal) (string, string) {
	refs := map[string]bool{}
	for _, g := range p.Grants {
		refs[g.Pool] = true
	}
	if len(refs) != 1 {
		return "", fmt.Sprintf("principal %q is granted %d pools; pass --pool to choose", p.Name, len(refs))
	}
	var ref string
	for r := range refs {
		ref = r
	}
	if ref == "*" {
		if id, ok := onlyPool(ctx, svc); ok {
			return id, ""
		}
		return "", fmt.Sprintf("principal %q is granted every pool and there is not exactly one; pass --pool to choose", p.Name)
	}
	id, err := resolvePool(ctx, svc, ref)
	if err != nil {
		return "", err.Error()
	}
	return id, ""
}

// envVars are the lines `userpool env` prints, each "export NAME=value".
type envVars struct {
	accessKeyID, secret, region, endpoint, poolID string
}

func (v envVars) write(w io.Writer) {
	line := func(k, val string) { fmt.Fprintf(w, "export %s=%s\n", k, shellQuote(val)) }
	line("AWS_ACCESS_KEY_ID", v.accessKeyID)
	line("AWS_SECRET_ACCESS_KEY", v.secret)
	line("AWS_REGION", v.region)
	line("AWS_DEFAULT_REGION", v.region)
	line("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", v.endpoint)
	if v.poolID != "" {
		line("AMPLIFY_AUTH_USERPOOL_ID", v.poolID)
	}
}
