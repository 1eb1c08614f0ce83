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

const roleUsage = `usage:
  userpool role create --name NAME [--pool POOL --allow ACTION[,ACTION...]]
  userpool role list [--json]
  userpool role delete NAME

A role is the grants that an identity pool's temporary credentials act with
when a group's RoleArn or an identity pool's roles name
arn:aws:iam::<account_id>:role/NAME (docs/identity.md). create makes the role
(or updates it: its grant on POOL is replaced by these actions, other grants
are kept) and prints its ARN; without --pool and --allow the role allows
nothing. POOL and ACTION are as for "userpool principal create".

delete removes the role and the temporary credentials issued for it. Changed
grants and deletions reach a running server within its key cache TTL (30
seconds). Roles declared in the configuration file get their declared
grants back at the server's next start.

Every subcommand takes --data DIR and --config FILE like "userpool serve".`

func cmdRole(args []string, stdout, stderr io.Writer) int {
	return dispatch("role", roleUsage, []subcommand{
		{"create", roleCreate},
		{"list", roleList},
		{"delete", roleDelete},
	}, args, stdout, stderr)
}

func declaredRole(e *cliEnv, name string) bool {
	for _, r := range e.cfg.Roles {
		if r.Name == name {
			return true
		}
	}
	return false
}

func roleCreate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("role create", stderr)
	var f commonFlags
	f.register(fs)
	name := fs.String("name", "", "role name (1-64 of letters, digits, +=,.@_-)")
	pool := fs.String("pool", "", `pool id, pool name or "*"`)
	allow := fs.String("allow", "", "comma-separated actions")
	fs.Usage = func() { fmt.Fprintln(stderr, roleUsage); fs.PrintDefaults() }
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseExit(err)
	}
	actions, allowProblems := parseAllow(*allow)
	var problems []string
	if !principalNameOK(*name) {
		problems = append(problems, fmt.Sprintf("--name: %q must be 1-64 letters, digits or +=,.@_-", *name))
	}
	if (*pool == "") != (len(actions) == 0) {
		problems = append(problems, "--pool and --allow go together")
	}
	problems = append(problems, allowProblems...)
	if len(problems) > 0 {
		fmt.Fprintln(stderr, "userpool: "+strings.Join(problems, "\nuserpool: "))
		return 2
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, false)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()
	if *pool != "" && *pool != "*" {
		var ambiguous *ambiguousPoolError
		if _, err := resolvePool(ctx, e.svc, *pool); err != nil && !errors.As(err, &ambiguous) {
			fmt.Fprintln(stderr, "userpool: --pool:", err)
			return 1
		}
	}
	now := time.Now().UTC()
	r, err := e.store.GetRole(ctx, *name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r = store.Role{Name: *name, CreatedAt: now}
	case err != nil:
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	if *pool != "" {
		r.Grants = withGrant(r.Grants, store.Grant{Pool: *pool, Actions: actions})
	}
	r.UpdatedAt = now
	if err := e.store.PutRole(ctx, r); err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	if declaredRole(e, *name) {
		fmt.Fprintf(stderr, "# note: role %q is declared in the configuration file; its grants are replaced by the declared ones at the next start\n", *name)
	}
	fmt.Fprintln(stdout, iam.RoleARN(e.cfg.Server.AccountID, r.Name))
	return 0
}

type roleJSON struct {
	Name      string        `json:"name"`
	ARN       string        `json:"arn"`
	Grants    []store.Grant `json:"grants"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

func roleList(args []string, stdout, stderr io.Writer) int {
	var asJSON *bool
	return storeCommand("role list", "", -1, false, args, stderr,
		func(fs *flag.FlagSet) { asJSON = fs.Bool("json", false, "one JSON object per line") },
		func(ctx context.Context, e *cliEnv, _ []string) int {
			rs, err := e.store.ListRoles(ctx)
			if err != nil {
				fmt.Fprintln(stderr, "userpool:", err)
				return 1
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			if !*asJSON {
				fmt.Fprintln(tw, "NAME\tARN\tGRANTS")
			}
			for _, r := range rs {
				arn := iam.RoleARN(e.cfg.Server.AccountID, r.Name)
				if *asJSON {
					grants := r.Grants
					if grants == nil {
						grants = []store.Grant{}
					}
					b, _ := json.Marshal(roleJSON{Name: r.Name, ARN: arn, Grants: grants, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
					fmt.Fprintln(stdout, string(b))
					continue
				}
				var gs []string
				for _, g := range r.Grants {
					gs = append(gs, g.Pool+": "+strings.Join(g.Actions, ","))
				}
				if len(gs) == 0 {
					gs = []string{"(nothing)"}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, arn, strings.Join(gs, "; "))
			}
			if err := tw.Flush(); err != nil {
				return 1
			}
			return 0
		})
}

func roleDelete(args []string, stdout, stderr io.Writer) int {
	return deleteNamed("role", "and the temporary credentials issued for it", args, stdout, stderr,
		func(ctx context.Context, e *cliEnv, name string) error { return e.store.DeleteRole(ctx, name) },
		declaredRole)
}
