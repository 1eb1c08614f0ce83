package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"userpool/internal/iam"
	"userpool/internal/store"
)

const principalUsage = `usage:
  userpool principal create --name NAME --pool POOL --allow ACTION[,ACTION...] [--endpoint URL] [--new-key]
  userpool principal list [--json]
  userpool principal delete NAME

create makes the principal (or updates it: its grant on POOL is replaced by
these actions, other grants are kept) and prints the same "export NAME=value"
lines as "userpool env", for eval "$(userpool principal create ...)": with
a new access key pair for a new principal, else its newest key (--new-key
creates another). On failure it prints "false", so that the eval fails too.
POOL is a pool id, a pool name or "*". ACTION is one of Amplify's 30 action names (addUserToGroup,
manageUsers, ...), cognito-idp:<Operation> or cognito-idp:*.

All three work while the server runs: a new key is usable at once; a
deleted principal's keys and changed grants reach a running server within
its key cache TTL (30 seconds). Principals declared in the configuration
file get their declared grants back at the server's next start.

Every subcommand takes --data DIR and --config FILE like "userpool serve".`

func cmdPrincipal(args []string, stdout, stderr io.Writer) int {
	return dispatch("principal", principalUsage, []subcommand{
		{"create", principalCreate},
		{"list", principalList},
		{"delete", principalDelete},
	}, args, stdout, stderr)
}

func principalCreate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("principal create", stderr)
	var f commonFlags
	f.register(fs)
	name := fs.String("name", "", "principal name (1-64 of letters, digits, +=,.@_-)")
	pool := fs.String("pool", "", `pool id, pool name or "*"`)
	allow := fs.String("allow", "", "comma-separated actions")
	endpoint := fs.String("endpoint", "", "endpoint URL for the printed environment")
	newKey := fs.Bool("new-key", false, "create a new access key pair even when the principal has one")
	fs.Bool("export", true, "(always on; accepted for compatibility)")
	fs.Usage = func() { fmt.Fprintln(stderr, principalUsage); fs.PrintDefaults() }
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseExit(err)
	}
	actions, allowProblems := parseAllow(*allow)
	var problems []string
	if !principalNameOK(*name) {
		problems = append(problems, fmt.Sprintf("--name: %q must be 1-64 letters, digits or +=,.@_-", *name))
	}
	if *pool == "" {
		problems = append(problems, `--pool: give a pool id, a pool name or "*"`)
	}
	if len(actions) == 0 {
		problems = append(problems, "--allow: at least one action must be specified")
	}
	problems = append(problems, allowProblems...)
	if len(problems) > 0 {
		fmt.Fprintln(stderr, "userpool: "+strings.Join(problems, "\nuserpool: "))
		return evalFail(stdout, 2)
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, true)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	defer e.Close()
	if *pool != "*" {
		// A name of several pools may still be granted (grants name pools by
		// name); the environment is then printed without a pool id (below).
		var ambiguous *ambiguousPoolError
		if _, err := resolvePool(ctx, e.svc, *pool); err != nil && !errors.As(err, &ambiguous) {
			fmt.Fprintln(stderr, "userpool: --pool:", err)
			return evalFail(stdout, 1)
		}
	}
	now := time.Now().UTC()
	p, err := e.store.GetPrincipal(ctx, *name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p = store.Principal{Name: *name, CreatedAt: now}
	case err != nil:
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	p.Grants = withGrant(p.Grants, store.Grant{Pool: *pool, Actions: actions})
	p.UpdatedAt = now
	if err := e.store.PutPrincipal(ctx, p); err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	if _, declared := declaredPrincipal(e, *name); declared {
		fmt.Fprintf(stderr, "# note: principal %q is declared in the configuration file; its grants are replaced by the declared ones at the next start\n", *name)
	}
	poolArg := *pool
	if poolArg == "*" {
		poolArg = ""
	}
	choice := keyChoice{fresh: *newKey}
	vars, err := e.principalEnv(ctx, p, choice, poolArg, *endpoint, stderr)
	if err != nil && poolArg != "" {
		// The grant names several pools of that name: print without the id.
		fmt.Fprintf(stderr, "# AMPLIFY_AUTH_USERPOOL_ID omitted: %v\n", err)
		vars, err = e.principalEnv(ctx, store.Principal{Name: p.Name}, choice, "", *endpoint, io.Discard)
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return evalFail(stdout, 1)
	}
	vars.write(stdout)
	return 0
}

// parseAllow splits --allow into its actions and says what is wrong with
// each (principal create and role create).
func parseAllow(allow string) (actions, problems []string) {
	for _, a := range strings.Split(allow, ",") {
		if a = strings.TrimSpace(a); a != "" {
			actions = append(actions, a)
		}
	}
	for _, a := range actions {
		var refused *iam.ActionError
		if err := iam.ValidateActions([]string{a}); errors.As(err, &refused) {
			problems = append(problems, "--allow: "+refused.Reason)
		} else if err != nil {
			problems = append(problems, "--allow: "+err.Error())
		}
	}
	return actions, problems
}

// withGrant returns grants with g as the grant of its pool: one grant per
// pool, the new one replacing the old.
func withGrant(grants []store.Grant, g store.Grant) []store.Grant {
	for i := range grants {
		if grants[i].Pool == g.Pool {
			grants[i] = g
			return grants
		}
	}
	return append(grants, g)
}

func declaredPrincipal(e *cliEnv, name string) (int, bool) {
	for i, p := range e.cfg.Principals {
		if p.Name == name {
			return i, true
		}
	}
	return 0, false
}

func principalNameOK(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("+=,.@_-", c)) {
			return false
		}
	}
	return true
}

type principalJSON struct {
	Name      string        `json:"name"`
	Grants    []store.Grant `json:"grants"`
	Keys      []keyJSON     `json:"access_keys"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

type keyJSON struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Disabled  bool      `json:"disabled,omitempty"`
}

func principalList(args []string, stdout, stderr io.Writer) int {
	var asJSON *bool
	return storeCommand("principal list", "", -1, false, args, stderr,
		func(fs *flag.FlagSet) { asJSON = fs.Bool("json", false, "one JSON object per line") },
		func(ctx context.Context, e *cliEnv, _ []string) int {
			ps, err := e.store.ListPrincipals(ctx)
			if err != nil {
				fmt.Fprintln(stderr, "userpool:", err)
				return 1
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			if !*asJSON {
				fmt.Fprintln(tw, "NAME\tGRANTS\tACCESS KEYS")
			}
			for _, p := range ps {
				keys, err := e.store.ListAccessKeys(ctx, p.Name)
				if err != nil {
					fmt.Fprintln(stderr, "userpool:", err)
					return 1
				}
				if *asJSON {
					pj := principalJSON{Name: p.Name, Grants: p.Grants, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Keys: []keyJSON{}}
					for _, k := range keys {
						pj.Keys = append(pj.Keys, keyJSON{ID: k.ID, CreatedAt: k.CreatedAt, Disabled: k.Disabled})
					}
					b, _ := json.Marshal(pj)
					fmt.Fprintln(stdout, string(b))
					continue
				}
				var gs, ks []string
				for _, g := range p.Grants {
					gs = append(gs, g.Pool+": "+strings.Join(g.Actions, ","))
				}
				for _, k := range keys {
					s := k.ID
					if k.Disabled {
						s += " (disabled)"
					}
					ks = append(ks, s)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, strings.Join(gs, "; "), strings.Join(ks, ", "))
			}
			if err := tw.Flush(); err != nil {
				return 1
			}
			return 0
		})
}

func principalDelete(args []string, stdout, stderr io.Writer) int {
	return deleteNamed("principal", "and its access keys", args, stdout, stderr,
		func(ctx context.Context, e *cliEnv, name string) error { return e.store.DeletePrincipal(ctx, name) },
		func(e *cliEnv, name string) bool { _, declared := declaredPrincipal(e, name); return declared })
}

// deleteNamed is `userpool KIND delete NAME` for principals and roles:
// del removes the record and what was issued for it (what says which), and
// a record the configuration declares is said to come back at the next
// start.
func deleteNamed(kind, what string, args []string, stdout, stderr io.Writer,
	del func(ctx context.Context, e *cliEnv, name string) error, declared func(e *cliEnv, name string) bool) int {
	return storeCommand(kind+" delete", "usage: userpool "+kind+" delete NAME", 1, false, args, stderr, nil, func(ctx context.Context, e *cliEnv, pos []string) int {
		name := pos[0]
		if err := del(ctx, e, name); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				fmt.Fprintf(stderr, "userpool: no %s %q\n", kind, name)
				return 1
			}
			fmt.Fprintln(stderr, "userpool:", err)
			return 1
		}
		fmt.Fprintf(stdout, "deleted %s %q %s (a running server stops accepting them within %s)\n", kind, name, what, iam.DefaultKeyringTTL)
		if declared(e, name) {
			fmt.Fprintf(stderr, "# note: %s %q is declared in the configuration file and is created again at the next start\n", kind, name)
		}
		return 0
	})
}
